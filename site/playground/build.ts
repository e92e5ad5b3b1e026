/**
 * Builds the failure-mode playground with Vite into site/playground/dist/ (or --out DIR), which
 * `npm run docs` copies into the docs site as playground/; with --serve, serves it cross-origin isolated
 * (COOP/COEP: WASM threads need SharedArrayBuffer) on http://127.0.0.1:8080/ (or --port N).
 *
 *   npx tsx site/playground/build.ts --serve
 *
 * Besides Vite's bundle of index.html, main.ts and the module worker (worker.ts), the page needs:
 * - tfjs-backend-wasm's .wasm files, copied into wasm/ (the worker passes that folder as wasmPaths);
 * - the MNIST eights as a static file (writeMnistBinary), which the worker fetches with loadMnistFrom;
 * - the FailureMonitor's verdict changes over the committed full runs of docs/experiments/failure-modes
 *   (batch 128), computed here from their history.csv as the monitor computes them while training.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { History, diagnose, type Verdict } from 'gan-hacks';
import { writeMnistBinary } from 'gan-hacks/node';
import { CHECK_EVERY, MONITOR_WINDOW } from './protocol.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
export const DEFAULT_OUT = join(here, 'dist');

/** The committed runs whose monitor timelines the page shows, with their titles. */
const RUNS: [string, string][] = [
  ['b1', 'B1 stable'],
  ['b2', 'B2 latent size 1'],
  ['b3', 'B3 combined batch'],
  ['b4', 'B4 aggressive Adam'],
  ['b1-bn', 'Batch norm in D and G'],
];

export interface FullRun {
  setting: string;
  timeline: string;
}

/** The verdict changes a FailureMonitor (every CHECK_EVERY, window MONITOR_WINDOW) reports over a history. */
export function monitorTimeline(history: History): { iteration: number; verdict: Verdict }[] {
  const changes: { iteration: number; verdict: Verdict }[] = [];
  for (let i = CHECK_EVERY; i <= history.length; i += CHECK_EVERY) {
    const { verdict } = diagnose(history.records.slice(0, i), { window: Math.min(MONITOR_WINDOW, i) });
    if (changes[changes.length - 1]?.verdict !== verdict) changes.push({ iteration: i, verdict });
  }
  return changes;
}

/** The timelines of the committed full runs (seeds in order), one row per run and seed. */
export function fullRuns(dir = join(ROOT, 'docs/experiments/failure-modes')): FullRun[] {
  const rows: FullRun[] = [];
  for (const [id, title] of RUNS) {
    if (!existsSync(join(dir, id))) continue;
    const seeds = readdirSync(join(dir, id))
      .filter((s) => /^seed-\d+$/.test(s) && existsSync(join(dir, id, s, 'history.csv')))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    for (const seed of seeds) {
      const history = History.fromCSV(readFileSync(join(dir, id, seed, 'history.csv'), 'utf8'));
      const changes = monitorTimeline(history);
      rows.push({ setting: `${title}, batch 128, ${seed.replace('-', ' ')} (${history.length} iterations, Node)`, timeline: changes.map((c) => `${c.iteration} → ${c.verdict}`).join(', ') });
    }
  }
  return rows;
}

export interface BuildResult {
  out: string;
  files: number;
  bytes: number;
  digits: number;
}

function folderSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const s = folderSize(p);
      files += s.files;
      bytes += s.bytes;
    } else {
      files += 1;
      bytes += statSync(p).size;
    }
  }
  return { files, bytes };
}

/** Builds the playground into `out` (emptied first). */
export async function buildPlayground(out = DEFAULT_OUT): Promise<BuildResult> {
  const src = (p: string): string => join(ROOT, 'src', p);
  await build({
    configFile: false,
    root: here,
    // Relative URLs: the same build works at / (--serve) and under the docs site's playground/.
    base: './',
    logLevel: 'warn',
    resolve: {
      alias: [
        { find: /^gan-hacks\/browser$/, replacement: src('browser/index.ts') },
        { find: /^gan-hacks$/, replacement: src('index.ts') },
      ],
    },
    define: { __FULL_RUNS__: JSON.stringify(fullRuns()) },
    worker: { format: 'es' },
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      // tfjs alone is ~1.5 MB minified, in the worker's chunk; vega loads on the first chart.
      chunkSizeWarningLimit: 4096,
      reportCompressedSize: false,
      minify: 'esbuild',
    },
  });
  const wasmDist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '..', 'dist');
  mkdirSync(join(out, 'wasm'), { recursive: true });
  for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(out, 'wasm', f));
  const { count } = await writeMnistBinary(join(out, 'eights.bin'), { digits: [8] });
  return { out, ...folderSize(out), digits: count };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, serve: { type: 'boolean', default: false }, port: { type: 'string', default: '8080' } } });
  const started = performance.now();
  const r = await buildPlayground(resolve(values.out ?? DEFAULT_OUT));
  console.log(
    `playground: ${r.files} files, ${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${relative(process.cwd(), r.out) || '.'} (${r.digits} eights; ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (values.serve) {
    const { serveSite } = await import('../../scripts/site/serve.js');
    const { url } = await serveSite(r.out, Number(values.port));
    console.log(`serving the playground at ${url} (cross-origin isolated; Ctrl+C stops)`);
  }
}
