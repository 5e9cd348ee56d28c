// Unit specs beside the code (src/**/*.spec.ts), e2e specs over HTTP (test/e2e) and browser specs
// driving Chromium through the front ends (test/browser).
//
// JEST_TEST_FILES (comma-separated paths) narrows a run to those files: the mutation
// script (scripts/mutation.ts) sets it so that Stryker runs, for each mutant, only the
// tests meant to cover that group of rule files instead of the whole e2e suite. A run
// of unit specs alone needs no database, so it skips the per-run database set-up,
// which Stryker would otherwise repeat for every mutant.
const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const onlyFiles = (process.env.JEST_TEST_FILES ?? '')
  .split(',')
  .map((path) => path.trim().replace(/^\.\//, ''))
  .filter(Boolean);
const needsDatabase = onlyFiles.length === 0 || onlyFiles.some((path) => !path.startsWith('src/'));

module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: onlyFiles.length > 0 ? onlyFiles.map((path) => `${escape(path)}$`) : ['src/.*\\.spec\\.ts$', 'test/.*\\.e2e-spec\\.ts$', 'test/browser/.*\\.browser-spec\\.ts$'],
  // Stryker's sandboxes are copies of the repository: never run or resolve them twice.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/\\.stryker-tmp/', '<rootDir>/reports/'],
  modulePathIgnorePatterns: ['<rootDir>/\\.stryker-tmp/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] },
  testEnvironment: 'node',
  ...(needsDatabase
    ? { globalSetup: '<rootDir>/test/support/global-setup.ts', globalTeardown: '<rootDir>/test/support/global-teardown.ts' }
    : {}),
  testTimeout: 30000,
  maxWorkers: 2,
  watchman: false,
};
