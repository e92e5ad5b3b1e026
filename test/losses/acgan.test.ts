import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ACGAN, HingeGAN, MinimaxGAN, WGANGP } from '../../src/index.js';

const bce = (t: number, p: number): number => -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
const ce = (row: number[], label: number): number => -(row[label] - Math.log(row.reduce((s, v) => s + Math.exp(v), 0)));
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe('ACGAN', () => {
  const real = [0.9, 0.6];
  const fake = [0.2, 0.7, 0.4];
  const realLogits = [
    [2, -1, 0.5],
    [0.1, 0.2, 0.3],
  ];
  const fakeLogits = [
    [-1, 3, 0],
    [0, 0, 0],
    [1.5, -0.5, 2],
  ];
  const realLabels = [0, 2];
  const fakeLabels = [1, 0, 2];
  const t = (v: number[]) => tf.tensor2d(v, [v.length, 1]);

  it('D: source BCE plus weighted class cross-entropy on each half, equal to a hand computation', () => {
    const loss = new ACGAN({ classWeight: 0.5 });
    const out = loss.discriminatorLoss({
      real: t(real),
      fake: t(fake),
      realLabels: tf.tensor1d(realLabels, 'int32'),
      fakeLabels: tf.tensor1d(fakeLabels, 'int32'),
      realClassLogits: tf.tensor2d(realLogits),
      fakeClassLogits: tf.tensor2d(fakeLogits),
    });
    const source = mean(real.map((p) => bce(1, p))) + mean(fake.map((p) => bce(0, p)));
    const classReal = mean(realLogits.map((r, i) => ce(r, realLabels[i])));
    const classFake = mean(fakeLogits.map((r, i) => ce(r, fakeLabels[i])));
    expect(out.total.dataSync()[0]).toBeCloseTo(source + 0.5 * (classReal + classFake), 5);
    expect(out.terms.dClassReal.dataSync()[0]).toBeCloseTo(classReal, 5);
    expect(out.terms.dClassFake.dataSync()[0]).toBeCloseTo(classFake, 5);
    // Accuracy: argmax [2,-1,.5] = 0 (label 0, right), [.1,.2,.3] = 2 (label 2, right); fakes: 1 (right), 0 (tie -> 0, right), 2 (right).
    expect(out.metrics!.dClassAccReal.dataSync()[0]).toBe(1);
    expect(out.metrics!.dClassAccFake.dataSync()[0]).toBe(1);
  });

  it('classifyFakes: false leaves the fakes out of D\'s class term (still logging their accuracy), and only there', () => {
    const loss = new ACGAN({ classWeight: 0.5, classifyFakes: false });
    const halves = () => ({
      realLabels: tf.tensor1d(realLabels, 'int32'),
      fakeLabels: tf.tensor1d(fakeLabels, 'int32'),
      realClassLogits: tf.tensor2d(realLogits),
      fakeClassLogits: tf.tensor2d(fakeLogits),
    });
    const both = loss.discriminatorLoss({ real: t(real), fake: t(fake), ...halves() });
    const source = mean(real.map((p) => bce(1, p))) + mean(fake.map((p) => bce(0, p)));
    const classReal = mean(realLogits.map((r, i) => ce(r, realLabels[i])));
    expect(both.total.dataSync()[0]).toBeCloseTo(source + 0.5 * classReal, 5);
    expect(both.terms.dClassFake).toBeUndefined();
    expect(both.metrics!.dClassAccFake.dataSync()[0]).toBe(1);
    // A fake-only half (separate updates) is the source loss alone.
    const fakeOnly = loss.discriminatorLoss({ fake: t(fake), fakeLabels: tf.tensor1d(fakeLabels, 'int32'), fakeClassLogits: tf.tensor2d(fakeLogits) });
    expect(fakeOnly.total.dataSync()[0]).toBeCloseTo(mean(fake.map((p) => bce(0, p))), 5);
    // No gradient reaches the fakes' class logits; G's loss is unchanged by the option.
    const fakeClassLogits = tf.tensor2d(fakeLogits);
    // (l.sum() × 0 keeps l in the graph, so tf.grad can answer "zero" instead of refusing.)
    const dOf = (l: ACGAN) => tf.grad((x: tf.Tensor) => l.discriminatorLoss({ real: t(real), fake: t(fake), ...halves(), fakeClassLogits: x as tf.Tensor2D }).total.add(x.sum().mul(0)))(fakeClassLogits);
    expect(Array.from(dOf(loss).dataSync())).toEqual(new Array(9).fill(0));
    expect(Array.from(dOf(new ACGAN({ classWeight: 0.5 })).dataSync()).some((v) => v !== 0)).toBe(true);
    const gInput = { fake: t(fake), fakeLabels: tf.tensor1d(fakeLabels, 'int32'), fakeClassLogits: tf.tensor2d(fakeLogits) };
    expect(loss.generatorLoss(gInput).total.dataSync()[0]).toBe(new ACGAN({ classWeight: 0.5 }).generatorLoss(gInput).total.dataSync()[0]);
    expect(() => new ACGAN({ classifyFakes: 'no' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('G: source generator loss plus weighted class cross-entropy of its fakes', () => {
    const loss = new ACGAN({ classWeight: 2 });
    const out = loss.generatorLoss({ fake: t(fake), fakeLabels: tf.tensor1d(fakeLabels, 'int32'), fakeClassLogits: tf.tensor2d(fakeLogits) });
    const expected = mean(fake.map((p) => bce(1, p))) + 2 * mean(fakeLogits.map((r, i) => ce(r, fakeLabels[i])));
    expect(out.total.dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('takes its output convention from the source loss and refuses sources that re-run D', () => {
    expect(new ACGAN().output).toBe('probability');
    expect(new ACGAN({ source: new HingeGAN() }).output).toBe(new HingeGAN().output);
    expect(new ACGAN({ source: new MinimaxGAN({ fromLogits: true }) }).output).toBe('logit');
    expect(() => new ACGAN({ source: new WGANGP() })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new ACGAN({ classWeight: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => new ACGAN().generatorLoss({ fake: t(fake) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
