import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WASM_TRAINING_KERNELS, initWasmBackend } from '../../src/wasm/index.js';
import { Trainer, dcganNormal, enableSecondOrderGradients } from '../../src/index.js';
import { FILTER_GRADIENT_LIMITS } from '../../src/backends/wasm/conv2dBackpropFilter.js';
import { PATCH_KERNELS } from '../../src/backends/wasm/patchConv.js';

beforeAll(async () => {
  enableSecondOrderGradients(); // gan-hacks' Tile gradient, tested below
  await initWasmBackend({ threads: 1 });
  await tf.setBackend('cpu');
});

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  s: number;
  pad: 'same' | 'valid';
  activation?: 'relu' | 'leakyrelu' | 'linear' | 'sigmoid' | 'elu' | 'relu6';
  /** Run the few-output-channel filter gradient on XNNPACK's GEMM (not gan-hacks' own), in blocks of one image row. */
  chunked?: boolean;
  /** Few taps × input channels with gan-hacks' few-taps kernels off: the im2col paths (their fallback). */
  im2col?: boolean;
}

/** The test matrix: every kernel size 1-7 × stride 1-2 × same/valid, cycling batch 1-32, channels 1-64 and non-square inputs. */
function matrix(): Case[] {
  const batches = [1, 3, 8, 32, 2];
  const channels: [number, number][] = [
    [1, 1],
    [3, 8],
    [16, 5],
    [64, 9],
    [8, 64],
    [5, 2],
    [2, 16],
  ];
  const cases: Case[] = [];
  let i = 0;
  for (let k = 1; k <= 7; k++) {
    for (const s of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        const n = batches[i % batches.length];
        const [ci, co] = channels[i % channels.length];
        // Keep the CPU reference fast: smaller images for large batches and channels.
        const base = n * ci * co > 2000 ? 6 : 9;
        cases.push({ n, h: base + (i % 3), w: base + 2 + (i % 2), ci, co, k, s, pad });
        i++;
      }
    }
  }
  return cases;
}

/**
 * Few channels on one side, where gan-hacks' GEMM paths replace XNNPACK's convolution (a
 * generator's 1-channel output layer, a discriminator's 1-channel input): every output channel
 * count 1-7 × every kernel size 1-7, cycling stride, padding, batch, input channels (1 to 128)
 * and the fused activation.
 */
function fewChannelMatrix(): Case[] {
  const cis = [1, 3, 128, 2, 16, 1, 5];
  const activations = ['relu', 'leakyrelu', 'linear', 'sigmoid', 'elu', 'relu6'] as const;
  const cases: Case[] = [];
  let i = 0;
  for (let co = 1; co <= 7; co++) {
    for (let k = 1; k <= 7; k++) {
      const ci = cis[(i + co) % cis.length];
      cases.push({ n: 1 + (i % 3), h: 7 + (i % 4), w: 8 + (i % 3), ci, co, k, s: 1 + (i % 2), pad: i % 3 === 2 ? 'valid' : 'same', activation: activations[i % activations.length] });
      i++;
    }
  }
  // One block per image row of a 128-channel input.
  cases.push({ n: 3, h: 14, w: 15, ci: 128, co: 1, k: 7, s: 1, pad: 'same', chunked: true });
  cases.push({ n: 2, h: 16, w: 17, ci: 128, co: 3, k: 5, s: 1, pad: 'valid', chunked: true });
  // The im2col paths the few-taps kernels replace (taps × input channels ≤ 64), still the fallback.
  cases.push({ n: 3, h: 9, w: 10, ci: 1, co: 8, k: 4, s: 2, pad: 'same', activation: 'leakyrelu', im2col: true });
  cases.push({ n: 2, h: 8, w: 9, ci: 3, co: 5, k: 3, s: 1, pad: 'valid', im2col: true });
  cases.push({ n: 2, h: 9, w: 8, ci: 16, co: 2, k: 5, s: 1, pad: 'same', activation: 'sigmoid', im2col: true });
  return cases;
}

async function onBackend<T>(backend: string, f: () => T): Promise<T> {
  await tf.setBackend(backend);
  return f();
}

