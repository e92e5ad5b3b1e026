import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node/index.ts',
    wasm: 'src/wasm/index.ts',
    browser: 'src/browser/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  splitting: true,
  treeshake: true,
  // The CJS build needs import.meta.url (threaded WASM resolves tfjs files from it).
  shims: true,
  // Peers and dependencies are resolved by the user's installation, never bundled.
  external: [/^@tensorflow\//, 'mnist', 'pngjs', 'cli-progress', 'seedrandom', 'vega', 'vega-lite', '@resvg/resvg-js'],
});
