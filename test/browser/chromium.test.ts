/**
 * gan-hacks in a real browser: Debian's Chromium driven by playwright-core,
 * on a page bundled with esbuild against the built package (dist/, what the
 * tarball ships), served cross-origin isolated from 127.0.0.1.
 *
 * Skipped where /usr/bin/chromium is missing, except under CI (which installs
 * it), where that is a failure.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bundlePage, CHROMIUM, ensureBuilt, launchChromium, openPage, removeDir, serve, type PageBundle, type TestPage } from './harness.js';
import type { DcganRun, PageBackend } from './page/api.js';

const installed = existsSync(CHROMIUM);
const inCI = Boolean(process.env.CI);
if (!installed && !inCI) console.warn(`[browser suite] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium); CI installs it and fails without it.`);

describe.runIf(!installed && inCI)('Chromium in CI', () => {
  it(`is installed at ${CHROMIUM}`, () => {
    throw new Error(`The browser suite needs Debian's Chromium at ${CHROMIUM} in CI: apt-get install -y chromium (playwright-core downloads no browser).`);
  });
});

const BACKENDS: PageBackend[] = ['cpu', 'wasm', 'webgl'];
const LOSSES = ['minimax', 'wgangp'] as const;
const ITERATIONS = 20;

/**
 * How far a backend's per-iteration losses may lie from the CPU backend's, as
 * |a - b| divided by the largest |value| of that loss over the CPU run (a
 * critic's scores cross zero, where a pointwise relative error means nothing).
 * Measured here (Chromium 156, 20 iterations, seeds 1-5; the test runs seed 1):
 * - wasm: at most 6.4e-7, float32 rounding (XNNPACK sums in another order);
 *   allowed 1e-5, 15 times that.
 * - webgl on SwiftShader, MinimaxGAN: at most 5.5e-4 (float32 in shaders,
 *   rounding that compounds over 20 Adam steps); allowed 5e-3, 9 times that.
 * - webgl, WGANGP: the gradient penalty (and the critic's total, which adds
 *   10 × it) at most 2.2e-2, the other losses at most 5.3e-3. LeakyReLU's slope
 *   jumps at 0, so a pre-activation that rounds to the other side of 0 changes
 *   a sample's input gradient: the penalty moves by a few percent for an
 *   iteration or two (iterations 10-12 of seed 1) and the critic's update with
 *   it, before the runs meet again. Allowed 0.1 and 2e-2, 4.5 and 3.8 times those.
 */
const TOLERANCE: Record<'wasm' | 'webgl', Record<(typeof LOSSES)[number], { losses: number; penalty: number }>> = {
  wasm: { minimax: { losses: 1e-5, penalty: 1e-5 }, wgangp: { losses: 1e-5, penalty: 1e-5 } },
  webgl: { minimax: { losses: 5e-3, penalty: 5e-3 }, wgangp: { losses: 2e-2, penalty: 0.1 } },
};
const PENALTY_COLUMNS = new Set(['gradientPenalty', 'dLoss']);

/** Loss-like columns of a record: everything but counters and thresholded accuracies. */
const lossColumns = (record: Record<string, number>): string[] => Object.keys(record).filter((k) => !/^(iteration|epoch)$|Acc/.test(k));

