/**
 * Takes the playground's screenshots for the docs: one run in Debian's Chromium (playwright-core), shot
 * early in training (docs/playground/start.png) and at its end (docs/playground/trained.png), and prints
 * what the run measured: the verdict changes, the speed, the page's frames per second.
 *
 *   npx tsx site/playground/screenshots.ts [--preset b1] [--batch 128] [--iterations 200] [--start-at 30] [--out docs/playground] [--only start]
 *
 * `--only start` takes the first figure and stops there (a few minutes).
 *
 * By default the B1 preset at its own batch size, to iteration 200 (stable from 175 in the committed Node
 * runs): 10-25 minutes on two cores.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { serveSite } from '../../scripts/site/serve.js';
import { buildPlayground } from './build.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'b1' },
    batch: { type: 'string', default: '128' },
    iterations: { type: 'string', default: '200' },
    'start-at': { type: 'string', default: '30' },
    out: { type: 'string', default: join(ROOT, 'docs/playground') },
    only: { type: 'string' },
  },
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

// Expressions, not functions: tsx would wrap a function's inner names in a helper the page lacks.
const iteration = 'window.playground.iteration()';
const framesPerSecond = `new Promise((resolve) => {
  let frames = 0; const t0 = performance.now();
  const tick = (now) => { frames += 1; if (now - t0 < 3000) requestAnimationFrame(tick); else resolve(((frames - 1) * 1000) / (now - t0)); };
  requestAnimationFrame(tick);
})`;

async function shoot(page: Page, name: string): Promise<void> {
  // Let the chart catch up with the latest records (it redraws at most every 1.5 s).
  await page.waitForTimeout(2500);
  await page.screenshot({ path: join(out, name) });
  console.log(`${name}: iteration ${await page.evaluate(iteration)}, verdict ${await page.evaluate('window.playground.verdict()')}`);
}

const dist = mkdtempSync(join(tmpdir(), 'gan-hacks-playground-shots-'));
const started = performance.now();
await buildPlayground(dist);
const site = await serveSite(dist);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  await page.goto(site.url);
  await page.waitForFunction('window.playground?.backend() !== undefined', null, { timeout: 120_000 });
  await page.click(`#presets button[data-preset=${values.preset}]`);
  await page.selectOption('select[name=batchSize]', values.batch);
  await page.fill('input[name=iterations]', values.iterations);
  await page.click('#start');
  const clicked = performance.now();
  const fps: string[] = [];
  await page.waitForFunction(`${iteration} >= 3`, null, { timeout: 300_000 });
  fps.push(`${((await page.evaluate(framesPerSecond)) as number).toFixed(1)} at iteration ${await page.evaluate(iteration)}`);
  await page.waitForFunction(`${iteration} >= ${Number(values['start-at'])}`, null, { timeout: 0, polling: 1000 });
  await shoot(page, 'start.png');
  if (values.only !== 'start') {
    fps.push(`${((await page.evaluate(framesPerSecond)) as number).toFixed(1)} at iteration ${await page.evaluate(iteration)}`);
    await page.waitForFunction('!window.playground.running()', null, { timeout: 0, polling: 1000 });
    const trainingSeconds = (performance.now() - clicked) / 1000;
    await shoot(page, 'trained.png');
    const timeline = (await page.evaluate('window.playground.timeline()')) as { iteration: number; verdict: string }[];
    console.log(`${values.preset}, batch ${values.batch}, ${values.iterations} iterations: ${timeline.map((t) => `${t.iteration} → ${t.verdict}`).join(', ')}`);
    console.log(`speed: ${(trainingSeconds / Number(values.iterations)).toFixed(2)} s / iteration over the run (last ten: ${await page.textContent('#speed')}); frames per second: ${fps.join(', ')}; memory: ${await page.textContent('#memory')}`);
  }
  console.log(`backend: ${await page.textContent('#backend')}; ${((performance.now() - started) / 60_000).toFixed(1)} min in all`);
} finally {
  await browser.close();
  await site.close();
  rmSync(dist, { recursive: true, force: true });
}
