import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { noisyLabels, smoothNegativeLabels, smoothPositiveLabels } from '../src/index.js';
import { expectCode, expectNoLeak, stats } from './helpers.js';

describe('label smoothing (EXPERIMENTS.md A10)', () => {
  it('1,000 smoothed real labels lie in [0.7, 1.2] and spread over the interval', () => {
    const y = tf.ones([1000, 1]);
    const s = stats(expectNoLeak(() => smoothPositiveLabels(y, { seed: 1 })).dataSync());
    expect(s.min).toBeGreaterThanOrEqual(0.7);
    expect(s.max).toBeLessThanOrEqual(1.2);
    // Uniform on [0.7, 1.2]: mean 0.95, and the sample reaches near both ends.
    expect(s.mean).toBeCloseTo(0.95, 1);
    expect(s.min).toBeLessThan(0.71);
    expect(s.max).toBeGreaterThan(1.19);
    y.dispose();
  });

  it('applies the source formula y - 0.3 + U * 0.5 to any label value', () => {
    const y = tf.fill([200], 0.5);
    const s = stats(smoothPositiveLabels(y, { seed: 2 }).dataSync());
    expect(s.min).toBeGreaterThanOrEqual(0.2);
    expect(s.max).toBeLessThanOrEqual(0.7);
    y.dispose();
  });

  it('1,000 smoothed fake labels lie in [0, 0.3]; bounds are options', () => {
    const y = tf.zeros([1000]);
    const s = stats(smoothNegativeLabels(y, { seed: 3 }).dataSync());
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThanOrEqual(0.3);
    const s2 = stats(smoothNegativeLabels(y, { min: 0.1, max: 0.2, seed: 3 }).dataSync());
    expect(s2.min).toBeGreaterThanOrEqual(0.1);
    expect(s2.max).toBeLessThanOrEqual(0.2);
    y.dispose();
  });

  it('rejects min > max', () => {
    const y = tf.ones([4]);
    expectCode(() => smoothPositiveLabels(y, { min: 1.2, max: 0.7 }), 'INVALID_RANGE');
    expectCode(() => smoothNegativeLabels(y, { min: 0.5, max: 0.1 }), 'INVALID_RANGE');
    y.dispose();
  });
});

describe('noisyLabels (EXPERIMENTS.md A11)', () => {
  it('flips exactly 50 of 1,000 ones with p = 0.05', () => {
    const y = tf.ones([1000, 1]);
    const out = expectNoLeak(() => noisyLabels(y, 0.05, { seed: 1 }));
    const v = Array.from(out.dataSync());
    expect(v.filter((x) => x === 0)).toHaveLength(50);
    expect(v.filter((x) => x === 1)).toHaveLength(950);
    tf.dispose([y, out]);
  });

  it('flips round(p * n) distinct labels for any p, and soft labels become 1 - y', () => {
    for (const [n, p] of [
      [7, 0.5],
      [10, 0],
      [10, 1],
      [333, 0.123],
    ]) {
      const y = tf.zeros([n]);
      const v = Array.from(noisyLabels(y, p, { seed: n }).dataSync());
      expect(v.filter((x) => x === 1)).toHaveLength(Math.round(p * n));
      y.dispose();
    }
    const soft = tf.fill([10], 0.9);
    const v = Array.from(noisyLabels(soft, 0.2, { seed: 1 }).dataSync());
    expect(v.filter((x) => Math.abs(x - 0.1) < 1e-6)).toHaveLength(2);
    soft.dispose();
  });

  it('rejects pFlip outside [0, 1] and shapes other than [n] or [n, 1]', () => {
    const y = tf.ones([4, 1]);
    expectCode(() => noisyLabels(y, 1.5), 'INVALID_RANGE');
    expectCode(() => noisyLabels(y, -0.1), 'INVALID_RANGE');
    const bad = tf.ones([2, 2]);
    expectCode(() => noisyLabels(bad, 0.5), 'INVALID_SHAPE');
    tf.dispose([y, bad]);
  });
});
