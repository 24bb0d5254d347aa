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
            // The runtime depends on no other Flott package.
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: [] },
            // Plugins depend on the runtime alone: never on another plugin, never on the API.
            { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:runtime'] },
            // The DataStream API depends on no plugin.
            { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:runtime'] },
            { sourceTag: 'type:distribution', onlyDependOnLibsWithTags: ['type:runtime', 'type:plugin', 'type:api', 'type:library'] },
            // Libraries for job authors (the Nexmark generator) build on the API.
            { sourceTag: 'type:library', onlyDependOnLibsWithTags: ['type:api', 'type:runtime'] },
            { sourceTag: 'type:examples', onlyDependOnLibsWithTags: ['type:api', 'type:runtime', 'type:plugin', 'type:distribution', 'type:library'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'off',
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
