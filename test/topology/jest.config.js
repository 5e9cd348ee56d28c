// The cross-instance suite: run by .ci/topology against a running topology (two instances behind
// haproxy, PgBouncer, a streaming replica); it starts nothing itself.
module.exports = {
  rootDir: '../..',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: ['test/topology/.*\\.topology-spec\\.ts$'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] },
  testEnvironment: 'node',
  testTimeout: 60000,
  maxWorkers: 1,
  watchman: false,
};
