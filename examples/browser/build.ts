/**
 * Builds the browser example into examples/browser/dist/ (or --out DIR) and, with --serve, serves it on
 * http://127.0.0.1:8080 (or --port N) with the cross-origin-isolation headers that WASM threads need.
 *
 *   npx tsx examples/browser/build.ts --serve
 *
 * What a page needs, and what this script does for it (docs/browser.md explains each):
 * 1. a bundle of main.ts: esbuild with code splitting, so vega (the live curves) loads only when drawn;
 * 2. tfjs-backend-wasm's .wasm files beside it (main.ts passes their folder as `wasmPaths`);
 * 3. the MNIST eights as a static file (`writeMnistBinary`), which `loadMnistFrom` fetches.
 * `--quick` builds without serving (the CI smoke test of run-all.ts).
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeMnistBinary } from 'gan-hacks/node';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { out: { type: 'string' }, serve: { type: 'boolean', default: false }, port: { type: 'string', default: '8080' }, quick: { type: 'boolean', default: false } },
});
const out = resolve(values.out ?? join(here, 'dist'));
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [join(here, 'main.ts')],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  outdir: out,
  metafile: true,
  // tfjs's node-only fallbacks (node-fetch, util...) are never reached in a page.
  external: ['node:*'],
  logLevel: 'warning',
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
const wasmDist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '..', 'dist');
for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(out, f));
const digits = await writeMnistBinary(join(out, 'eights.bin'), { digits: [8] });
const sizes = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith('.js'))
  .map(([f, o]) => `${f.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`built ${out}: ${sizes.join(', ')}; ${digits.count} digits`);

if (values.serve && !values.quick) {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.bin': 'application/octet-stream' };
  createServer((req, res) => {
    const path = join(out, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/$/, '/index.html'));
    if (!path.startsWith(out)) return void res.writeHead(403).end();
    try {
      const body = readFileSync(path);
      // Cross-origin isolation (SharedArrayBuffer) lets tfjs start its threaded WASM build.
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  }).listen(Number(values.port), '127.0.0.1', () => console.log(`serving http://127.0.0.1:${values.port}/ (Ctrl-C stops)`));
}
