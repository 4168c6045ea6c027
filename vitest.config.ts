import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The built CLI the tests spawn, rebuilt here (not by the first test's launcher) after an edit.
    globalSetup: ['test/support/build-dist.mjs'],
    // Integration suites start kinesalite/s3rver; two cores are all CI has.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
