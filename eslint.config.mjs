// Lint = module boundaries (DESIGN.md §1) + a few correctness rules. Type checking is `tsc --noEmit`.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const noExportAll = { selector: 'ExportAllDeclaration', message: 'Use named exports (CONVENTIONS.md: no export * barrels).' };
const noDeepImports = { regex: '^@flott/[^/]+/(?!(testing|spi|common|internal)$)', message: 'Import a Flott package through its entry point, not a deep path.' };

// @flott/runtime/internal is the machinery jobs are built from (StreamGraph, operators, window operators, the network
// stack), not a stable API. Only these packages may import it, each for its reason; the others import the runtime's
// public index, /spi or /testing.
const RUNTIME_INTERNAL_IMPORTERS = [
  'packages/api-datastream', // builds the StreamGraph from the runtime's operators and runs execute() through the execution context
  'packages/connector-files', // its file and socket sources and sinks are operators (AbstractStreamOperator, SourceOperator, AvailabilityNotifier)
  'packages/client', // translates the job's StreamGraph into the JobGraph it submits, as Flink's client does
  'packages/cli', // `flott info` prints the translated JobGraph; the benchmarks drive the network stack and window operators directly
];
const noRuntimeInternal = {
  name: '@flott/runtime/internal',
  message: `Only the packages that build jobs from the runtime's parts (${RUNTIME_INTERNAL_IMPORTERS.map((dir) => dir.replace('packages/', '')).join(', ')}) may import it; use @flott/runtime, @flott/runtime/common, @flott/runtime/spi or @flott/runtime/testing.`,
};

// Determinism (DESIGN.md §9): core and runtime code take time, timers and randomness from the injected
// Clock, Scheduler, Random and IdGenerator (packages/runtime/src/time/, core's time/), never directly.
const DETERMINISM = 'DESIGN.md §9: take time, timers and randomness from the injected Clock / Scheduler / Random / IdGenerator';
const RANDOM_FNS = ['randomUUID', 'randomBytes', 'randomInt', 'randomFill', 'randomFillSync', 'getRandomValues'];
const determinismRules = {
  'no-restricted-globals': ['error', ...['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({ name, message: DETERMINISM }))],
  'no-restricted-properties': [
    'error',
    ...[['Date', 'now'], ['Math', 'random'], ['performance', 'now'], ['process', 'hrtime']].map(([object, property]) => ({ object, property, message: DETERMINISM })),
    ...['setTimeout', 'setInterval', 'setImmediate'].map((property) => ({ object: 'globalThis', property, message: DETERMINISM })),
    ...RANDOM_FNS.map((property) => ({ object: 'crypto', property, message: DETERMINISM })),
  ],
  'no-restricted-syntax': [
    'error',
    noExportAll,
    // `new Date(ms)` formats a given time and is fine; without arguments (or `Date()`) it reads the clock.
    { selector: 'NewExpression[callee.name="Date"][arguments.length=0]', message: DETERMINISM },
    { selector: 'CallExpression[callee.name="Date"]', message: DETERMINISM },
  ],
  'no-restricted-imports': [
    'error',
    {
      patterns: [noDeepImports],
      paths: [
        ...['crypto', 'node:crypto'].map((name) => ({ name, importNames: RANDOM_FNS, message: DETERMINISM })),
        ...['timers', 'node:timers', 'timers/promises', 'node:timers/promises', 'perf_hooks', 'node:perf_hooks'].map((name) => ({ name, message: DETERMINISM })),
      ],
    },
  ],
};

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
            // The REST API server (fastify) on the Dispatcher's gateway: a package of its own so the runtime never loads fastify.
            { sourceTag: 'type:rest', onlyDependOnLibsWithTags: ['type:core', 'type:runtime'] },
            { sourceTag: 'type:distribution', onlyDependOnLibsWithTags: ['type:core', 'type:runtime', 'type:client', 'type:rest', 'type:plugin', 'type:api', 'type:connector', 'type:library'] },
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
      // A package is imported through its entry points (package.json `exports`), never by a deep path into another
      // package; @flott/runtime/internal only where the block below allows it.
      'no-restricted-imports': ['error', { patterns: [noDeepImports], paths: [noRuntimeInternal] }],
      'no-restricted-syntax': ['error', noExportAll],
    },
  },
  {
    files: RUNTIME_INTERNAL_IMPORTERS.map((dir) => `${dir}/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', { patterns: [noDeepImports] }] },
  },
  {
    // Core and runtime sources; specs drive time with a ManualClock or measure real time on purpose.
    files: ['packages/core/src/**/*.ts', 'packages/runtime/src/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      // The services themselves: SystemClock, SystemScheduler, SystemRandom, SystemIdGenerator, the event-loop yield.
      'packages/core/src/time/**',
      'packages/runtime/src/time/**',
      // Real edges, each for the reason given:
      // - test helpers whose point is the real thing: settle() drains the real event loop; the restart-backoff
      //   contract swaps out Date.now/performance.now to prove strategies never call them.
      'packages/runtime/src/testing/settle.ts',
      'packages/runtime/src/testing/restart-backoff-contract.ts',
    ],
    rules: determinismRules,
  },
  {
    // Tests may use `any` for deliberately malformed input.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
];
