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

/** |actual − expected| within `rel` of max(1, |expected|): float32 tensors against float64 references. */
function expectNear(actual: number, expected: number, rel = 1e-5): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

// D outputs shared by the whole table: probabilities for BCE on probabilities, raw scores otherwise.
// Keep them in sync with INPUTS in bench/loss_reference.py.
const P_REAL = [0.9, 0.6, 0.3];
const P_FAKE = [0.2, 0.7, 0.4];
const P_EXTREME_REAL = [0, 1e-6, 0.999999, 1];
const P_EXTREME_FAKE = [1, 0.999, 1e-3, 0];
const P_PATCH_REAL = [0.1, 0.5, 0.9, 0.99, 0.3, 0.7, 0.05, 0.6];
const P_PATCH_FAKE = [0.8, 0.2, 0.01, 0.5, 0.95, 0.4, 0.6, 0.001];
const X_REAL = [2.0, -0.5, 0.25];
const X_FAKE = [-1.5, 0.75, 1.2];
const X_EXTREME_REAL = [-5, 1.4, 12.5, 2.7];
const X_EXTREME_FAKE = [-12.5, 100, -0.1, 5];
const X_PATCH_REAL = [-3, -1, 0, 0.5, 1, 2, 4, 8];
const X_PATCH_FAKE = [0.3, -0.7, 1.9, -2.2, 5, -6, 0, 0.1];
const PATCH: [number, number, number, number] = [2, 2, 2, 1]; // (N, H, W, 1): a PatchGAN-style D output

interface Row {
  name: string;
  loss: GanLoss;
  real: number[];
  fake: number[];
  shape?: number[];
}

type Golden = Record<string, { real: number; fake: number; g: number }>;

// Printed by `python3 bench/loss_reference.py` (numpy, float64, each loss from its
// paper's formula, independent of this library's code); pasted verbatim.
const GOLDEN: Golden = {
  'MinimaxGAN (probabilities)': { real: 0.6067196302559494, fake: 0.6459806511097016, g: 0.9608011918248548 },
  'MinimaxGAN (probabilities near 0 and 1)': { real: 7.483401833062507, fake: 5.71278847673204, g: 5.756712869353075 },
  'MinimaxGAN (probabilities, patch outputs)': { real: 1.022293586907821, fake: 0.8699535004951734, g: 1.9396329577836133 },
  'MinimaxGAN (saturating G)': { real: 0.6067196302559494, fake: 0.6459806511097016, g: -0.6459806511097016 },
  'MinimaxGAN (saturating G, probabilities near 0 and 1)': { real: 7.483401833062507, fake: 5.71278847673204, g: -5.71278847673204 },
  'NonSaturatingGAN (logits)': { real: 0.5589814717006409, fake: 0.933855596027267, g: 0.7838555801326951 },
  'NonSaturatingGAN (extreme logits)': { real: 1.323045012135972, fake: 26.412778933625273, g: 3.3127789339977993 },
  'NonSaturatingGAN (patch logits)': { real: 0.7484685295854897, fake: 1.2310932789694227, g: 1.4310932847436226 },
  'MinimaxGAN (logits, saturating)': { real: 0.5589814717006409, fake: 0.933855596027267, g: -0.933855596027267 },
  'MinimaxGAN (extreme logits, saturating)': { real: 1.323045012135972, fake: 26.412778933625273, g: -26.412778933625273 },
  'LSGAN': { real: 0.6354166666666666, fake: 0.7087500190734867, g: 1.0587500031789148 },
  'LSGAN (extreme scores)': { real: 21.412500017881392, fake: 1272.6575000000373, g: 1250.0575000004098 },
  'LSGAN (patch scores)': { real: 5.015625, fake: 4.377500006873161, g: 5.077500012647361 },
  'HingeGAN': { real: 0.75, fake: 1.3166666825612385, g: -0.15000001589457193 },
  'HingeGAN (extreme scores)': { real: 1.5, fake: 26.97499999962747, g: -23.09999999962747 },
  'HingeGAN (patch scores)': { real: 0.9375, fake: 1.5750000001862645, g: 0.20000000577419996 },
  'WGAN': { real: -0.5833333333333334, fake: 0.15000001589457193, g: -0.15000001589457193 },
  'WGAN (extreme scores)': { real: -2.9000000059604645, fake: 23.09999999962747, g: -23.09999999962747 },
  'WGAN (patch scores)': { real: -1.4375, fake: -0.20000000577419996, g: 0.20000000577419996 },
  'WGANGP (critic terms)': { real: -0.5833333333333334, fake: 0.15000001589457193, g: -0.15000001589457193 },
  'WGANGP (critic terms, extreme scores)': { real: -2.9000000059604645, fake: 23.09999999962747, g: -23.09999999962747 },
};

