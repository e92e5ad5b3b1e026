import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import {
  HingeGAN,
  LSGAN,
  MinimaxGAN,
  NonSaturatingGAN,
  WGAN,
  WGANGP,
  binaryCrossEntropy,
  dcganDiscriminator,
  gradientPenalty,
  type GanLoss,
} from '../src/index.js';
import { expectCode, expectNoLeak } from './helpers.js';
import { pairDistance } from '../src/losses/wgangp.js';

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const softplus = (x: number): number => Math.log1p(Math.exp(x));

// D outputs shared by the whole table: probabilities for BCE on probabilities, raw scores otherwise.
const P_REAL = [0.9, 0.6, 0.3];
const P_FAKE = [0.2, 0.7, 0.4];
const X_REAL = [2.0, -0.5, 0.25];
const X_FAKE = [-1.5, 0.75, 1.2];

interface Row {
  name: string;
  loss: GanLoss;
  real: number[];
  fake: number[];
  expected: { real: number; fake: number; g: number };
}

// Expected values from the formulas in each loss's paper, computed in plain JS.
const TABLE: Row[] = [
  {
    name: 'MinimaxGAN (probabilities)',
    loss: new MinimaxGAN(),
    real: P_REAL,
    fake: P_FAKE,
    expected: { real: mean(P_REAL.map((p) => -Math.log(p))), fake: mean(P_FAKE.map((p) => -Math.log(1 - p))), g: mean(P_FAKE.map((p) => -Math.log(p))) },
  },
  {
    name: 'MinimaxGAN (saturating G)',
    loss: new MinimaxGAN({ saturating: true }),
    real: P_REAL,
    fake: P_FAKE,
    expected: { real: mean(P_REAL.map((p) => -Math.log(p))), fake: mean(P_FAKE.map((p) => -Math.log(1 - p))), g: mean(P_FAKE.map((p) => Math.log(1 - p))) },
  },
  {
    name: 'NonSaturatingGAN (logits)',
    loss: new NonSaturatingGAN(),
    real: X_REAL,
    fake: X_FAKE,
    expected: { real: mean(X_REAL.map((x) => softplus(-x))), fake: mean(X_FAKE.map((x) => softplus(x))), g: mean(X_FAKE.map((x) => softplus(-x))) },
  },
  {
    name: 'MinimaxGAN (logits, saturating)',
    loss: new MinimaxGAN({ fromLogits: true, saturating: true }),
    real: X_REAL,
    fake: X_FAKE,
    expected: { real: mean(X_REAL.map((x) => softplus(-x))), fake: mean(X_FAKE.map((x) => softplus(x))), g: mean(X_FAKE.map((x) => -softplus(x))) },
  },
  {
    name: 'LSGAN',
    loss: new LSGAN(),
    real: X_REAL,
    fake: X_FAKE,
    expected: { real: mean(X_REAL.map((x) => 0.5 * (x - 1) ** 2)), fake: mean(X_FAKE.map((x) => 0.5 * x ** 2)), g: mean(X_FAKE.map((x) => 0.5 * (x - 1) ** 2)) },
  },
  {
    name: 'HingeGAN',
    loss: new HingeGAN(),
    real: X_REAL,
    fake: X_FAKE,
    expected: { real: mean(X_REAL.map((x) => Math.max(0, 1 - x))), fake: mean(X_FAKE.map((x) => Math.max(0, 1 + x))), g: -mean(X_FAKE) },
  },
  {
    name: 'WGAN',
    loss: new WGAN(),
    real: X_REAL,
    fake: X_FAKE,
    expected: { real: -mean(X_REAL), fake: mean(X_FAKE), g: -mean(X_FAKE) },
  },
  {
    name: 'WGANGP (critic terms)',
    loss: new WGANGP(),
    real: X_REAL,
    fake: X_FAKE,
    expected: { real: -mean(X_REAL), fake: mean(X_FAKE), g: -mean(X_FAKE) },
  },
];

