// Lint = module boundaries (DESIGN.md §1) + a few correctness rules. Type checking is `tsc --noEmit`.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Core: the contracts job and plugin authors touch, without machinery. Depends on nothing of ours.
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
            // The runtime (SPIs + machinery) builds on core alone.
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:core'] },
            // Plugins implement the runtime's SPIs with core's contracts: never another plugin, never the API.
            { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:core', 'type:runtime'] },
            // Connectors (files and sockets, later Kafka) are sources and sinks built on the runtime's operator contracts.
            { sourceTag: 'type:connector', onlyDependOnLibsWithTags: ['type:core', 'type:runtime'] },
            // The DataStream API: user contracts from core. It still needs the runtime because building a job means
            // building the runtime's StreamGraph with its operators, sources, sinks and window operators (and
            // env.execute() runs through the runtime's execution context). It depends on no plugin. It may depend on
            // connectors because Flink's DataStream API has readTextFile, socketTextStream and writeAsText built in;
            // those methods build on @flott/connector-files. (Other connectors, such as Kafka, are imported by the job.)
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:core', 'type:runtime', 'type:connector'] },
            // The client bundles job files (esbuild) and submits them: a package of its own so that TaskManagers, which
            // only store and run artifacts, never load the bundler.
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:core', 'type:runtime'] },
            { sourceTag: 'type:distribution', onlyDependOnLibsWithTags: ['type:core', 'type:runtime', 'type:client', 'type:plugin', 'type:api', 'type:connector', 'type:library'] },
            // Libraries for job authors (the Nexmark generator) build on the API; the runtime only for the paced
            // source operator they plug in (until sources have their own package).
            { sourceTag: 'type:library', onlyDependOnLibsWithTags: ['type:api', 'type:runtime'] },
            // Example jobs import the API, libraries and connectors only, as a job author does. (The custom-distribution example's
            // launcher is JavaScript, which this lint does not check: composing a distribution is its point.)
            { sourceTag: 'type:examples', onlyDependOnLibsWithTags: ['type:api', 'type:library', 'type:connector'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
      // A package is imported through its entry points (package.json `exports`), never by a deep path into another package.
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^@flott/[^/]+/(?!testing$)', message: 'Import a Flott package through its entry point, not a deep path.' }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Use named exports (CONVENTIONS.md: no export * barrels).' },
      ],
    },
  },
  {
    // Tests may use `any` for deliberately malformed input.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
];