// Same script, second block: with TARGETS (smoothed real labels, one flipped fake label, smoothed G labels).
const TARGETS = { realTargets: [0.9, 0.8, 1.1], fakeTargets: [1, 0, 0], targets: [0.9, 1.0, 0.8] };
const GOLDEN_TARGETS: Golden = {
  'MinimaxGAN (probabilities)': { real: 0.7352347372053324, fake: 1.1080787652741815, g: 0.8875603654507763 },
  'MinimaxGAN (saturating G)': { real: 0.7352347372053324, fake: 1.1080787652741815, g: -0.7192214774837802 },
  'NonSaturatingGAN (logits)': { real: 0.5839814875952128, fake: 1.433855596027267, g: 0.8138555666223087 },
  'MinimaxGAN (logits, saturating)': { real: 0.5839814875952128, fake: 1.433855596027267, g: -0.9038556095376533 },
  'LSGAN': { real: 0.6037500206629437, fake: 1.3754166857401533, g: 0.9970833190282189 },
};

const probabilityRows = (name: string, loss: () => GanLoss): Row[] => [
  { name, loss: loss(), real: P_REAL, fake: P_FAKE },
  { name: name.replace(')', ', probabilities near 0 and 1)'), loss: loss(), real: P_EXTREME_REAL, fake: P_EXTREME_FAKE },
];

const TABLE: Row[] = [
  { name: 'MinimaxGAN (probabilities)', loss: new MinimaxGAN(), real: P_REAL, fake: P_FAKE },
  { name: 'MinimaxGAN (probabilities near 0 and 1)', loss: new MinimaxGAN(), real: P_EXTREME_REAL, fake: P_EXTREME_FAKE },
  { name: 'MinimaxGAN (probabilities, patch outputs)', loss: new MinimaxGAN(), real: P_PATCH_REAL, fake: P_PATCH_FAKE, shape: PATCH },
  ...probabilityRows('MinimaxGAN (saturating G)', () => new MinimaxGAN({ saturating: true })),
  { name: 'NonSaturatingGAN (logits)', loss: new NonSaturatingGAN(), real: X_REAL, fake: X_FAKE },
  { name: 'NonSaturatingGAN (extreme logits)', loss: new NonSaturatingGAN(), real: X_EXTREME_REAL, fake: X_EXTREME_FAKE },
  { name: 'NonSaturatingGAN (patch logits)', loss: new NonSaturatingGAN(), real: X_PATCH_REAL, fake: X_PATCH_FAKE, shape: PATCH },
  { name: 'MinimaxGAN (logits, saturating)', loss: new MinimaxGAN({ fromLogits: true, saturating: true }), real: X_REAL, fake: X_FAKE },
  { name: 'MinimaxGAN (extreme logits, saturating)', loss: new MinimaxGAN({ fromLogits: true, saturating: true }), real: X_EXTREME_REAL, fake: X_EXTREME_FAKE },
  ...(['LSGAN', 'HingeGAN', 'WGAN'] as const).flatMap((name): Row[] => {
    const make = (): GanLoss => (name === 'LSGAN' ? new LSGAN() : name === 'HingeGAN' ? new HingeGAN() : new WGAN());
    return [
      { name, loss: make(), real: X_REAL, fake: X_FAKE },
      { name: `${name} (extreme scores)`, loss: make(), real: X_EXTREME_REAL, fake: X_EXTREME_FAKE },
      { name: `${name} (patch scores)`, loss: make(), real: X_PATCH_REAL, fake: X_PATCH_FAKE, shape: PATCH },
    ];
  }),
  { name: 'WGANGP (critic terms)', loss: new WGANGP(), real: X_REAL, fake: X_FAKE },
  { name: 'WGANGP (critic terms, extreme scores)', loss: new WGANGP(), real: X_EXTREME_REAL, fake: X_EXTREME_FAKE },
];

