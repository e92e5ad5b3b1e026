/**
 * The page of the Chromium suite: bundled by test/browser/harness.ts against
 * the built package (dist/), it exposes `window.ganTest` (see api.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';
import { batchNorm, dcganNormal, leakyReLU, MinimaxGAN, mlpDiscriminator, mlpGenerator, stridedDownsample, stridedUpsample, Trainer, useFastestBackend, WGANGP, type BackendChoice } from 'gan-hacks';
import { BrowserCheckpoint, browserCheckpoint, CanvasGrid, LiveCurves } from 'gan-hacks/browser';
import type { BackendReport, CheckpointRun, DcganRun, DcganRunOptions, HooksRun, PageApi, PageBackend, PaintRun, PaintRunOptions } from './api.js';

const WASM_PATHS = '/wasm/';

/** mulberry32: the data come from a seeded stream that no tfjs backend touches, so every backend trains on the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n images of side×side: a bright 3×3 square at a random place on a dark, slightly noisy ground, in [-1, 1]. */
function squares(n: number, side: number, seed: number): tf.Tensor4D {
  const next = prng(seed);
  const values = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const r0 = Math.floor(next() * (side - 2));
    const c0 = Math.floor(next() * (side - 2));
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const on = r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3;
        values[(i * side + r) * side + c] = (on ? 0.9 : -0.9) + (next() - 0.5) * 0.2;
      }
    }
  }
  return tf.tensor4d(values, [n, side, side, 1]);
}

/**
 * A DCGAN on 8×8 images with few filters, built from gan-hacks' blocks:
 * G: dense → 2×2×16 → BN → upsample to 4×4×8 → BN → upsample to 8×8×1 (tanh);
 * D: downsample to 4×4×8 → downsample to 2×2×16 (→ BN for minimax) → dense score.
 * Weights N(0, 0.2) instead of DCGAN's 0.02: with 0.02 a net this small
 * scores every input near 0, so WGAN-GP's critic barely moves in 20
 * iterations and the losses compared across backends would be mostly penalty.
 */
function tinyDcgan(latentDim: number, criticBatchNorm: boolean, seed: number): { generator: tf.Sequential; discriminator: tf.Sequential } {
  const init = (s: number) => dcganNormal({ seed: s, stddev: 0.2 });
  const generator = tf.sequential({
    layers: [
      tf.layers.dense({ units: 2 * 2 * 16, inputShape: [latentDim], kernelInitializer: init(seed) }),
      tf.layers.reshape({ targetShape: [2, 2, 16] }),
      batchNorm(),
      leakyReLU(),
      stridedUpsample({ filters: 8, kernelSize: 4, kernelInitializer: init(seed + 1) }),
      batchNorm(),
      leakyReLU(),
      stridedUpsample({ filters: 1, kernelSize: 4, kernelInitializer: init(seed + 2), activation: 'tanh' }),
    ],
  });
  const discriminator = tf.sequential({
    layers: [
      stridedDownsample({ filters: 8, inputShape: [8, 8, 1], kernelInitializer: init(seed + 3) }),
      leakyReLU(),
      stridedDownsample({ filters: 16, kernelInitializer: init(seed + 4) }),
      ...(criticBatchNorm ? [batchNorm()] : []),
      leakyReLU(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, kernelInitializer: init(seed + 5) }),
    ],
  });
  return { generator, discriminator };
}

function report(choice: BackendChoice, start: number): BackendReport {
  return {
    backend: choice.backend,
    reason: choice.reason,
    threads: choice.threads,
    crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    seconds: (performance.now() - start) / 1000,
  };
}

async function useBackend(name: PageBackend): Promise<BackendReport> {
  const start = performance.now();
  const choice = await useFastestBackend({ prefer: [name], log: false, ...(name === 'wasm' ? { wasmModule: tfjsWasm, wasmPaths: WASM_PATHS } : {}) });
  return report(choice, start);
}

