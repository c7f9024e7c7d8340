/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  // One test file at a time (the suites share the machine's PostgreSQL and Redis and measure
  // nothing in parallel), in one worker process that is replaced once it holds more than this
  // after a file: a booted app per suite leaves module copies behind, and ~130 suites in one
  // process outgrew Node's default heap (4 GB).
  workerIdleMemoryLimit: '1536MB',
  // Sockets and workers are closed by each suite; this only guards against a stuck run.
  forceExit: false,
};
