import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs keeps one global engine per process; isolating files in forks keeps
    // backend choices and registered kernels of one file from leaking into another.
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
  },
});
