// Shared Jest setup: ts-jest transpiles TypeScript (type checking runs in the lint target).
// `@flott/*` imports resolve to the packages' sources, so unit tests need no build; code that runs
// in worker threads or child processes (slots, TaskManagers, the CLI) runs from the built `dist/`,
// which the Nx `test` target builds first.
//
// Coverage (FLOTT_COVERAGE=true, as `npm run coverage` and CI set it, or jest --coverage): each package
// counts only its own `src/**/*.ts`, not other packages' sources reached through moduleNameMapper,
// and writes coverage/<package dir>/coverage-summary.json for scripts/coverage.js. Code in worker
// threads and child processes runs from dist/ and is not counted. Hot-method specialisation is
// switched off for the instrumented code (operators/specialize.ts): copies of instrumented methods
// cannot reach their counters.
const fs = require('fs');
const path = require('path');
const packages = path.join(__dirname, 'packages');
const coverage = process.env.FLOTT_COVERAGE === 'true' || process.argv.includes('--coverage');
module.exports = (rootDir) => ({
  rootDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@flott/runtime/testing$': path.join(packages, 'runtime/src/testing/index.ts'),
    '^@flott/runtime/common$': path.join(packages, 'runtime/src/common.ts'),
    '^@flott/runtime/spi$': path.join(packages, 'runtime/src/spi/index.ts'),
    '^@flott/runtime/internal$': path.join(packages, 'runtime/src/internal.ts'),
    '^@flott/([a-z0-9-]+)/testing$': path.join(packages, '$1/src/testing/index.ts'),
    '^@flott/([a-z0-9-]+)$': path.join(packages, '$1/src/index.ts'),
  },
  transform: {
    // Transpile only (isolatedModules in tsconfig.jest.json): type checking is the lint target's job, and ts-jest has no
    // native binaries, so `npm ci` works wherever the registry lacks other platforms' builds.
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
  },
  testTimeout: 30000,
  setupFiles: coverage ? [path.join(__dirname, 'scripts/coverage-jest-setup.js')] : [],
  // Only packages with sources (not examples/) report coverage.
  collectCoverage: coverage && fs.existsSync(path.join(rootDir, 'src')),
  collectCoverageFrom: [
    'src/**/*.ts',
    '!src/**/*.spec.ts',
    '!src/**/testing/**',
    '!src/**/testing-fixtures/**',
    '!src/**/bench/**',
    '!src/**/bench-*.ts',
  ],
  coverageDirectory: path.join(__dirname, 'coverage', path.relative(__dirname, rootDir)),
  coverageReporters: ['json-summary'],
});
