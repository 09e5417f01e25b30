/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: type-checking happens once, in `npm test`'s `tsc --noEmit`.
  transform: { '^.+\\.ts$': '@sucrase/jest-plugin' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  snapshotFormat: { printBasicPrototype: false },
  // A skipped test names its reason in its title; this lists them under the summary.
  reporters: ['default', '<rootDir>/test/support/skipped-reporter.js'],
  // Synthesis is CPU-bound: one worker per core (jest's default leaves one idle).
  maxWorkers: '100%',
};