/** useFastestBackend's default order (webgpu, webgl, wasm, cpu), given what WASM needs in a page. */
async function fastest(): Promise<BackendReport> {
  const start = performance.now();
  return report(await useFastestBackend({ log: false, wasmModule: tfjsWasm, wasmPaths: WASM_PATHS }), start);
}

async function wasmFallback(missing: 'wasmModule' | 'wasmPaths'): Promise<BackendReport> {
  const start = performance.now();
  const options = missing === 'wasmModule' ? { wasmPaths: WASM_PATHS } : { wasmModule: tfjsWasm };
  return report(await useFastestBackend({ prefer: ['wasm', 'cpu'], log: false, ...options }), start);
}

async function trainDcgan(o: DcganRunOptions): Promise<DcganRun> {
  const baseline = tf.memory().numTensors;
  const start = performance.now();
  const latentDim = 8;
  const data = squares(64, 8, o.seed);
  const { generator, discriminator } = tinyDcgan(latentDim, o.loss === 'minimax', o.seed);
  const tensorsPerIteration: number[] = [];
  const trainer = new Trainer({
    generator,
    discriminator,
    loss: o.loss === 'minimax' ? new MinimaxGAN({ fromLogits: true }) : new WGANGP(),
    latentDim,
    seed: o.seed,
    hooks: [tensorCounter(tensorsPerIteration)],
  });
  const history = await trainer.fit(data, { batchSize: o.batchSize, iterations: o.iterations });
  const seconds = (performance.now() - start) / 1000;
  const trainableWeights = generator.trainableWeights.length + discriminator.trainableWeights.length;
  const beforeDispose = tf.memory().numTensors;
  trainer.dispose();
  const freedByTrainerDispose = beforeDispose - tf.memory().numTensors;
  generator.dispose();
  discriminator.dispose();
  data.dispose();
  return {
    backend: tf.getBackend(),
    trainableWeights,
    records: history.toJSON().records,
    baseline,
    tensorsPerIteration,
    afterDispose: tf.memory().numTensors,
    freedByTrainerDispose,
    seconds,
  };
}

async function paintDuringFit(o: PaintRunOptions): Promise<PaintRun> {
  const baseline = tf.memory().numTensors;
  const generator = mlpGenerator({ latentDim: 16, hidden: [64], outputShape: [16, 16, 1], seed: 1 });
  const discriminator = mlpDiscriminator({ inputShape: [16, 16, 1], hidden: [64], seed: 2 });
  const data = squares(256, 16, 3);
  const trainer = new Trainer({ generator, discriminator, latentDim: 16, seed: 4 });
  let fitting = false;
  let frames = 0;
  let counting = true;
  const tick = (): void => {
    if (fitting) frames++;
    if (counting) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  // Let a frame pass first, so the counter runs before fit starts.
  await new Promise((r) => requestAnimationFrame(r));
  const start = performance.now();
  fitting = true;
  await trainer.fit(data, { batchSize: 32, iterations: o.iterations, yieldEvery: o.yieldEvery });
  fitting = false;
  counting = false;
  const seconds = (performance.now() - start) / 1000;
  const iterations = trainer.iteration;
  trainer.dispose();
  generator.dispose();
  discriminator.dispose();
  data.dispose();
  return { frames, seconds, iterations, baseline, afterDispose: tf.memory().numTensors };
}

/** A hook that records tf.memory().numTensors after every iteration. */
function tensorCounter(into: number[]): { onIterationEnd: () => void } {
  return { onIterationEnd: () => void into.push(tf.memory().numTensors) };
}

/** Variance of the RGB channels of a canvas, read back from the page's 2D context. */
function canvasVariance(canvas: HTMLCanvasElement): number {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      sum += data[i + c];
      sumSq += data[i + c] * data[i + c];
      n++;
    }
  }
  return sumSq / n - (sum / n) ** 2;
}