describe.skipIf(!installed)('in Chromium', () => {
  let browser: Browser;
  let bundle: PageBundle;
  let server: Awaited<ReturnType<typeof serve>>;
  const started = Date.now();
  const runs: Partial<Record<PageBackend, Record<(typeof LOSSES)[number], DcganRun>>> = {};

  beforeAll(async () => {
    if (ensureBuilt()) console.log('[browser suite] dist/ was older than src/: rebuilt it (npm run build)');
    bundle = await bundlePage();
    server = await serve(bundle.dir);
    browser = await launchChromium();
    console.log(`[browser suite] Chromium ${browser.version()}, page bundled and served at ${server.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundle) removeDir(bundle.dir);
    console.log(`[browser suite] whole suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  /** Runs `body` on a fresh page (a fresh tfjs engine) and closes it. */
  async function withPage<T>(body: (p: TestPage) => Promise<T>): Promise<T> {
    const p = await openPage(browser, server.url);
    try {
      return await body(p);
    } finally {
      await p.close();
    }
  }

  it('the page is bundled from dist/ through package.json exports, never from src/', () => {
    expect(bundle.inputs.filter((f) => f.startsWith('src/'))).toEqual([]);
    expect(bundle.inputs).toContain('dist/index.js');
    expect(bundle.inputs).toContain('dist/browser.js');
  });

  for (const backend of BACKENDS) {
    it(`a small DCGAN trains ${ITERATIONS} iterations on ${backend}, with MinimaxGAN and WGANGP, leaking nothing`, async () => {
      await withPage(async (p) => {
        const choice = await p.call('useBackend', backend);
        expect(choice.backend, choice.reason).toBe(backend);
        const byLoss = {} as Record<(typeof LOSSES)[number], DcganRun>;
        for (const loss of LOSSES) {
          const run = await p.call('trainDcgan', { loss, iterations: ITERATIONS, batchSize: 16, seed: 1 });
          byLoss[loss] = run;
          const last = run.records[run.records.length - 1];
          console.log(
            `[browser suite] ${backend} ${loss}: ${ITERATIONS} iterations in ${run.seconds.toFixed(2)} s, last ${lossColumns(last)
              .map((k) => `${k} ${last[k].toFixed(4)}`)
              .join(', ')}; tensors ${run.baseline} -> ${run.tensorsPerIteration[0]}..${run.tensorsPerIteration.at(-1)} -> ${run.afterDispose} (trainer.dispose() freed ${run.freedByTrainerDispose})`,
          );
          expect(run.backend).toBe(backend);
          expect(run.records.map((r) => r.iteration)).toEqual(Array.from({ length: ITERATIONS }, (_, i) => i + 1));
          for (const r of run.records) for (const k of lossColumns(r)) expect(Number.isFinite(r[k]), `${k} at iteration ${r.iteration}: ${r[k]}`).toBe(true);
          // Adam makes its slots in the first step; from then on every iteration ends with the same tensors.
          expect(new Set(run.tensorsPerIteration.slice(1)), `tensors per iteration: ${run.tensorsPerIteration.join(', ')}`).toEqual(new Set([run.tensorsPerIteration[0]]));
          // The Trainer's two Adams: m and v per trainable weight, plus β1^t and β2^t each.
          expect(run.freedByTrainerDispose).toBe(2 * run.trainableWeights + 2 * 2);
          expect(run.afterDispose).toBe(run.baseline);
        }
        expect(p.errors).toEqual([]);
        runs[backend] = byLoss;
      });
    }, 240_000);
  }

  it('the per-iteration losses agree across cpu, wasm and webgl', () => {
    const missing = BACKENDS.filter((b) => !runs[b]);
    expect(missing, 'this comparison needs the three training tests above to pass').toEqual([]);
    for (const loss of LOSSES) {
      const reference = runs.cpu![loss].records;
      // A loss that does not move would agree trivially.
      const gLoss = reference.map((r) => r.gLoss);
      expect(Math.max(...gLoss) - Math.min(...gLoss), `${loss}: G's loss over the cpu run`).toBeGreaterThan(0.05);
      for (const backend of ['wasm', 'webgl'] as const) {
        const records = runs[backend]![loss].records;
        const worst = lossColumns(reference[0]).map((column) => {
          const scale = Math.max(...reference.map((r) => Math.abs(r[column])));
          const diffs = reference.map((r, i) => Math.abs(r[column] - records[i][column]) / scale);
          const max = Math.max(...diffs);
          return { column, max, at: diffs.indexOf(max) + 1, tolerance: TOLERANCE[backend][loss][PENALTY_COLUMNS.has(column) ? 'penalty' : 'losses'] };
        });
        console.log(
          `[browser suite] ${loss}, ${backend} vs cpu, max difference / the loss's scale: ${worst.map((w) => `${w.column} ${w.max.toExponential(1)} (it. ${w.at}, tol. ${w.tolerance.toExponential(0)})`).join(', ')}`,
        );
        for (const w of worst) expect(w.max, `${loss} ${w.column} on ${backend} at iteration ${w.at}`).toBeLessThanOrEqual(w.tolerance);
      }
    }
  });

  it('useFastestBackend picks wasm from the wasmPaths given, on the documented threads when cross-origin isolated', async () => {
    await withPage(async (p) => {
      const before = server.requests.length;
      const choice = await p.call('useBackend', 'wasm');
      console.log(`[browser suite] wasm: ${choice.reason}; crossOriginIsolated ${choice.crossOriginIsolated}, hardwareConcurrency ${choice.hardwareConcurrency}, started in ${choice.seconds.toFixed(2)} s`);
      expect(choice.backend, choice.reason).toBe('wasm');
      // The server's COOP/COEP headers isolate the page, so tfjs takes the threaded build, from where wasmPaths says.
      expect(choice.crossOriginIsolated).toBe(true);
      const wasmRequests = server.requests.slice(before).filter((r) => r.endsWith('.wasm'));
      expect(wasmRequests).toEqual(['/wasm/tfjs-backend-wasm-threaded-simd.wasm']);
      // Documented default in an isolated page: all cores, up to 8.
      // tfjs-backend-wasm caps its pool at hardwareConcurrency / 2 whatever setThreadsCount asks (one thread on 2 cores).
      expect(choice.threads, `threads reported: ${choice.threads}, hardwareConcurrency ${choice.hardwareConcurrency}`).toBe(Math.min(8, choice.hardwareConcurrency));
      if (choice.hardwareConcurrency > 1) expect(choice.threads).toBeGreaterThan(1);
      expect(p.errors).toEqual([]);
    });
  });

  it('by default useFastestBackend passes over WebGL rendered in software (SwiftShader here) for WASM, and WebGL chosen explicitly fits its convolutions in 8192-px textures', async () => {
    await withPage(async (p) => {
      const choice = await p.call('fastest');
      console.log(`[browser suite] default order: ${choice.backend}: ${choice.reason}`);
      expect(choice.backend, choice.reason).toBe('wasm');
      expect(choice.reason).toMatch(/webgl renders in software here \(.*SwiftShader.*\): WASM is faster/i);
    });
    await withPage(async (p) => {
      const choice = await p.call('useBackend', 'webgl');
      expect(choice.backend).toBe('webgl');
      // SwiftShader allows 8192-px textures; B1's im2col matrix needs 8870 (tfjs then throws mid-fit).
      expect(choice.reason).toMatch(/rendering in software.*textures up to 8192 px.*WEBGL_CONV_IM2COL off/);
    });
  });

  it('without wasmModule or without wasmPaths, useFastestBackend falls back to cpu and says why (no hang)', async () => {
    for (const missing of ['wasmModule', 'wasmPaths'] as const) {
      await withPage(async (p) => {
        const before = server.requests.length;
        const choice = await p.call('wasmFallback', missing);
        console.log(`[browser suite] wasm without ${missing}: ${choice.backend} after ${choice.seconds.toFixed(2)} s: ${choice.reason}`);
        expect(choice.backend).toBe('cpu');
        expect(choice.seconds).toBeLessThan(30);
        if (missing === 'wasmModule') {
          expect(choice.reason).toMatch(/wasm: .*@tensorflow\/tfjs-backend-wasm/);
          expect(p.errors).toEqual([]);
        } else {
          expect(choice.reason).toMatch(/wasm: .*\.wasm/);
          // tfjs looked beside the page's script, where nothing is served.
          const wasmRequests = server.requests.slice(before).filter((r) => r.endsWith('.wasm'));
          expect(wasmRequests.length).toBeGreaterThan(0);
          expect(wasmRequests.every((r) => r === '/tfjs-backend-wasm-threaded-simd.wasm')).toBe(true);
          expect(p.errors.length).toBeGreaterThan(0);
          expect(p.errors.every((e) => /404/.test(e)), p.errors.join('\n')).toBe(true);
        }
      });
    }
  });

  it('the page paints during fit: >= 30 animation frames in a 60-iteration MLP GAN fit on cpu', async () => {
    await withPage(async (p) => {
      await p.call('useBackend', 'cpu');
      const painting = await p.call('paintDuringFit', { iterations: 60, yieldEvery: 'auto' });
      // The counter's zero: a fit that never yields lets no frame through.
      const blocking = await p.call('paintDuringFit', { iterations: 60, yieldEvery: 'never' });
      console.log(
        `[browser suite] paint: yieldEvery 'auto': ${painting.frames} frames in ${painting.seconds.toFixed(2)} s; 'never': ${blocking.frames} frames in ${blocking.seconds.toFixed(2)} s`,
      );
      expect(painting.iterations).toBe(60);
      expect(painting.frames).toBeGreaterThanOrEqual(30);
      expect(blocking.iterations).toBe(60);
      expect(blocking.frames).toBeLessThan(5);
      for (const run of [painting, blocking]) expect(run.afterDispose).toBe(run.baseline);
      expect(p.errors).toEqual([]);
    });
  }, 120_000);

  it('CanvasGrid draws a grid that is not blank and LiveCurves renders an <svg>, leaking nothing', async () => {
    await withPage(async (p) => {
      await p.call('useBackend', 'cpu');
      const run = await p.call('hooksInPage', 20);
      console.log(
        `[browser suite] hooks: canvas ${run.canvas.join(' x ')}, drawn at ${run.drawn.join(', ')}, pixel variance ${run.variance.toFixed(1)} (blank canvas ${run.blankVariance}); LiveCurves: ${run.svgElements} <svg>, ${run.svgPaths} paths; tensors ${run.baseline} -> ${run.tensorsPerIteration[0]} -> ${run.afterDispose}`,
      );
      expect(run.drawn).toEqual([0, 5, 10, 15, 20]);
      // 4 × 4 tiles of 8 × 8 pixels: the canvas holds at least the pixels.
      expect(run.canvas[0]).toBeGreaterThanOrEqual(32);
      expect(run.canvas[1]).toBeGreaterThanOrEqual(32);
      expect(run.blankVariance).toBe(0);
      expect(run.variance).toBeGreaterThan(0);
      expect(run.svgElements).toBe(1);
      expect(run.svgPaths).toBeGreaterThan(0);
      expect(run.svgText).toContain('G loss');
      expect(run.svgText).toContain('browser suite');
      expect(new Set(run.tensorsPerIteration.slice(1))).toEqual(new Set([run.tensorsPerIteration[0]]));
      expect(run.afterDispose).toBe(run.baseline);
      expect(p.errors).toEqual([]);
    });
  }, 120_000);

  it('a checkpoint written to IndexedDB at iteration k and resumed in a fresh Trainer continues bit for bit', async () => {
    await withPage(async (p) => {
      await p.call('useBackend', 'cpu');
      const k = 5;
      const run = await p.call('checkpointResume', k);
      const same = run.straight.weights === run.resumed.weights;
      console.log(`[browser suite] checkpoint: saved at ${run.saved.join(', ')}, listed ${run.listed.join(', ')}; ${run.weightValues} float32 weights after ${2 * k} iterations ${same ? 'bit-identical' : 'DIFFER'}; tensors ${run.baseline} -> ${run.afterDispose}`);
      expect(run.saved).toEqual([k]);
      expect(run.listed).toEqual([k]);
      expect(run.straight.records).toHaveLength(2 * k);
      expect(run.resumed.records).toEqual(run.straight.records);
      expect(run.weightValues).toBeGreaterThan(0);
      expect(same).toBe(true);
      expect(run.afterDispose).toBe(run.baseline);
      expect(p.errors).toEqual([]);
    });
  }, 120_000);
});
