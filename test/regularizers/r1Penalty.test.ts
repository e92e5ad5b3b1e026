import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { NonSaturatingGAN, R1Penalty, Trainer, dcganNormal, r1Penalty, r2Penalty } from '../../src/index.js';
import { expectCode, expectNoLeak } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

/**
 * A smooth tiny D on 4x4 images (a softplus or tanh hidden layer, linear output): central differences
 * converge as h². Softplus's tfjs gradient is differentiable again; tanh's is not (see the last test).
 */
function smoothD(seed = 5, activation: 'softplus' | 'tanh' = 'softplus'): tf.Sequential {
  const init = dcganNormal({ seed, stddev: 0.3 });
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 8, activation, kernelInitializer: init, biasInitializer: dcganNormal({ seed: seed + 1, stddev: 0.3 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: init }),
    ],
  });
}

/** A linear D: its input gradient is its kernel w whatever the input, so R1 = γ/2 · ‖w‖². */
function linearD(seed = 7): tf.Sequential {
  return tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 1, kernelInitializer: dcganNormal({ seed, stddev: 0.3 }) })],
  });
}

function batch(n: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, 4, 4, 1], -1, 1, 'float32', seed) as tf.Tensor4D;
}

/**
 * γ/2 · mean over samples of Σ_pixels (∂D/∂x_p)², each derivative a central difference
 * (D(x + h·e_p) − D(x − h·e_p)) / 2h taken with D's float32 predict on host-built perturbed inputs.
 */
function finiteDifferenceR1(d: tf.LayersModel, x: tf.Tensor4D, gamma: number, h: number): number {
  const values = x.dataSync();
  const [n, size] = [x.shape[0], x.size / x.shape[0]];
  const rows = new Float32Array(n * size * 2 * size);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < size; p++) {
      for (const [k, sign] of [[0, 1], [1, -1]] as const) {
        const row = ((i * size + p) * 2 + k) * size;
        rows.set(values.subarray(i * size, (i + 1) * size), row);
        rows[row + p] += sign * h;
      }
    }
  }
  const input = tf.tensor4d(rows, [n * size * 2, 4, 4, 1]);
  const out = d.predict(input) as tf.Tensor;
  const o = out.dataSync();
  tf.dispose([input, out]);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let p = 0; p < size; p++) {
      const j = (i * size + p) * 2;
      sq += ((o[j] - o[j + 1]) / (2 * h)) ** 2;
    }
    total += sq;
  }
  return (gamma / 2) * (total / n);
}

/**
 * R1's gradient w.r.t. D's weights (tfjs) beside central differences of R1 itself in three entries of each
 * weight tensor (float32, step h); `grads` counts the weights tfjs returned a gradient for.
 */
function weightGradientCheck(d: tf.LayersModel, h: number): { grads: number; pairs: { at: string; analytic: number; fd: number }[] } {
  const real = batch(3, 15);
  const r1 = r1Penalty({ gamma: 10 });
  const vars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => r1.penalty({ model: d, real }), vars);
  const g = vars.map((v) => (grads[v.name] ? grads[v.name].dataSync().slice() : new Float32Array(v.size)));
  const base = d.getWeights().map((t) => t.clone());
  const at = (wi: number, k: number, delta: number): number => {
    const changed = tf.tidy(() => {
      const v = base[wi].dataSync().slice();
      v[k] += delta;
      return tf.tensor(v, base[wi].shape);
    });
    d.setWeights(base.map((t, j) => (j === wi ? changed : t)));
    const p = r1.penalty({ model: d, real });
    const result = p.dataSync()[0];
    tf.dispose([p, changed]);
    return result;
  };
  const pairs: { at: string; analytic: number; fd: number }[] = [];
  for (let wi = 0; wi < base.length; wi++) {
    for (const k of new Set([0, Math.floor(base[wi].size / 2), base[wi].size - 1])) {
      pairs.push({ at: `${vars[wi].name}[${k}]`, analytic: g[wi][k], fd: (at(wi, k, h) - at(wi, k, -h)) / (2 * h) });
    }
  }
  d.setWeights(base);
  const count = Object.keys(grads).length;
  tf.dispose([real, value, ...base, ...Object.values(grads)]);
  return { grads: count, pairs };
}

/**
 * Each analytic entry within 1e-3 of the largest difference quotient (the gradient's scale): float32 quotients
 * with h = 1e-2 carry ~1e-7 · R1 / 2h of rounding and ~h² of truncation, far below that on these models.
 */
