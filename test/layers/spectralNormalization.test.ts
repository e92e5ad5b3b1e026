import * as tf from '@tensorflow/tfjs';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { Trainer, WGANGP, dcganNormal, leakyReLU, minibatchDiscrimination, minibatchStddev, spectralNormalization, type SpectralNormalization } from '../../src/index.js';
import { expectCode, expectNoLeak, expectNoLeakAsync } from '../helpers.js';
import { tinyData, tinyGenerator } from '../train/tiny.js';

/** Largest singular value of a kernel reshaped to [prod(all axes but the last), out], by ml-matrix's SVD. */
function largestSingularValue(kernel: tf.Tensor): number {
  const out = kernel.shape[kernel.shape.length - 1];
  const rows = kernel.reshape([-1, out]);
  const m = new Matrix(rows.arraySync() as number[][]);
  rows.dispose();
  return Math.max(...new SingularValueDecomposition(m, { autoTranspose: true }).diagonal);
}

/** Weight values of a layer by their short name (kernel, bias, u). */
function weightsOf(layer: tf.layers.Layer): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const w of layer.weights) out[w.originalName.split('/').pop()!] = w.read().dataSync() as Float32Array;
  return out;
}

/** σ = ‖W û‖ with û = u / ‖u‖, in double precision with plain loops; W is [rows, out] row-major. */
function sigmaByHand(kernel: Float32Array, u: Float32Array): number {
  const out = u.length;
  const rows = kernel.length / out;
  const un = Math.hypot(...u);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let c = 0; c < out; c++) dot += kernel[r * out + c] * (u[c] / un);
    s += dot * dot;
  }
  return Math.sqrt(s);
}

function convModel(seed: number, conv: Parameters<typeof tf.layers.conv2d>[0], options = {}): { model: tf.Sequential; sn: SpectralNormalization } {
  const sn = spectralNormalization(tf.layers.conv2d({ kernelInitializer: dcganNormal({ seed }), ...conv }), { seed, ...options });
  return { model: tf.sequential({ layers: [sn] }), sn };
}

