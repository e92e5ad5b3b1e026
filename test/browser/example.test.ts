/**
 * The browser example (examples/browser, the page docs/browser.md walks through) in Debian's Chromium:
 * built by its own build script, it picks WASM with threads, trains B1 on the bundled eights, draws the
 * grid, pauses from a button, and after a reload continues from its IndexedDB checkpoint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, removeDir, ROOT, serveFolder } from './harness.js';

describe.skipIf(!existsSync(CHROMIUM))('examples/browser in Chromium', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveFolder>>;
  const dir = mkdtempSync(join(tmpdir(), 'gan-hacks-example-'));

  beforeAll(async () => {
    execFileSync('npx', ['tsx', 'examples/browser/build.ts', '--quick', '--out', dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    site = await serveFolder(dir);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    removeDir(dir);
  });

  /** Variance of the canvas's red channel (0 for a blank or one-colour canvas). */
  const canvasVariance = (page: Page): Promise<number> =>
    page.evaluate(() => {
      const c = document.getElementById('grid') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let [s, s2, n] = [0, 0, 0];
      for (let i = 0; i < d.length; i += 4) [s, s2, n] = [s + d[i], s2 + d[i] * d[i], n + 1];
      return s2 / n - (s / n) ** 2;
    });

  it('trains B1 on WASM threads, draws, pauses, and resumes after a reload', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${site.url}?backend=wasm`);
    await page.waitForFunction(() => !(document.getElementById('start') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    const status = await page.textContent('#status');
    expect(status).toMatch(/^backend: wasm: .* 2 threads/);
    // CanvasGrid draws the fixed latent batch before the first iteration.
    await page.click('#start', { force: true });
    await page.waitForFunction(() => /^iteration [2-9]/.test(document.getElementById('progress')!.textContent ?? ''), null, { timeout: 120_000 });
    const atClick = Number(/^iteration (\d+)/.exec((await page.textContent('#progress')) ?? '')?.[1]);
    // A click from inside the page: Playwright's synthetic mouse events wait for one renderer
    // round trip each, and a page busy with 1-2 s B1 iterations answers about once per iteration.
    await page.evaluate(() => document.getElementById('pause')!.click());
    await page.waitForFunction(() => !(document.getElementById('start') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    const stoppedAt = Number(/^iteration (\d+)/.exec((await page.textContent('#progress')) ?? '')?.[1]);
    const variance = await canvasVariance(page);
    console.log(`[example] ${status}; pause clicked at iteration ${atClick}, stopped at ${stoppedAt}; grid variance ${variance.toFixed(0)}`);
    expect(stoppedAt).toBeGreaterThanOrEqual(2);
    // The click is handled between two iterations; the hook stops the run at the end of the next one.
    expect(stoppedAt - atClick).toBeLessThanOrEqual(2);
    expect(variance).toBeGreaterThan(0);
    // The checkpoint written when fit stopped brings the run back after a reload.
    await page.reload();
    await page.waitForFunction(() => /^resumed at iteration/.test(document.getElementById('progress')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await page.textContent('#progress')).toBe(`resumed at iteration ${stoppedAt}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