describe('loss contract table', () => {
  for (const row of TABLE) {
    it(`${row.name}: discriminator and generator losses match the formulas`, () => {
      const real = tf.tensor2d(row.real, [3, 1]);
      const fake = tf.tensor2d(row.fake, [3, 1]);
      const d = expectNoLeak(() => row.loss.discriminatorLoss({ real, fake }));
      expect(d.terms.real.dataSync()[0]).toBeCloseTo(row.expected.real, 5);
      expect(d.terms.fake.dataSync()[0]).toBeCloseTo(row.expected.fake, 5);
      expect(d.total.dataSync()[0]).toBeCloseTo(row.expected.real + row.expected.fake, 5);
      const g = expectNoLeak(() => row.loss.generatorLoss({ fake }));
      expect(g.total.dataSync()[0]).toBeCloseTo(row.expected.g, 5);
      // Separate batches: each half alone gives its own term.
      const onlyReal = row.loss.discriminatorLoss({ real });
      expect(onlyReal.total.dataSync()[0]).toBeCloseTo(row.expected.real, 5);
      expect(onlyReal.terms.fake).toBeUndefined();
      tf.dispose([real, fake, d, g, onlyReal] as never);
    });
  }

  it('targets replace the default labels (label smoothing reaches the loss)', () => {
    const loss = new MinimaxGAN();
    const real = tf.tensor2d(P_REAL, [3, 1]);
    const targets = tf.tensor2d([0.9, 0.8, 1.1], [3, 1]);
    const d = loss.discriminatorLoss({ real, realTargets: targets });
    const t = [0.9, 0.8, 1.1];
    const expected = mean(P_REAL.map((p, i) => -(t[i] * Math.log(p) + (1 - t[i]) * Math.log(1 - p))));
    expect(d.total.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([real, targets, d.total, ...Object.values(d.terms)]);
  });

  it('BCE on probabilities equals BCE on the logits they came from', () => {
    const logits = tf.tensor1d([-3, -0.2, 0.4, 5]);
    const targets = tf.tensor1d([1, 0, 0.7, 1]);
    const a = binaryCrossEntropy(targets, logits, true).dataSync()[0];
    const b = binaryCrossEntropy(targets, tf.sigmoid(logits)).dataSync()[0];
    expect(a).toBeCloseTo(b, 5);
    expectCode(() => binaryCrossEntropy(tf.ones([2]), tf.ones([3])), 'INVALID_SHAPE');
  });

  it('declares what the Trainer needs to know', () => {
    expect(new WGANGP().needsBothBatches).toBe(true);
    expect(new MinimaxGAN().usesTargets).toBe(true);
    expect(new WGAN().usesTargets).toBe(false);
    expect(new HingeGAN().output).toBe('logit');
    expectCode(() => new WGAN({ clipValue: 0 }), 'INVALID_RANGE');
    expectCode(() => new WGANGP({ gradientPenaltyWeight: -1 }), 'INVALID_RANGE');
  });

  it("LSGAN's and hinge's diagnosis bands sit where BCE's do, in D's output (checked with the losses themselves)", () => {
    // A D output that BCE scores at a band edge must score at the same band edge under the other loss.
    const bce = (bceLoss: number, side: 'real' | 'fake' | 'gen', loss: 'lsgan' | 'hinge', gap = 1, fakeTarget = 0): number => {
      const p = Math.exp(-bceLoss); // D's probability for the label BCE scores
      const probReal = side === 'fake' ? 1 - p : p;
      const out = loss === 'lsgan' ? tf.tensor1d([fakeTarget + probReal * gap]) : tf.tensor1d([Math.log(probReal / (1 - probReal))]);
      const l = loss === 'lsgan' ? new LSGAN({ fakeTarget, realTarget: fakeTarget + gap, generatorTarget: fakeTarget + gap }) : new HingeGAN();
      const terms = side === 'gen' ? l.generatorLoss({ fake: out }) : l.discriminatorLoss(side === 'real' ? { real: out } : { fake: out });
      const v = (side === 'gen' ? terms.total : terms.terms[side]).dataSync()[0];
      tf.dispose([out, terms.total, ...Object.values(terms.terms)]);
      return v;
    };
    for (const [gap, a] of [
      [1, 0],
      [2, -1],
    ]) {
      const bands = new LSGAN({ fakeTarget: a, realTarget: a + gap, generatorTarget: a + gap }).diagnosisBands;
      expect(bands.stableDiscriminatorLoss[0]).toBeCloseTo(bce(0.25, 'real', 'lsgan', gap, a), 6);
      expect(bands.stableDiscriminatorLoss[1]).toBeCloseTo(bce(1.2, 'fake', 'lsgan', gap, a), 6);
      expect(bands.stableGeneratorLoss[1]).toBeCloseTo(bce(3, 'gen', 'lsgan', gap, a), 6);
      expect(bands.collapsedLoss).toBeCloseTo(bce(0.05, 'real', 'lsgan', gap, a), 6);
    }
    // By hand, a = 0, b = c = 1: 0.5 (1 - e^-0.25)^2 = 0.02446, 0.5 (1 - e^-3)^2 = 0.45145; equilibrium 0.125 is in band.
    const ls = new LSGAN().diagnosisBands;
    expect(ls.stableDiscriminatorLoss[0]).toBeCloseTo(0.02446, 5);
    expect(ls.risingLevel).toBeCloseTo(0.45145, 5);
    expect(ls.risingSlopePer100).toBeCloseTo((0.5 * 0.45145) / 3, 5);
    const hinge = new HingeGAN().diagnosisBands;
    expect(hinge.stableGeneratorLoss[0]).toBeCloseTo(bce(0.3, 'gen', 'hinge'), 5);
    expect(hinge.stableGeneratorLoss[1]).toBeCloseTo(bce(3, 'gen', 'hinge'), 5);
    expect(hinge.stableDiscriminatorLoss[1]).toBeCloseTo(bce(1.2, 'real', 'hinge'), 5);
    expect(hinge.stableGeneratorLoss[0]).toBeCloseTo(-1.0502, 4); // -logit(e^-0.3)
    expect((new MinimaxGAN() as GanLoss).diagnosisBands).toBeUndefined(); // BCE: diagnose's defaults
    expectCode(() => new LSGAN({ realTarget: 0 }), 'INVALID_ARGUMENT');
  });

  it('WGAN clips every critic weight after an update', () => {
    const critic = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], kernelInitializer: tf.initializers.constant({ value: 0.5 }) })] });
    new WGAN({ clipValue: 0.01 }).afterDiscriminatorUpdate(critic);
    const w = critic.getWeights()[0].dataSync();
    expect(Math.max(...w)).toBeCloseTo(0.01, 6);
    critic.dispose();
  });
});

