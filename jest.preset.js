// Shared Jest setup: ts-jest transpiles TypeScript (type checking runs in the lint target).
// `@flott/*` imports resolve to the packages' sources, so unit tests need no build; code that runs
// in worker threads or child processes (slots, TaskManagers, the CLI) runs from the built `dist/`,
// which the Nx `test` target builds first.
const path = require('path');
const packages = path.join(__dirname, 'packages');
module.exports = (rootDir) => ({
  rootDir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@flott/runtime/testing$': path.join(packages, 'runtime/src/testing/index.ts'),
    '^@flott/([a-z-]+)$': path.join(packages, '$1/src/index.ts'),
  },
  transform: {
    // Transpile only (isolatedModules in tsconfig.jest.json): type checking is the lint target's job, and ts-jest has no
    // native binaries, so `npm ci` works wherever the registry lacks other platforms' builds.
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
  },
  testTimeout: 30000,
});
