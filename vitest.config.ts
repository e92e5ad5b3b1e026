import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string): string => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^gan-hacks\/node$/, replacement: src('node/index.ts') },
      { find: /^gan-hacks\/wasm$/, replacement: src('wasm/index.ts') },
      { find: /^gan-hacks\/browser$/, replacement: src('browser/index.ts') },
      { find: /^gan-hacks$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs keeps one global engine per process; separate processes keep one
    // file's backend and registered kernels from leaking into another.
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
  },
});