/** A tiny critic with no dropout or batch norm: the penalty is a smooth function of its input. */
function tinyCritic(normalization: 'layer' | 'none' | 'batch' = 'layer'): tf.Sequential {
  return dcganDiscriminator({ inputShape: [4, 4, 1], filters: 3, blocks: 1, dropout: 0, kernelSize: 3, normalization, seed: 11 });
}

describe('gradientPenalty', () => {
  it('equals an independent finite-difference computation on a tiny critic', () => {
    const critic = tinyCritic('layer');
    const real = tf.randomNormal([3, 4, 4, 1], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([3, 4, 4, 1], 0, 1, 'float32', 2);
    const alpha = tf.tensor1d([0.2, 0.5, 0.9]);
    const gp = gradientPenalty(critic, real, fake, { alpha }).dataSync()[0];

    // Central differences of each sample's score w.r.t. each of its 16 inputs.
    const xHat = tf.tidy(() => alpha.reshape([3, 1, 1, 1]).mul(real).add(tf.scalar(1).sub(alpha.reshape([3, 1, 1, 1])).mul(fake)));
    const base = Array.from(xHat.dataSync());
    const score = (values: number[]): number[] => tf.tidy(() => Array.from((critic.apply(tf.tensor4d(values, [3, 4, 4, 1]), { training: true }) as tf.Tensor).dataSync()));
    const eps = 1e-2;
    const norms = [0, 0, 0];
    for (let i = 0; i < 16; i++) {
      const up = [...base];
      const down = [...base];
      for (let s = 0; s < 3; s++) {
        up[s * 16 + i] += eps;
        down[s * 16 + i] -= eps;
      }
      const su = score(up);
      const sd = score(down);
      for (let s = 0; s < 3; s++) norms[s] += ((su[s] - sd[s]) / (2 * eps)) ** 2;
    }
    const expected = mean(norms.map((n) => (Math.sqrt(n) - 1) ** 2));
    expect(gp).toBeCloseTo(expected, 3);
    tf.dispose([real, fake, alpha, xHat]);
    critic.dispose();
  });

  it('is differentiable w.r.t. the critic weights (second-order gradients), matching finite differences', () => {
    const critic = tinyCritic('layer');
    const real = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 3);
    const fake = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 4);
    const weight = critic.trainableWeights[0];
    const f = (): tf.Scalar => gradientPenalty(critic, real, fake, { alpha: 0.3 });
    const { grads } = tf.variableGrads(f, [weight.read() as tf.Variable]);
    const analytic = grads[(weight.read() as tf.Variable).name].dataSync()[0];
    const original = weight.read().clone();
    const at = (delta: number): number => {
      const w = original.dataSync().slice();
      w[0] += delta;
      weight.write(tf.tensor(w, original.shape));
      return f().dataSync()[0];
    };
    const eps = 1e-2;
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    weight.write(original);
    expect(analytic).toBeCloseTo(numeric, 2);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-4);
    critic.dispose();
  });

  it('leaks no tensors and rejects mismatched batches', () => {
    const critic = tinyCritic('none');
    const a = tf.zeros([2, 4, 4, 1]);
    const b = tf.ones([2, 4, 4, 1]);
    expectNoLeak(() => gradientPenalty(critic, a, b, { seed: 1 })).dispose();
    const c = tf.ones([3, 4, 4, 1]);
    expectCode(() => gradientPenalty(critic, a, c), 'INVALID_SHAPE');
    const alpha = tf.ones([5]);
    expectCode(() => gradientPenalty(critic, a, b, { alpha }), 'INVALID_SHAPE');
    tf.dispose([a, b, c, alpha]);
  });

  it('WGANGP adds λ·GP and warns once, clearly, about a batch-normalised critic', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const loss = new WGANGP({ gradientPenaltyWeight: 10 });
    const bn = tinyCritic('batch');
    const ln = tinyCritic('layer');
    const real = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 5);
    const fake = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 6);
    const p1 = loss.discriminatorPenalty({ discriminator: bn, real, fake, seed: 1 });
    loss.discriminatorPenalty({ discriminator: bn, real, fake, seed: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/BatchNormalization.*layer normalisation/s);
    const p2 = loss.discriminatorPenalty({ discriminator: ln, real, fake, seed: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(p2.total.dataSync()[0]).toBeCloseTo(10 * p2.terms.gradientPenalty.dataSync()[0], 4);
    warn.mockRestore();
    tf.dispose([real, fake, p1.total, p2.total, ...Object.values(p1.terms), ...Object.values(p2.terms)]);
  });
});