describe('spectralNormalization', () => {
  it('the normalised kernel has largest singular value 1 (ml-matrix SVD) after training calls', () => {
    const { model, sn } = convModel(3, { filters: 5, kernelSize: 3, inputShape: [6, 6, 2] });
    // A new kernel far from the one u was warmed up on: the estimate must come from training calls.
    const k = sn.layer.weights.find((w) => w.originalName.endsWith('kernel'))!;
    const fresh = tf.randomNormal(k.shape as number[], 0, 1, 'float32', 11);
    k.write(fresh);
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 2);
    for (let i = 0; i < 40; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const normalised = sn.normalizedKernel();
    expect(Math.abs(largestSingularValue(normalised) - 1)).toBeLessThan(1e-3);
    expect(Math.abs(sn.sigma() / largestSingularValue(fresh) - 1)).toBeLessThan(1e-3);
    tf.dispose([normalised, fresh, x]);
    model.dispose();
  });

  it('Dense: the normalised kernel has largest singular value 1', () => {
    const sn = spectralNormalization(tf.layers.dense({ units: 4, inputShape: [7], kernelInitializer: dcganNormal({ seed: 5, stddev: 1 }) }), { seed: 1 });
    const model = tf.sequential({ layers: [sn] });
    const x = tf.randomNormal([3, 7], 0, 1, 'float32', 4);
    for (let i = 0; i < 40; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const normalised = sn.normalizedKernel();
    expect(Math.abs(largestSingularValue(normalised) - 1)).toBeLessThan(1e-3);
    tf.dispose([normalised, x]);
    model.dispose();
  });

  it('Conv2D forward equals tfjs Conv2D with kernel / σ computed by hand (strides, padding, dilation, bias, activation)', () => {
    const settings: Parameters<typeof tf.layers.conv2d>[0][] = [
      { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [7, 7, 2] },
      { filters: 4, kernelSize: [2, 3], strides: 1, padding: 'valid', dilationRate: 2, activation: 'tanh', inputShape: [7, 7, 2] },
      { filters: 2, kernelSize: 3, useBias: false, inputShape: [5, 5, 2] },
    ];
    settings.forEach((conv, i) => {
      const { model, sn } = convModel(10 + i, conv);
      const shape = conv.inputShape as number[];
      const x = tf.randomNormal([2, ...shape], 0, 1, 'float32', 20 + i);
      if (conv.useBias !== false) sn.layer.weights.find((w) => w.originalName.endsWith('bias'))!.write(tf.randomNormal([conv.filters], 0, 0.5, 'float32', 30 + i));
      tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
      const w = weightsOf(sn);
      const sigma = sigmaByHand(w.kernel, w.u);
      const plain = tf.layers.conv2d({ ...conv });
      const ref = tf.sequential({ layers: [plain] });
      const kernelShape = sn.layer.weights[0].shape as number[];
      plain.setWeights([
        tf.tensor(Array.from(w.kernel, (v) => v / sigma), kernelShape),
        ...(conv.useBias === false ? [] : [tf.tensor(w.bias)]),
      ]);
      const got = model.predict(x) as tf.Tensor;
      const want = ref.predict(x) as tf.Tensor;
      expect(got.shape).toEqual(want.shape);
      expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(want)).dataSync()[0]).toBeGreaterThan(0.05);
      tf.dispose([x, got, want]);
      model.dispose();
      ref.dispose();
    });
  });

  it('Dense forward equals tanh(x · W / σ + b) in plain loops, on rank 2 and rank 3 inputs', () => {
    const sn = spectralNormalization(tf.layers.dense({ units: 3, activation: 'tanh', kernelInitializer: dcganNormal({ seed: 2, stddev: 0.5 }), biasInitializer: 'ones' }), { seed: 3 });
    const input = tf.input({ shape: [2, 4] });
    const model = tf.model({ inputs: input, outputs: sn.apply(input) as tf.SymbolicTensor });
    const x = tf.randomNormal([2, 2, 4], 0, 1, 'float32', 9);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const w = weightsOf(sn);
    const sigma = sigmaByHand(w.kernel, w.u);
    const xs = x.dataSync();
    const want: number[] = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 3; c++) {
        let s = w.bias[c];
        for (let k = 0; k < 4; k++) s += (xs[r * 4 + k] * w.kernel[k * 3 + c]) / sigma;
        want.push(Math.tanh(s));
      }
    }
    const got = model.predict(x) as tf.Tensor;
    expect(got.shape).toEqual([2, 2, 3]);
    Array.from(got.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    tf.dispose([x, got]);
    model.dispose();
  });

  it('u changes in training calls only, by one power iteration each', () => {
    const { model, sn } = convModel(4, { filters: 3, kernelSize: 2, inputShape: [4, 4, 1] }, { powerIterations: 1 });
    const k = sn.layer.weights[0];
    k.write(tf.randomNormal(k.shape as number[], 0, 1, 'float32', 8));
    const x = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 1);
    const u0 = weightsOf(sn).u;
    for (let i = 0; i < 3; i++) tf.dispose(model.predict(x));
    tf.dispose(model.apply(x, { training: false }) as tf.Tensor);
    expect(weightsOf(sn).u).toEqual(u0);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const u1 = weightsOf(sn).u;
    // One step by hand: v = normalize(W û0), u1 = normalize(Wᵀ v), W = kernel as [4, 3].
    const kv = weightsOf(sn).kernel;
    const n0 = Math.hypot(...u0);
    const v = [0, 1, 2, 3].map((r) => [0, 1, 2].reduce((s, c) => s + kv[r * 3 + c] * (u0[c] / n0), 0));
    const nv = Math.hypot(...v);
    const u = [0, 1, 2].map((c) => v.reduce((s, vr, r) => s + kv[r * 3 + c] * (vr / nv), 0));
    const nu = Math.hypot(...u);
    u.forEach((value, c) => expect(u1[c]).toBeCloseTo(value / nu, 5));
    expect(Array.from(u1)).not.toEqual(Array.from(u0));
    tf.dispose(x);
    model.dispose();
  });

  it('the gradient reaches the kernel through σ (W/σ with u held constant, as in the paper)', () => {
    const sn = spectralNormalization(tf.layers.dense({ units: 3, useBias: false, inputShape: [4], kernelInitializer: dcganNormal({ seed: 6, stddev: 1 }) }), { seed: 2 });
    const model = tf.sequential({ layers: [sn] });
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const g = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    const kernel = sn.layer.weights[0].read() as tf.Variable;
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, g)) as tf.Scalar, [kernel]);
    const grad = grads[kernel.name].dataSync();
    const { kernel: w, u } = weightsOf(sn);
    // L = <A, W> / σ with A = xᵀ g and σ = ‖W û‖: dL/dW = A / σ − <A, W> / σ³ · (W û) ûᵀ.
    const xs = x.dataSync();
    const gs = g.dataSync();
    const A = Array.from({ length: 12 }, (_, i) => {
      const [r, c] = [Math.floor(i / 3), i % 3];
      let s = 0;
      for (let b = 0; b < 5; b++) s += xs[b * 4 + r] * gs[b * 3 + c];
      return s;
    });
    const un = Math.hypot(...u);
    const uh = Array.from(u, (v) => v / un);
    const wu = [0, 1, 2, 3].map((r) => [0, 1, 2].reduce((s, c) => s + w[r * 3 + c] * uh[c], 0));
    const sigma = Math.hypot(...wu);
    const aw = A.reduce((s, a, i) => s + a * w[i], 0);
    const want = A.map((a, i) => a / sigma - (aw / sigma ** 3) * wu[Math.floor(i / 3)] * uh[i % 3]);
    const scale = Math.max(...want.map(Math.abs));
    want.forEach((v, i) => expect(Math.abs(grad[i] - v)).toBeLessThan(1e-4 * scale));
    // The σ term is not negligible here: treating σ as a constant would be far off.
    expect(Math.max(...A.map((a, i) => Math.abs(a / sigma - want[i])))).toBeGreaterThan(0.05 * scale);
    expect(value.dataSync()[0]).toBeCloseTo(aw / sigma, 3);
    tf.dispose([x, g, value, ...Object.values(grads)]);
    model.dispose();
  });

  it('a tiny discriminator with it trains a step with finite, non-zero gradients', () => {
    const conv = spectralNormalization(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [8, 8, 1], kernelInitializer: dcganNormal({ seed: 1 }) }), { seed: 1 });
    const dense = spectralNormalization(tf.layers.dense({ units: 1, kernelInitializer: dcganNormal({ seed: 2 }) }), { seed: 2 });
    const d = tf.sequential({ layers: [conv, leakyReLU(), tf.layers.flatten(), dense] });
    expect(d.trainableWeights.map((w) => w.shape)).toEqual([[3, 3, 1, 4], [4], [64, 1], [1]]);
    expect(d.nonTrainableWeights.map((w) => w.shape)).toEqual([[4], [1]]);
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 5);
    const y = tf.tensor2d([[1], [0], [1], [0]]);
    const before = d.getWeights().map((t) => t.dataSync().slice());
    const optimizer = tf.train.sgd(0.1);
    const { grads, value } = tf.variableGrads(() => tf.losses.sigmoidCrossEntropy(y, d.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
    expect(Object.keys(grads).length).toBe(4);
    for (const t of Object.values(grads)) {
      const values = t.dataSync();
      expect(values.every(Number.isFinite)).toBe(true);
      expect(values.some((v) => v !== 0)).toBe(true);
    }
    optimizer.applyGradients(grads);
    const after = d.getWeights().map((t) => t.dataSync());
    // Kernels, biases and the conv's u move; a one-unit Dense's u is a 1-vector, ±1 once normalised.
    before.slice(0, 5).forEach((b, i) => expect(Array.from(after[i])).not.toEqual(Array.from(b)));
    expect(Math.abs(after[5][0])).toBe(1);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    optimizer.dispose();
    d.dispose();
  });

  it('plugs into the Trainer unchanged (WGAN-GP critic with the three remedy layers): u moves, losses finite, no leak, same seed same run', async () => {
    const critic = (): tf.Sequential =>
      tf.sequential({
        layers: [
          spectralNormalization(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', inputShape: [4, 4, 1], kernelInitializer: dcganNormal({ seed: 1 }) }), { seed: 1 }),
          leakyReLU(),
          minibatchStddev({ groupSize: 2 }),
          tf.layers.flatten(),
          minibatchDiscrimination({ kernels: 2, dims: 2, seed: 2 }),
          spectralNormalization(tf.layers.dense({ units: 1, kernelInitializer: dcganNormal({ seed: 3 }) }), { seed: 3 }),
        ],
      });
    const run = async (): Promise<{ losses: unknown; u: number[] }> => {
      const d = critic();
      const trainer = new Trainer({ generator: tinyGenerator(), discriminator: d, latentDim: 3, seed: 5, loss: new WGANGP() });
      const data = tinyData(16, 9);
      const u0 = Array.from(d.layers[0].getWeights()[2].dataSync());
      await trainer.fit(data, { batchSize: 4, iterations: 1 }); // creates the optimizers' state
      const history = await expectNoLeakAsync(async () => (await trainer.fit(data, { batchSize: 4, iterations: 3 })).toJSON());
      const u = Array.from(d.layers[0].getWeights()[2].dataSync());
      expect(u).not.toEqual(u0);
      trainer.dispose();
      data.dispose();
      return { losses: history, u };
    };
    const a = await run();
    const records = (a.losses as { records: Record<string, number>[] }).records;
    expect(records).toHaveLength(3);
    for (const r of records) expect([r.dLoss, r.gLoss, r.gradientPenalty].every(Number.isFinite)).toBe(true);
    expect(await run()).toEqual(a);
  });

  it('leaks no tensor per training or inference call', () => {
    const { model } = convModel(1, { filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [6, 6, 1] }, { powerIterations: 3 });
    const x = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 1);
    tf.dispose(model.apply(x, { training: true }) as tf.Tensor); // first call: tfjs caches its own state
    expectNoLeak(() => {
      for (let i = 0; i < 5; i++) {
        tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
        tf.dispose(model.predict(x));
      }
    });
    tf.dispose(x);
    model.dispose();
  });

  it('follows the wrapped layer\'s trainable flag; u is never trainable', () => {
    const { model, sn } = convModel(1, { filters: 2, kernelSize: 3, inputShape: [4, 4, 1] });
    expect(sn.trainableWeights.length).toBe(2);
    expect(sn.nonTrainableWeights.length).toBe(1);
    sn.trainable = false;
    expect(sn.layer.trainable).toBe(false);
    expect(model.trainableWeights.length).toBe(0);
    expect(model.nonTrainableWeights.length).toBe(3);
    model.dispose();
  });

  it('refuses other layers, bad options, and reading before build', () => {
    expectCode(() => spectralNormalization(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3 })), 'INVALID_ARGUMENT');
    expect(() => spectralNormalization(tf.layers.batchNormalization())).toThrow(/only Conv2D and Dense.*got a BatchNormalization/);
    expectCode(() => spectralNormalization({} as tf.layers.Layer), 'INVALID_ARGUMENT');
    expectCode(() => spectralNormalization(tf.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' })), 'INVALID_ARGUMENT');
    const dense = (): tf.layers.Layer => tf.layers.dense({ units: 2 });
    expectCode(() => spectralNormalization(dense(), { powerIterations: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => spectralNormalization(dense(), { powerIterations: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => spectralNormalization(dense(), { powerIterations: 1e6 }), 'INVALID_RANGE');
    expectCode(() => spectralNormalization(dense(), { epsilon: 0 }), 'INVALID_RANGE');
    expectCode(() => spectralNormalization(dense(), { epsilon: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => spectralNormalization(dense(), { seed: Number.POSITIVE_INFINITY }), 'INVALID_ARGUMENT');
    expectCode(() => spectralNormalization(dense(), 'fast' as never), 'INVALID_ARGUMENT');
    const sn = spectralNormalization(dense(), null);
    expect([sn.powerIterations, sn.epsilon]).toEqual([1, 1e-12]);
    expectCode(() => sn.normalizedKernel(), 'TRAINING_STATE');
    expectCode(() => sn.sigma(), 'TRAINING_STATE');
    const conv = spectralNormalization(tf.layers.conv2d({ filters: 2, kernelSize: 3 }));
    expectCode(() => tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), conv] }), 'INVALID_SHAPE');
  });
});