function expectGradientsMatch(pairs: { at: string; analytic: number; fd: number }[]): void {
  const scale = Math.max(...pairs.map((p) => Math.abs(p.fd)));
  expect(scale).toBeGreaterThan(0);
  for (const p of pairs) expect(Math.abs(p.fd - p.analytic), `${p.at}: ${p.analytic} vs ${p.fd}`).toBeLessThan(1e-3 * scale);
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('r1Penalty and r2Penalty: the defining property', () => {
  // h = 1e-2: float32 rounding of D's ~1-sized outputs costs ~1e-7 / 2h = 5e-6 per derivative (~0.1 in size),
  // the truncation of a smooth network ~h²/6 · D''' ~ 2e-5; both far inside the stated 1e-3 relative tolerance.
  const H = 1e-2;
  const TOL = 1e-3;

  it('R1 equals γ/2 · E‖∇ₓD‖² by central differences on smooth Ds, a LeakyReLU D and a sigmoid D (taken on its output as is)', () => {
    const models = [smoothD(), smoothD(6, 'tanh'), tinyDiscriminator(2, { output: 'linear' }), tinyDiscriminator(3, { output: 'sigmoid' })];
    const real = batch(3, 11);
    for (const d of models) {
      const value = expectNoLeak(() => r1Penalty({ gamma: 4 }).penalty({ model: d, real }));
      const fd = finiteDifferenceR1(d, real, 4, H);
      expect(fd).toBeGreaterThan(1e-3); // a real gradient, not a vacuous 0 = 0
      expect(rel(value.dataSync()[0], fd)).toBeLessThan(TOL);
      value.dispose();
    }
    tf.dispose(real);
    models.forEach((m) => m.dispose());
  });

  it('R2 is the same penalty on the fake batch, and each is 0 on the other half', () => {
    const d = smoothD(9);
    const real = batch(2, 12);
    const fake = batch(3, 13);
    const r2 = r2Penalty({ gamma: 10 }).penalty({ model: d, fake });
    expect(rel(r2.dataSync()[0], finiteDifferenceR1(d, fake, 10, H))).toBeLessThan(TOL);
    // With both halves, each takes its own: R1 on real, R2 on fake.
    const both = { model: d, real, fake };
    expect(rel(r1Penalty({ gamma: 10 }).penalty(both).dataSync()[0], finiteDifferenceR1(d, real, 10, H))).toBeLessThan(TOL);
    expect(r2Penalty({ gamma: 10 }).penalty(both).dataSync()[0]).toBeCloseTo(r2.dataSync()[0], 5);
    const zeros = expectNoLeak(() => [r1Penalty().penalty({ model: d, fake }), r2Penalty().penalty({ model: d, real })]);
    expect(zeros.map((z) => [z.rank, z.dataSync()[0]])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    tf.dispose([real, fake, r2, ...zeros]);
    d.dispose();
  });

  it('scales linearly in γ, is γ/2·‖w‖² on a linear D, and has default γ = 10', () => {
    const d = linearD();
    const real = batch(4, 14);
    const w = d.layers[1].getWeights()[0].dataSync();
    const norm2 = Array.from(w).reduce((s, v) => s + v * v, 0);
    expect(r1Penalty().gamma).toBe(10);
    expect(r1Penalty(null).penalty({ model: d, real }).dataSync()[0]).toBeCloseTo(5 * norm2, 4);
    expect(r1Penalty({ gamma: 0.5 }).penalty({ model: d, real }).dataSync()[0]).toBeCloseTo(0.25 * norm2, 5);
    expect(r1Penalty({ gamma: 0 }).penalty({ model: d, real }).dataSync()[0]).toBe(0);
    tf.dispose(real);
    d.dispose();
  });

  it("has a finite gradient w.r.t. D's weights that matches central differences of the penalty", () => {
    const d = smoothD(21);
    const { grads, pairs } = weightGradientCheck(d, H);
    // The output bias does not move ∇ₓD, so tfjs returns no gradient for it: zero, which the differences check.
    expect(grads).toBe(3);
    expect(pairs).toHaveLength(10);
    for (const p of pairs) expect(Number.isFinite(p.analytic)).toBe(true);
    expectGradientsMatch(pairs);
    d.dispose();
  });

  // tfjs 4.22 differentiates Tanh, Sigmoid and Exp from their saved outputs, which its tape does not
  // connect to the inputs: a gradient of a gradient through them lost those paths (no gradient reached the
  // hidden bias at all) until enableSecondOrderGradients registered these gradients from the inputs.
  it("matches central differences in D's weights through tanh and sigmoid layers (their gradients from the input)", () => {
    for (const d of [smoothD(22, 'tanh'), tinyDiscriminator(5, { output: 'sigmoid' })]) {
      const { pairs } = weightGradientCheck(d, H);
      d.dispose();
      expectGradientsMatch(pairs);
    }
  });

  it('passes a finite, non-zero gradient through a LeakyReLU D (second-order gradients of its comparisons)', () => {
    const d = tinyDiscriminator(4, { output: 'linear' });
    const real = batch(3, 16);
    const vars = d.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => r2Penalty().penalty({ model: d, fake: real }), vars);
    const flat = Object.values(grads).flatMap((t) => Array.from(t.dataSync()));
    expect(flat.every(Number.isFinite)).toBe(true);
    expect(flat.some((v) => v !== 0)).toBe(true);
    tf.dispose([real, value, ...Object.values(grads)]);
    d.dispose();
  });
});

describe('r1Penalty in the Trainer', () => {
  const base = (d: tf.LayersModel, extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}) => ({
    generator: tinyGenerator(1),
    discriminator: d,
    loss: new NonSaturatingGAN(),
    latentDim: 3,
    seed: 4,
    ...extra,
  });

  it('logs r1 at the penalty D had before its step, γ/2·‖w₀‖² on a linear D, with combined and with separate steps', async () => {
    const data = tinyData();
    for (const step of ['combined', 'separate'] as const) {
      const d = linearD(8);
      const w0 = Array.from(d.layers[1].getWeights()[0].dataSync()).reduce((s, v) => s + v * v, 0);
      const t = new Trainer(base(d, { discriminatorStep: step, regularizers: [r1Penalty({ gamma: 3 }), r2Penalty({ gamma: 3 })] }));
      const history = await t.fit(data, { batchSize: 8, iterations: 1 });
      const record = history.records[0];
      // Separate steps: only the real step adds (and logs) R1, at w₀; the fake step adds R2 alone, after D's real update.
      expect(record.r1).toBeCloseTo(1.5 * w0, 5);
      if (step === 'combined') expect(record.r2).toBeCloseTo(1.5 * w0, 5);
      else expect(record.r2).toBeGreaterThan(0);
      t.dispose();
      t.generator.dispose();
      d.dispose();
    }
    data.dispose();
  });

  it('trains a tiny GAN with R1 on its D: finite r1 column, no tensor leaked per iteration', async () => {
    const data = tinyData();
    const d = tinyDiscriminator(2, { output: 'linear' });
    const t = new Trainer(base(d, { regularizers: [new R1Penalty({ gamma: 10 })] }));
    await t.fit(data, { batchSize: 8, iterations: 2 });
    const before = tf.memory().numTensors;
    const history = await t.fit(data, { batchSize: 8, iterations: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.records).toHaveLength(6);
    for (const r of history.records) {
      expect(Number.isFinite(r.r1)).toBe(true);
      expect(r.r1).toBeGreaterThan(0);
      expect(Number.isFinite(r.dLossReal)).toBe(true);
    }
    t.dispose();
    t.generator.dispose();
    d.dispose();
    data.dispose();
  });
});

describe('r1Penalty and r2Penalty: validation', () => {
  it('refuses bad options on construction', () => {
    for (const make of [r1Penalty, r2Penalty]) {
      expectCode(() => make({ gamma: -1 }), 'INVALID_RANGE');
      expectCode(() => make({ gamma: 2e6 }), 'INVALID_RANGE');
      expectCode(() => make({ gamma: NaN }), 'INVALID_ARGUMENT');
      expectCode(() => make({ gamma: '10' as never }), 'INVALID_ARGUMENT');
      expectCode(() => make(5 as never), 'INVALID_ARGUMENT');
      expect(make(undefined).gamma).toBe(10);
    }
    expect(() => r1Penalty({ gamma: -1 })).toThrow(/r1Penalty: gamma/);
  });

  it('refuses bad contexts on entry, leaking nothing', () => {
    const d = smoothD();
    const ok = batch(2, 1);
    const wrong = tf.zeros([2, 4, 4, 2]);
    const flat = tf.zeros([2, 16]);
    const empty = tf.zeros([0, 4, 4, 1]);
    const ints = tf.zeros([2, 4, 4, 1], 'int32');
    const disposed = tf.zeros([2, 4, 4, 1]);
    disposed.dispose();
    const r1 = r1Penalty();
    const before = tf.memory().numTensors;
    expectCode(() => r1.penalty(null as never), 'INVALID_ARGUMENT');
    expectCode(() => r1.penalty({ model: 'd' as never, real: ok }), 'INVALID_ARGUMENT');
    expectCode(() => r1.penalty({ model: d, real: [[1]] as never }), 'INVALID_ARGUMENT');
    expectCode(() => r1.penalty({ model: d, real: ints }), 'INVALID_ARGUMENT');
    expectCode(() => r1.penalty({ model: d, real: disposed }), 'INVALID_ARGUMENT');
    expectCode(() => r1.penalty({ model: d, real: wrong }), 'INVALID_SHAPE');
    expectCode(() => r1.penalty({ model: d, real: flat }), 'INVALID_SHAPE');
    expectCode(() => r1.penalty({ model: d, real: empty }), 'INVALID_SHAPE');
    expectCode(() => r2Penalty().penalty({ model: d, fake: wrong }), 'INVALID_SHAPE');
    expect(() => r1.penalty({ model: d, real: wrong })).toThrow(/r1Penalty: real \[2, 4, 4, 2\].*\[n, 4, 4, 1\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ok, wrong, flat, empty, ints]);
    d.dispose();
  });
});
