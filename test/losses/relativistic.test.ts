import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BCE_BANDS, RelativisticGAN, Trainer, diagnose } from '../../src/index.js';
import { expectCode, expectNoLeak } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

// Plain-JS references in float64.
const softplus = (x: number): number => Math.log1p(Math.exp(x));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
/** BCE of logit l against target t: −t·log σ(l) − (1 − t)·log(1 − σ(l)) = softplus(−l) for 1, softplus(l) for 0. */
const bce = (l: number, t: 0 | 1): number => (t === 1 ? softplus(-l) : softplus(l));

function handD(r: number[], f: number[]): { real: number; fake: number } {
  const [mr, mf] = [mean(r), mean(f)];
  return { real: mean(r.map((x) => bce(x - mf, 1))), fake: mean(f.map((x) => bce(x - mr, 0))) };
}
function handG(r: number[], f: number[]): number {
  const [mr, mf] = [mean(r), mean(f)];
  return mean(f.map((x) => bce(x - mr, 1))) + mean(r.map((x) => bce(x - mf, 0)));
}

const R = [2.0, -0.5, 0.25];
const F = [-1.5, 0.75, 1.2, 3.1];
const col = (v: number[]): tf.Tensor2D => tf.tensor2d(v, [v.length, 1]);
const near = (a: number, b: number): void => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(b)));

describe('RelativisticGAN: values', () => {
  it('D and G losses equal a hand computation, with batches of different sizes', () => {
    const loss = new RelativisticGAN();
    const [real, fake] = [col(R), col(F)];
    const d = expectNoLeak(() => loss.discriminatorLoss({ real, fake }));
    const g = expectNoLeak(() => loss.generatorLoss({ real, fake }));
    const h = handD(R, F);
    near(d.terms.real.dataSync()[0], h.real);
    near(d.terms.fake.dataSync()[0], h.fake);
    near(d.total.dataSync()[0], h.real + h.fake);
    near(g.total.dataSync()[0], handG(R, F));
    expect(Object.keys(d.terms).sort()).toEqual(['fake', 'real']);
    expect(g.terms).toEqual({});
    // Not BCE on the raw outputs: the relative logits change the value.
    expect(Math.abs(h.real - mean(R.map((x) => bce(x, 1))))).toBeGreaterThan(0.05);
    tf.dispose([real, fake, d.total, d.terms.real, d.terms.fake, g.total]);
  });

  it('takes the means over the whole batch of a patch output, and is 2·log 2 for G, log 2 per D half at balance', () => {
    const loss = new RelativisticGAN();
    const r = [-3, -1, 0, 0.5, 1, 2, 4, 8];
    const f = [0.3, -0.7, 1.9, -2.2, 5, -6, 0, 0.1];
    const [real, fake] = [tf.tensor4d(r, [2, 2, 2, 1]), tf.tensor4d(f, [2, 2, 2, 1])];
    const d = loss.discriminatorLoss({ real, fake });
    near(d.terms.real.dataSync()[0], handD(r, f).real);
    near(loss.generatorLoss({ real, fake }).total.dataSync()[0], handG(r, f));
    const same = tf.fill([4, 1], 0.7);
    const balanced = loss.discriminatorLoss({ real: same, fake: same });
    near(balanced.terms.real.dataSync()[0], Math.LN2);
    near(balanced.terms.fake.dataSync()[0], Math.LN2);
    near(loss.generatorLoss({ real: same, fake: same }).total.dataSync()[0], 2 * Math.LN2);
    tf.dispose([real, fake, same, d.total, ...Object.values(d.terms), balanced.total, ...Object.values(balanced.terms)]);
  });

  it('reads only differences of outputs: adding a constant to every output changes nothing', () => {
    const loss = new RelativisticGAN();
    const [real, fake] = [col(R), col(F)];
    const [real2, fake2] = [real.add(5), fake.add(5)];
    near(loss.discriminatorLoss({ real: real2, fake: fake2 }).total.dataSync()[0], handD(R, F).real + handD(R, F).fake);
    near(loss.generatorLoss({ real: real2, fake: fake2 }).total.dataSync()[0], handG(R, F));
    tf.dispose([real, fake, real2, fake2]);
  });

  it("has finite gradients equal to the hand derivative, through each half's mean", () => {
    const loss = new RelativisticGAN();
    const [real, fake] = [col(R), col(F)];
    const [gr, gf] = tf.grads((r: tf.Tensor, f: tf.Tensor) => loss.generatorLoss({ real: r, fake: f }).total)([real, fake]);
    // dL_G/df_j = −(1/m)·[σ(mean r − f_j) + mean_i σ(r_i − mean f)]; dL_G/dr_i = (1/n)·[mean_j σ(mean r − f_j) + σ(r_i − mean f)].
    const [mr, mf, n, m] = [mean(R), mean(F), R.length, F.length];
    const a = mean(F.map((f) => sigmoid(mr - f)));
    const b = mean(R.map((r) => sigmoid(r - mf)));
    const expectF = F.map((f) => -(sigmoid(mr - f) + b) / m);
    const expectR = R.map((r) => (a + sigmoid(r - mf)) / n);
    Array.from(gf.dataSync()).forEach((v, j) => near(v, expectF[j]));
    Array.from(gr.dataSync()).forEach((v, i) => near(v, expectR[i]));
    const [dr, df] = tf.grads((r: tf.Tensor, f: tf.Tensor) => loss.discriminatorLoss({ real: r, fake: f }).total)([real, fake]);
    expect([...dr.dataSync(), ...df.dataSync()].every(Number.isFinite)).toBe(true);
    // D's loss pushes reals up and fakes down.
    expect(Array.from(dr.dataSync()).every((v) => v < 0) && Array.from(df.dataSync()).every((v) => v > 0)).toBe(true);
    tf.dispose([real, fake, gr, gf, dr, df]);
  });

  it("declares BCE's D bands and twice BCE's G bands", () => {
    const bands = new RelativisticGAN().diagnosisBands;
    expect(bands.stableDiscriminatorLoss).toEqual([0.25, 1.2]);
    expect(bands.stableGeneratorLoss).toEqual([0.6, 6]);
    expect([bands.collapsedLoss, bands.risingLevel, bands.risingSlopePer100]).toEqual([BCE_BANDS.collapsedLoss, 6, 1]);
    // Balance (log 2 per D half, 2·log 2 for G) sits inside them.
    expect(Math.LN2).toBeGreaterThan(bands.stableDiscriminatorLoss[0]);
    expect(2 * Math.LN2).toBeGreaterThan(bands.stableGeneratorLoss[0]);
  });
});