function maxRelativeError(ref: ArrayLike<number>, got: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(ref[i] - got[i]));
  return err / (scale || 1);
}

describe('WASM training kernels equal the CPU backend', () => {
  it('registers its kernels on the wasm backend', () => {
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  for (const c of [...matrix(), ...fewChannelMatrix()]) {
    const label = `k${c.k} s${c.s} ${c.pad} batch ${c.n} ${c.h}x${c.w}x${c.ci} -> ${c.co}${c.activation ? ` ${c.activation}` : ''}${c.chunked ? ', filter gradient on XNNPACK in one-row blocks' : ''}${c.im2col ? ', few-taps kernels off (im2col)' : ''}`;
    it(`${label}: forward, input gradient (transposed conv) and filter gradient`, async () => {
      const compute = (): Float32Array[] =>
        tf.tidy(() => {
          const x = tf.randomNormal([c.n, c.h, c.w, c.ci], 0, 1, 'float32', 1) as tf.Tensor4D;
          const wt = tf.randomNormal([c.k, c.k, c.ci, c.co], 0, 1, 'float32', 2) as tf.Tensor4D;
          const bias = tf.randomNormal([c.co], 0, 1, 'float32', 4);
          const y = tf.fused.conv2d({ x, filter: wt, strides: c.s, pad: c.pad, bias, activation: c.activation ?? 'relu', leakyreluAlpha: 0.2 });
          const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad).mul(dy).sum())([x, wt]);
          return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
        });
      const ref = await onBackend('cpu', compute);
      const saved = { ...FILTER_GRADIENT_LIMITS };
      // XNNPACK's form, one image row per block: the most blocks, each GEMM over an alias of x's memory at a new offset.
      if (c.chunked) Object.assign(FILTER_GRADIENT_LIMITS, { transposedGemm: false, blockFloats: 1 });
      if (c.im2col) PATCH_KERNELS.enabled = false;
      const got = await onBackend('wasm', compute).finally(() => {
        Object.assign(FILTER_GRADIENT_LIMITS, saved);
        PATCH_KERNELS.enabled = true;
      });
      await tf.setBackend('cpu');
      ['forward', 'dx', 'dW'].forEach((name, i) => {
        expect(got[i].length, name).toBe(ref[i].length);
        expect(maxRelativeError(ref[i], got[i]), name).toBeLessThanOrEqual(1e-4);
      });
    });
  }
});

function tinyDcgan(seed: number): { g: tf.Sequential; d: tf.Sequential } {
  const init = dcganNormal({ seed });
  const g = tf.sequential({
    layers: [
      tf.layers.dense({ units: 4 * 4 * 8, inputShape: [4], kernelInitializer: init }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.reshape({ targetShape: [4, 4, 8] }),
      tf.layers.conv2dTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: init }),
    ],
  });
  const d = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', inputShape: [8, 8, 1], kernelInitializer: init }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init }),
    ],
  });
  return { g, d };
}

async function trainThree(backend: string): Promise<number[][]> {
  await tf.setBackend(backend);
  const { g, d } = tinyDcgan(7);
  const data = tf.randomUniform([32, 8, 8, 1], -1, 1, 'float32', 8);
  await new Trainer({ generator: g, discriminator: d, latentDim: 4, seed: 9 }).fit(data, { batchSize: 16, iterations: 3 });
  const weights = [...g.getWeights(), ...d.getWeights()].map((w) => Array.from(w.dataSync()));
  g.dispose();
  d.dispose();
  data.dispose();
  return weights;
}