async function hooksInPage(iterations: number): Promise<HooksRun> {
  const baseline = tf.memory().numTensors;
  const canvas = document.body.appendChild(document.createElement('canvas'));
  const blank = document.body.appendChild(document.createElement('canvas'));
  blank.width = 40;
  blank.height = 40;
  blank.getContext('2d')!.fillRect(0, 0, 40, 40);
  const div = document.body.appendChild(document.createElement('div'));
  const data = squares(64, 8, 11);
  const { generator, discriminator } = tinyDcgan(8, true, 11);
  const grid = new CanvasGrid({ canvas, every: 5, size: 4 });
  const curves = new LiveCurves({ element: div, every: 5, title: 'browser suite' });
  const tensorsPerIteration: number[] = [];
  const trainer = new Trainer({ generator, discriminator, latentDim: 8, seed: 11, hooks: [grid, curves, tensorCounter(tensorsPerIteration)] });
  await trainer.fit(data, { batchSize: 16, iterations });
  await curves.dispose();
  trainer.dispose();
  generator.dispose();
  discriminator.dispose();
  data.dispose();
  const run: HooksRun = {
    canvas: [canvas.width, canvas.height],
    drawn: [...grid.drawn],
    variance: canvasVariance(canvas),
    blankVariance: canvasVariance(blank),
    svgElements: div.querySelectorAll('svg').length,
    svgPaths: div.querySelectorAll('svg path').length,
    svgText: div.textContent ?? '',
    baseline,
    tensorsPerIteration,
    afterDispose: tf.memory().numTensors,
  };
  canvas.remove();
  blank.remove();
  div.remove();
  return run;
}

/** Every weight of both models (trainable or not: batch norm's moving statistics too), as base64 of their float32 bytes. */
async function weightBytes(models: tf.LayersModel[]): Promise<{ base64: string; values: number }> {
  const parts: Float32Array[] = [];
  for (const m of models) for (const w of m.weights) parts.push((await w.read().data()) as Float32Array);
  const values = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(values);
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  let binary = '';
  for (const byte of new Uint8Array(all.buffer)) binary += String.fromCharCode(byte);
  return { base64: btoa(binary), values };
}

async function checkpointResume(k: number): Promise<CheckpointRun> {
  const baseline = tf.memory().numTensors;
  const data = squares(64, 8, 21);
  const name = 'browser-suite-split';
  await BrowserCheckpoint.delete(name);
  const options = { latentDim: 8, seed: 21 };
  const run = async (models: ReturnType<typeof tinyDcgan>, until: number, before?: (t: Trainer) => Promise<void>, hooks: BrowserCheckpoint[] = []) => {
    const trainer = new Trainer({ ...models, ...options, hooks });
    await before?.(trainer);
    await trainer.fit(data, { batchSize: 16, iterations: until });
    const out = { records: trainer.history.toJSON().records, weights: await weightBytes([models.generator, models.discriminator]) };
    trainer.dispose();
    models.generator.dispose();
    models.discriminator.dispose();
    return out;
  };
  const straight = await run(tinyDcgan(8, true, 21), 2 * k);
  const hook = new BrowserCheckpoint({ name, every: k });
  await run(tinyDcgan(8, true, 21), k, undefined, [hook]);
  const listed = await BrowserCheckpoint.list(name);
  // Other initial weights: whatever the resumed run has, it has from the checkpoint.
  const resumed = await run(tinyDcgan(8, true, 99), 2 * k, (t) => t.resume(browserCheckpoint(name, { iteration: k })));
  await BrowserCheckpoint.delete(name);
  data.dispose();
  return {
    saved: [...hook.saved],
    listed,
    straight: { records: straight.records, weights: straight.weights.base64 },
    resumed: { records: resumed.records, weights: resumed.weights.base64 },
    weightValues: straight.weights.values,
    baseline,
    afterDispose: tf.memory().numTensors,
  };
}

const api: PageApi = { useBackend, fastest, wasmFallback, trainDcgan, paintDuringFit, hooksInPage, checkpointResume };
(window as unknown as { ganTest: PageApi }).ganTest = api;