describe('RelativisticGAN: validation', () => {
  it('refuses a missing half, targets, and mismatched or bad outputs on entry, leaking nothing', () => {
    const loss = new RelativisticGAN();
    const [real, fake] = [col(R), col(F)];
    const wide = tf.zeros([3, 2]);
    const empty = tf.zeros([0, 1]);
    const ints = tf.zeros([3, 1], 'int32');
    const before = tf.memory().numTensors;
    expectCode(() => loss.discriminatorLoss({ real }), 'INVALID_ARGUMENT');
    expectCode(() => loss.discriminatorLoss({ fake }), 'INVALID_ARGUMENT');
    expect(() => loss.discriminatorLoss({ real })).toThrow(/pass fake too.*combined/);
    expectCode(() => loss.generatorLoss({ fake }), 'INVALID_ARGUMENT');
    expect(() => loss.generatorLoss({ fake })).toThrow(/pass real too/);
    expectCode(() => loss.discriminatorLoss({ real, fake, realTargets: real }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => loss.generatorLoss({ real, fake, targets: fake }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => loss.discriminatorLoss({ real: wide, fake }), 'INVALID_SHAPE');
    expectCode(() => loss.generatorLoss({ real: wide, fake }), 'INVALID_SHAPE');
    expectCode(() => loss.generatorLoss({ real: empty, fake }), 'INVALID_SHAPE');
    expectCode(() => loss.generatorLoss({ real: ints, fake }), 'INVALID_ARGUMENT');
    expectCode(() => loss.discriminatorLoss(null as never), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, fake, wide, empty, ints]);
  });
});

describe('RelativisticGAN in the Trainer', () => {
  const options = (d: tf.LayersModel, extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}) => ({
    generator: tinyGenerator(1),
    discriminator: d,
    loss: new RelativisticGAN(),
    latentDim: 3,
    seed: 6,
    ...extra,
  });

  it('refuses a sigmoid D, separate D steps and label smoothing', () => {
    const g = tinyGenerator(1);
    const sigmoidD = tinyDiscriminator(2, { output: 'sigmoid' });
    const linearD = tinyDiscriminator(2, { output: 'linear' });
    expectCode(() => new Trainer({ ...options(sigmoidD), generator: g }), 'INCOMPATIBLE_OPTIONS');
    expect(() => new Trainer({ ...options(sigmoidD), generator: g })).toThrow(/relativistic loss expects logits/);
    expectCode(() => new Trainer({ ...options(linearD, { discriminatorStep: 'separate' }), generator: g }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => new Trainer({ ...options(linearD, { labels: { smoothPositive: true } }), generator: g }), 'INCOMPATIBLE_OPTIONS');
    [g, sigmoidD, linearD].forEach((m) => m.dispose());
  });

  it('trains with a linear D: D sees both halves, G gets D on real samples, finite losses, no tensor leaked', async () => {
    const data = tinyData();
    const d = tinyDiscriminator(2, { output: 'linear' });
    const loss = new RelativisticGAN();
    // Record what G's loss receives: the Trainer must pass D's outputs on the half-batch of reals.
    const seen: [number, number][] = [];
    const generatorLoss = loss.generatorLoss.bind(loss);
    loss.generatorLoss = (input) => (seen.push([input.real?.shape[0] ?? -1, input.fake.shape[0]]), generatorLoss(input));
    const t = new Trainer(options(d, { loss }));
    expect(t.discriminatorStep).toBe('combined');
    await t.fit(data, { batchSize: 8, iterations: 2 });
    expect(seen).toEqual([
      [4, 8],
      [4, 8],
    ]);
    const before = tf.memory().numTensors;
    const history = await t.fit(data, { batchSize: 8, iterations: 6 });
    expect(tf.memory().numTensors).toBe(before);
    for (const r of history.records) {
      for (const v of [r.dLossReal, r.dLossFake, r.gLoss]) expect(Number.isFinite(v)).toBe(true);
      // Near balance early on: each D half close to log 2, G close to 2·log 2.
      expect(Math.abs(r.dLossReal - Math.LN2)).toBeLessThan(0.3);
      expect(Math.abs(r.gLoss - 2 * Math.LN2)).toBeLessThan(0.6);
    }
    expect(() => diagnose(history, { loss })).not.toThrow();
    t.dispose();
    t.generator.dispose();
    d.dispose();
    data.dispose();
  });
});