describe("WGANGP's realFakeDistance: the denominator of diagnose's Lipschitz ratio", () => {
  it('is the mean Euclidean distance between paired samples (hand calculation)', () => {
    const real = tf.tensor4d([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], [3, 2, 2, 1]);
    const fake = tf.tensor4d([3, 4, 0, 0, 1, 1, 1, 1, 2, 2, 2, 0], [3, 2, 2, 1]);
    // Pairs: (3, 4, 0, 0) -> 5; identical -> 0; (0, 0, 0, 2) -> 2.
    expect(expectNoLeak(() => pairDistance(real, fake)).dataSync()[0]).toBeCloseTo(7 / 3, 6);
    tf.dispose([real, fake]);
  });

  it('bounds a k-Lipschitz critic: score gap <= k * distance, with equality when every pair differs along its gradient', () => {
    const k = 3;
    const w = tf.tidy(() => tf.randomNormal([8, 1], 0, 1, 'float32', 4).div(tf.randomNormal([8, 1], 0, 1, 'float32', 4).norm()).mul(k));
    const critic = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 4, 1] }), tf.layers.dense({ units: 1, useBias: false })] });
    critic.setWeights([w]);
    const loss = new WGANGP();
    const ratio = (real: tf.Tensor, fake: tf.Tensor): number =>
      tf.tidy(() => {
        const gap = (critic.apply(real) as tf.Tensor).mean().sub((critic.apply(fake) as tf.Tensor).mean()).abs();
        const { total, terms, metrics } = loss.discriminatorPenalty({ discriminator: critic, real, fake, seed: 1 });
        tf.dispose([total, terms.gradientPenalty]);
        return gap.div(metrics!.realFakeDistance).dataSync()[0];
      });
    const real = tf.randomNormal([16, 2, 4, 1], 0, 1, 'float32', 5);
    const fake = tf.randomNormal([16, 2, 4, 1], 0, 1, 'float32', 6);
    const random = ratio(real, fake);
    expect(random).toBeLessThan(k);
    expect(random).toBeGreaterThan(0);
    // fake_i = real_i - c_i * w / |w| with c_i > 0: every gap is exactly k * c_i.
    const along = tf.tidy(() => real.sub(tf.linspace(0.5, 2, 16).reshape([16, 1, 1, 1]).mul(w.div(k).reshape([1, 2, 4, 1]))));
    expect(ratio(real, along)).toBeCloseTo(k, 4);
    tf.dispose([w, real, fake, along]);
    critic.dispose();
  });
});