describe('training on WASM', () => {
  it('three iterations of a small DCGAN give the same weights on CPU and on WASM (within 1e-4)', async () => {
    const cpu = await trainThree('cpu');
    const wasm = await trainThree('wasm');
    await tf.setBackend('cpu');
    let maxDiff = 0;
    cpu.forEach((w, i) => w.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - wasm[i][j])))));
    expect(maxDiff).toBeLessThanOrEqual(1e-4);
    // The run did train: weights moved from their initial values.
    const { g } = tinyDcgan(7);
    expect(Array.from(g.getWeights()[0].dataSync())).not.toEqual(cpu[0]);
    g.dispose();
  });

  it('500 iterations leave the tensor count and the WASM heap flat', async () => {
    await tf.setBackend('wasm');
    const { g, d } = tinyDcgan(3);
    const data = tf.randomUniform([32, 8, 8, 1], -1, 1, 'float32', 8);
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array }; numDataIds(): number };
    const samples: { tensors: number; heap: number; dataIds: number }[] = [];
    const hook = {
      onIterationEnd: (s: { iteration: number }) => {
        if (s.iteration === 50 || s.iteration === 500) samples.push({ tensors: tf.memory().numTensors, heap: backend.wasm.HEAPU8.length, dataIds: backend.numDataIds() });
      },
    };
    await new Trainer({ generator: g, discriminator: d, latentDim: 4, seed: 1, hooks: [hook] }).fit(data, { batchSize: 16, iterations: 500 });
    expect(samples[1].tensors).toBe(samples[0].tensors);
    expect(samples[1].dataIds).toBe(samples[0].dataIds);
    expect(samples[1].heap).toBe(samples[0].heap);
    g.dispose();
    d.dispose();
    data.dispose();
    await tf.setBackend('cpu');
  });
});

