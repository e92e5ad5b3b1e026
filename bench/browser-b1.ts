/**
 * Seconds per B1 iteration in Debian's Chromium (WASM with 1 and 2 threads in a cross-origin-isolated
 * page; WebGL, which Chromium renders in software here: SwiftShader) beside Node's WASM (1 and 2
 * threads), measured in one run. The page is bundled against dist/ (what the packed package ships).
 *
 *   npx tsx bench/browser-b1.ts [--iterations 5] [--warmup 2] [--webgl-iterations 1] [--merge]
 *
 * WebGL on SwiftShader takes ~6 minutes per B1 iteration here, so the whole run takes ~15 minutes.
 *
 * Prints one JSON line; `--merge` stores it as `browser` in bench/results.json and re-renders
 * docs/performance.md (bench/run.ts --render). bench/run.ts runs it as part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundlePage, ensureBuilt, launchChromium, openPage, removeDir, ROOT, serve } from '../test/browser/harness.js';
import type { B1PageRun } from './browser/b1-page.js';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '5' }, warmup: { type: 'string', default: '2' }, 'webgl-iterations': { type: 'string', default: '1' }, merge: { type: 'boolean', default: false } },
});
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);
const log = (m: string): boolean => process.stderr.write(`browser-b1: ${m}\n`);

ensureBuilt();
const bundle = await bundlePage(join(ROOT, 'bench/browser/b1-page.ts'));
const server = await serve(bundle.dir);
const browser = await launchChromium();
const chromiumVersion = browser.version();

async function inChromium(backend: 'wasm' | 'webgl', threads: number | undefined, its = iterations, warm = warmup): Promise<B1PageRun | { error: string }> {
  log(`Chromium ${backend}${threads ? ` ${threads} thread(s)` : ''}...`);
  const page = await openPage(browser, server.url);
  try {
    return await page.call('b1' as never, { backend, threads, iterations: its, warmup: warm } as never);
  } catch (e) {
    return { error: (e as Error).message.slice(0, 500) };
  } finally {
    await page.close();
  }
}

function inNode(threads: number): Record<string, unknown> {
  log(`Node wasm ${threads} thread(s)...`);
  const r = spawnSync('npx', ['tsx', 'bench/b1-step.ts', '--backend', 'wasm', '--threads', String(threads), '--iterations', String(iterations), '--warmup', String(warmup), '--mode', 'trainer'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 3600_000,
  });
  const line = r.stdout?.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  return line ? JSON.parse(line) : { error: (r.stderr || 'failed').slice(-500) };
}

const result = {
  date: new Date().toISOString(),
  chromium: chromiumVersion,
  iterations,
  warmup,
  node1: inNode(1),
  chromiumWasm1: await inChromium('wasm', 1),
  node2: inNode(2),
  chromiumWasm2: await inChromium('wasm', 2),
  // Software WebGL takes minutes per iteration: one warm-up (shader compilation) and --webgl-iterations timed.
  chromiumWebgl: await inChromium('webgl', undefined, Number(values['webgl-iterations']), 1),
};
await browser.close();
await server.close();
removeDir(bundle.dir);
console.log(JSON.stringify(result));
if (values.merge) {
  const path = join(ROOT, 'bench/results.json');
  const all = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  all.browser = result;
  writeFileSync(path, `${JSON.stringify(all, null, 2)}\n`);
  spawnSync('npx', ['tsx', 'bench/run.ts', '--render'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
process.exit(0);