describe('loss contract table', () => {
  it('has one golden row per table row, and every row is in the table', () => {
    expect(TABLE.map((r) => r.name).sort()).toEqual(Object.keys(GOLDEN).sort());
  });

  for (const row of TABLE) {
    it(`${row.name}: discriminator and generator losses match bench/loss_reference.py`, () => {
      const expected = GOLDEN[row.name];
      const shape = row.shape ?? [row.real.length, 1];
      const real = tf.tensor(row.real, shape);
      const fake = tf.tensor(row.fake, shape);
      const d = expectNoLeak(() => row.loss.discriminatorLoss({ real, fake }));
      expectNear(d.terms.real.dataSync()[0], expected.real);
      expectNear(d.terms.fake.dataSync()[0], expected.fake);
      expectNear(d.total.dataSync()[0], expected.real + expected.fake);
      const g = expectNoLeak(() => row.loss.generatorLoss({ fake }));
      expectNear(g.total.dataSync()[0], expected.g);
      // Separate batches: each half alone gives its own term.
      const onlyReal = row.loss.discriminatorLoss({ real });
      expectNear(onlyReal.total.dataSync()[0], expected.real);
      expect(onlyReal.terms.fake).toBeUndefined();
      const onlyFake = row.loss.discriminatorLoss({ fake });
      expectNear(onlyFake.total.dataSync()[0], expected.fake);
      expect(onlyFake.terms.real).toBeUndefined();
      tf.dispose([real, fake, d, g, onlyReal, onlyFake] as never);
    });
  }

  const targetLosses: Record<string, () => GanLoss> = {
    'MinimaxGAN (probabilities)': () => new MinimaxGAN(),
    'MinimaxGAN (saturating G)': () => new MinimaxGAN({ saturating: true }),
    'NonSaturatingGAN (logits)': () => new NonSaturatingGAN(),
    'MinimaxGAN (logits, saturating)': () => new MinimaxGAN({ fromLogits: true, saturating: true }),
    LSGAN: () => new LSGAN(),
  };
  for (const [name, make] of Object.entries(targetLosses)) {
    it(`${name}: smoothed and flipped targets change every term as the formula says (bench/loss_reference.py)`, () => {
      const loss = make();
      expect(loss.usesTargets).toBe(true);
      const logits = loss.output !== 'probability';
      const real = tf.tensor2d(logits ? X_REAL : P_REAL, [3, 1]);
      const fake = tf.tensor2d(logits ? X_FAKE : P_FAKE, [3, 1]);
      const [realTargets, fakeTargets, targets] = [TARGETS.realTargets, TARGETS.fakeTargets, TARGETS.targets].map((t) => tf.tensor2d(t, [3, 1]));
      const d = expectNoLeak(() => loss.discriminatorLoss({ real, fake, realTargets, fakeTargets }));
      const g = expectNoLeak(() => loss.generatorLoss({ fake, targets }));
      const expected = GOLDEN_TARGETS[name];
      expectNear(d.terms.real.dataSync()[0], expected.real);
      expectNear(d.terms.fake.dataSync()[0], expected.fake);
      expectNear(g.total.dataSync()[0], expected.g);
      // And they differ from the default-target values: the targets reached the loss.
      const defaults = GOLDEN[name];
      expect(Math.abs(expected.real - defaults.real)).toBeGreaterThan(0.01);
      expect(Math.abs(expected.fake - defaults.fake)).toBeGreaterThan(0.01);
      expect(Math.abs(expected.g - defaults.g)).toBeGreaterThan(0.01);
      tf.dispose([real, fake, realTargets, fakeTargets, targets, d, g] as never);
    });
  }

  it('losses without targets refuse them instead of ignoring them', () => {
    const out = tf.tensor2d(X_REAL, [3, 1]);
    for (const loss of [new HingeGAN(), new WGAN(), new WGANGP()]) {
      expect(loss.usesTargets).toBe(false);
      expectCode(() => loss.discriminatorLoss({ real: out, realTargets: out }), 'INCOMPATIBLE_OPTIONS');
      expectCode(() => loss.generatorLoss({ fake: out, targets: out }), 'INCOMPATIBLE_OPTIONS');
    }
    out.dispose();
  });

  it('MinimaxGAN fed logits is silently wrong (no device read can tell): output says what D must produce', () => {
    // bench/loss_reference.py, last line: BCE on the logits read as probabilities vs as logits.
    const x = tf.tensor2d(X_EXTREME_REAL, [4, 1]);
    const wrong = new MinimaxGAN().discriminatorLoss({ real: x, fake: x });
    const right = new MinimaxGAN({ fromLogits: true }).discriminatorLoss({ real: x, fake: x });
    expectNear(wrong.total.dataSync()[0], 15.986312888884086);
    expectNear(right.total.dataSync()[0], 5.546090030232408);
    expect(new MinimaxGAN().output).toBe('probability');
    expect(new MinimaxGAN({ fromLogits: true }).output).toBe('logit');
    expect(new NonSaturatingGAN().output).toBe('logit');
    expect(new NonSaturatingGAN({ fromLogits: false }).output).toBe('probability');
    expect(new LSGAN().output).toBe('score');
    expect(new WGAN().output).toBe('score');
    expect(new WGANGP().output).toBe('score');
    tf.dispose([x, wrong, right] as never);
  });

  it('validates inputs on entry and leaks nothing when it throws', () => {
    const ok = tf.tensor2d([0.5, 0.5], [2, 1]);
    const empty = tf.zeros([0, 1]);
    const ints = tf.tensor2d([1, 0], [2, 1], 'int32');
    const other = tf.zeros([2, 3]);
    const dead = tf.ones([2, 1]);
    dead.dispose();
    const before = tf.memory().numTensors;
    for (const loss of [new MinimaxGAN(), new NonSaturatingGAN(), new LSGAN(), new HingeGAN(), new WGAN(), new WGANGP()]) {
      expectCode(() => loss.discriminatorLoss({}), 'INVALID_ARGUMENT');
      expectCode(() => loss.discriminatorLoss(null as never), 'INVALID_ARGUMENT');
      expectCode(() => loss.discriminatorLoss({ real: [0.5] as never }), 'INVALID_ARGUMENT');
      expectCode(() => loss.discriminatorLoss({ real: empty }), 'INVALID_SHAPE');
      expectCode(() => loss.discriminatorLoss({ real: ints }), 'INVALID_ARGUMENT');
      expectCode(() => loss.discriminatorLoss({ real: dead }), 'INVALID_ARGUMENT');
      expectCode(() => loss.discriminatorLoss({ real: tf.scalar(1) }), 'INVALID_SHAPE');
      expectCode(() => loss.discriminatorLoss({ real: ok, fake: other }), 'INVALID_SHAPE');
      expectCode(() => loss.generatorLoss({} as never), 'INVALID_ARGUMENT');
      expectCode(() => loss.generatorLoss({ fake: empty }), 'INVALID_SHAPE');
    }
    expectCode(() => new MinimaxGAN().discriminatorLoss({ real: ok, realTargets: other }), 'INVALID_SHAPE');
    expectCode(() => new MinimaxGAN().discriminatorLoss({ fake: ok, realTargets: ok }), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before + 6); // the six tf.scalar(1) made in the calls above
    tf.dispose([ok, empty, ints, other]);
  });

  it('validates options in the constructor; null options mean the defaults', () => {
    expect(new MinimaxGAN(null).fromLogits).toBe(false);
    expect(new NonSaturatingGAN(null).fromLogits).toBe(true);
    expect(new LSGAN(null).realTarget).toBe(1);
    expect(new WGAN(null).clipValue).toBe(0.01);
    expect(new WGANGP(null).gradientPenaltyWeight).toBe(10);
    expectCode(() => new MinimaxGAN({ fromLogits: 'yes' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new MinimaxGAN({ saturating: 1 as never }), 'INVALID_ARGUMENT');
    expectCode(() => new MinimaxGAN(5 as never), 'INVALID_ARGUMENT');
    expectCode(() => new LSGAN({ realTarget: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new LSGAN({ realTarget: 1e9 }), 'INVALID_RANGE');
    expectCode(() => new WGAN({ clipValue: -1 }), 'INVALID_RANGE');
    expectCode(() => new WGAN({ clipValue: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => new WGANGP({ gradientPenaltyWeight: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new WGANGP({ warnOnBatchNorm: 'no' as never }), 'INVALID_ARGUMENT');
  });

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
    const a = binaryCrossEntropy(targets, logits, { fromLogits: true }).dataSync()[0];
    const b = binaryCrossEntropy(targets, tf.sigmoid(logits)).dataSync()[0];
    expect(a).toBeCloseTo(b, 5);
    expectCode(() => binaryCrossEntropy(tf.ones([2]), tf.ones([3])), 'INVALID_SHAPE');
    expectCode(() => binaryCrossEntropy(targets, logits, { fromLogits: 1 as never }), 'INVALID_ARGUMENT');
  });

  it('binaryCrossEntropy still takes the deprecated boolean, warning once per process', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const logits = tf.tensor1d([-3, 0.4]);
    const targets = tf.tensor1d([1, 0]);
    const a = binaryCrossEntropy(targets, logits, true);
    const b = binaryCrossEntropy(targets, logits, true);
    const c = binaryCrossEntropy(targets, logits, { fromLogits: true });
    expect(a.dataSync()[0]).toBe(c.dataSync()[0]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/deprecated.*\{ fromLogits \}/);
    warn.mockRestore();
    tf.dispose([a, b, c, logits, targets]);
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