describe('bias-gradient sums and the LeakyReLU gradient', () => {
  it('Sum over leading axes equals the CPU backend, with and without keepDims, on the float64 loop and the SIMD blocks; other sums stay native', async () => {
    const compute = (): number[][] =>
      tf.tidy(() => {
        const x = tf.randomNormal([5, 7, 3, 11], 0, 1, 'float32', 1);
        // 12 channels: the SIMD path, over 7,200 rows (15 blocks of 512), mean 0.5 so the sums are far from 0.
        const wide = tf.randomNormal([8, 30, 30, 12], 0.5, 1, 'float32', 2);
        return [x.sum([0, 1, 2]), x.sum([0, 1, 2], true), x.sum([1, 2]), x.sum(-1), wide.sum([0, 1, 2]), wide.sum([0, 1, 2], true)].map((t) => Array.from(t.dataSync()));
      });
    const ref = await onBackend('cpu', compute);
    const got = await onBackend('wasm', compute);
    await tf.setBackend('cpu');
    ref.forEach((r, i) => expect(maxRelativeError(r, got[i])).toBeLessThanOrEqual(1e-5));
  });

  it('LeakyRelu equals x above zero and fround(α)·x in float32 below (as the native kernel), NaN and infinities included', async () => {
    await tf.setBackend('wasm');
    // float32 values (denormals included), as the tensor stores them
    const values = Array.from(Float32Array.from([...Array.from(tf.randomNormal([1000], 0, 1, 'float32', 5).dataSync()), NaN, Infinity, -Infinity, 0, -0, -1e-40, 1e-40]));
    const x = tf.tensor1d(values);
    for (const alpha of [0.2, 0.01, 1.5]) {
      const a = Math.fround(alpha);
      const expected = values.map((v) => (v > 0 ? v : Math.fround(a * v)));
      const got = Array.from(tf.leakyRelu(x, alpha).dataSync());
      got.forEach((g, i) => expect(Object.is(g, expected[i]) || g === expected[i], `alpha ${alpha}, x ${values[i]}: ${g} vs ${expected[i]}`).toBe(true));
    }
    x.dispose();
    await tf.setBackend('cpu');
  });

  it('Identity equals the CPU backend bit for bit', async () => {
    const compute = (): number[] => tf.tidy(() => Array.from(tf.clone(tf.tensor1d([1.5, NaN, -Infinity, -0])).dataSync()));
    expect(await onBackend('wasm', compute)).toEqual(await onBackend('cpu', compute));
    await tf.setBackend('cpu');
  });

  it('an Identity shares memory yet outlives its input; disposing both frees it', async () => {
    await tf.setBackend('wasm');
    const before = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(before);
    await tf.setBackend('cpu');
  });

  it('the LeakyReLU gradient is alpha at and below zero, 1 above, and differentiable twice', () => {
    const x = tf.tensor1d([-2, 0, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.leakyRelu(v, 0.2).sum())(x);
    expect(Array.from(g.dataSync())).toEqual([expect.closeTo(0.2, 6), expect.closeTo(0.2, 6), 1]);
    const gg = tf.grad((v: tf.Tensor) => tf.grad((w: tf.Tensor) => tf.leakyRelu(w, 0.2).square().sum())(v).sum())(x);
    // d/dx of 2·lrelu(x)·lrelu'(x) = 2·lrelu'(x)²: 0.08 below zero, 2 above.
    expect(Array.from(gg.dataSync())).toEqual([expect.closeTo(0.08, 5), expect.closeTo(0.08, 5), expect.closeTo(2, 5)]);
  });
});

describe('transposed matrix products', () => {
  it('equal the CPU backend for every transpose combination, ranks 2 and 3', async () => {
    const compute = (): number[][] =>
      tf.tidy(() => {
        const a = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
        const b = tf.randomNormal([7, 9], 0, 1, 'float32', 2);
        const c = tf.randomNormal([9, 5], 0, 1, 'float32', 3);
        const a3 = a.reshape([1, 7, 5]);
        const b3 = b.reshape([1, 7, 9]);
        return [tf.matMul(a, b, true, false), tf.matMul(a, c, false, true), tf.matMul(b, a, true, false), tf.matMul(c, b, true, true), tf.matMul(a3, b3, true, false)].map((t) => Array.from(t.dataSync()));
      });
    const ref = await onBackend('cpu', compute);
    const got = await onBackend('wasm', compute);
    await tf.setBackend('cpu');
    ref.forEach((r, i) => expect(maxRelativeError(r, got[i])).toBeLessThanOrEqual(1e-5));
  });
});

describe('tile', () => {
  it('equals the CPU backend for ranks 0-4, repeats of 1, and its gradient sums the repeats', async () => {
    const compute = (): number[][] =>
      tf.tidy(() => {
        const v = tf.randomNormal([1, 1, 1, 5], 0, 1, 'float32', 1);
        const m = tf.randomNormal([2, 3, 1, 4], 0, 1, 'float32', 2);
        const outs = [
          tf.tile(v, [3, 4, 2, 1]),
          tf.tile(m, [2, 1, 3, 2]),
          tf.tile(tf.tensor1d([1, 2, 3]), [4]),
          tf.tile(tf.tensor2d([[1], [2]]), [1, 5]),
          tf.tile(m, [1, 1, 1, 1]),
          tf.tile(tf.tensor1d([7]), [1]),
        ];
        // The gradient of tile (gan-hacks registers its own): each input element gets the sum of its copies.
        const g = tf.grad((t: tf.Tensor) => tf.tile(t, [2, 1, 3, 2]).mul(tf.range(0, 4 * 3 * 3 * 8).reshape([4, 3, 3, 8])).sum())(m);
        return [...outs, g].map((t) => Array.from(t.dataSync()));
      });
    const ref = await onBackend('cpu', compute);
    const got = await onBackend('wasm', compute);
    await tf.setBackend('cpu');
    ref.forEach((r, i) => expect(got[i]).toEqual(r));
    // By hand: m[i0, i1, 0, i3] is copied to (i0 + 2a, i1, c, i3 + 4d) for a < 2, c < 3, d < 2,
    // where the weight is the flat index ((row · 3 + i1) · 3 + c) · 8 + col.
    const expected: number[] = [];
    for (let i0 = 0; i0 < 2; i0++)
      for (let i1 = 0; i1 < 3; i1++)
        for (let i3 = 0; i3 < 4; i3++) {
          let sum = 0;
          for (let a = 0; a < 2; a++) for (let c = 0; c < 3; c++) for (let d = 0; d < 2; d++) sum += (((i0 + 2 * a) * 3 + i1) * 3 + c) * 8 + i3 + 4 * d;
          expected.push(sum);
        }
    expect(ref[6]).toEqual(expected);
  });
});
