import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { noisyLabels, smoothNegativeLabels, smoothPositiveLabels } from '../src/index.js';
import { expectCode, expectNoLeak, stats } from './helpers.js';

describe('label smoothing (docs/experiments/hacks.md, A10)', () => {
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

  it('keeps a smoothed label within 0.5 of its class: positive bounds in [0.5, 1.5], negative in [-0.5, 0.5]', () => {
    const y = tf.ones([4]);
    // The edges are allowed, one step beyond is refused.
    for (const ok of [{ min: 0.5, max: 1.5 }, { min: 1, max: 1 }]) smoothPositiveLabels(y, ok).dispose();
    for (const ok of [{ min: -0.5, max: 0.5 }, { min: 0, max: 0 }]) smoothNegativeLabels(y, ok).dispose();
    const before = tf.memory().numTensors;
    expectCode(() => smoothPositiveLabels(y, { min: 0.49 }), 'INVALID_RANGE');
    expectCode(() => smoothPositiveLabels(y, { max: 1.51 }), 'INVALID_RANGE');
    expectCode(() => smoothNegativeLabels(y, { max: 0.51 }), 'INVALID_RANGE');
    expectCode(() => smoothNegativeLabels(y, { min: -0.51 }), 'INVALID_RANGE');
    expectCode(() => smoothPositiveLabels(y, { min: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => smoothNegativeLabels(y, { seed: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => smoothPositiveLabels(y, 'loose' as never), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    y.dispose();
  });

  it('null options are the defaults; bad label tensors are refused with a code', () => {
    const y = tf.ones([3]);
    const a = smoothPositiveLabels(y, null);
    const c = smoothNegativeLabels(y, null);
    // Defaults: 1 -> [0.7, 1.2], and 1 + U(0, 0.3) for the negative transform.
    expect(Array.from(a.dataSync()).every((v) => v >= 0.7 && v <= 1.2)).toBe(true);
    expect(Array.from(c.dataSync()).every((v) => v >= 1 && v <= 1.3 + 1e-6)).toBe(true);
    tf.dispose([a, c]);
    const empty = tf.zeros([0, 1]);
    expectCode(() => smoothPositiveLabels(empty), 'INVALID_SHAPE');
    expectCode(() => noisyLabels(empty, { pFlip: 0.5 }), 'INVALID_SHAPE');
    const words = tf.tensor(['a', 'b']);
    expectCode(() => smoothNegativeLabels(words), 'INVALID_ARGUMENT');
    expectCode(() => smoothPositiveLabels(null as never), 'INVALID_ARGUMENT');
    const gone = tf.ones([2]);
    gone.dispose();
    expectCode(() => noisyLabels(gone), 'INVALID_ARGUMENT');
    tf.dispose([y, empty, words]);
  });
});

describe('noisyLabels (docs/experiments/hacks.md, A11)', () => {
  it('flips exactly 50 of 1,000 ones with p = 0.05', () => {
    const y = tf.ones([1000, 1]);
    const out = expectNoLeak(() => noisyLabels(y, { pFlip: 0.05, seed: 1 }));
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
      const v = Array.from(noisyLabels(y, { pFlip: p, seed: n }).dataSync());
      expect(v.filter((x) => x === 1)).toHaveLength(Math.round(p * n));
      y.dispose();
    }
    const soft = tf.fill([10], 0.9);
    const v = Array.from(noisyLabels(soft, { pFlip: 0.2, seed: 1 }).dataSync());
    expect(v.filter((x) => Math.abs(x - 0.1) < 1e-6)).toHaveLength(2);
    soft.dispose();
  });

  it('rejects pFlip outside [0, 1] and shapes other than [n] or [n, 1]', () => {
    const y = tf.ones([4, 1]);
    expectCode(() => noisyLabels(y, { pFlip: 1.5 }), 'INVALID_RANGE');
    expectCode(() => noisyLabels(y, { pFlip: -0.1 }), 'INVALID_RANGE');
    expectCode(() => noisyLabels(y, { pFlip: NaN }), 'INVALID_ARGUMENT');
    const bad = tf.ones([2, 2]);
    expectCode(() => noisyLabels(bad, { pFlip: 0.5 }), 'INVALID_SHAPE');
    tf.dispose([y, bad]);
  });
});

describe('noisyLabels signature', () => {
  it('defaults pFlip to the source\'s 5%: 50 of 1,000 flipped, and null options are the defaults', () => {
    const y = tf.ones([1000]);
    for (const out of [noisyLabels(y, { seed: 3 }), noisyLabels(y, null), noisyLabels(y)]) {
      expect(Array.from(out.dataSync()).filter((v) => v === 0)).toHaveLength(50);
      out.dispose();
    }
    y.dispose();
  });

  it('the old positional form gives the same labels and warns once per process', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const y = tf.ones([20, 1]);
      const now = noisyLabels(y, { pFlip: 0.25, seed: 9 });
      const old1 = noisyLabels(y, 0.25, { seed: 9 });
      const old2 = noisyLabels(y, 0.25, { seed: 9 });
      expect(Array.from(old1.dataSync())).toEqual(Array.from(now.dataSync()));
      expect(Array.from(old2.dataSync())).toEqual(Array.from(now.dataSync()));
      expect(Array.from(now.dataSync()).filter((v) => v === 0)).toHaveLength(5);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/deprecated.*noisyLabels\(y, \{ pFlip, seed \}\)/);
      expectCode(() => noisyLabels(y, 0.25, { pFlip: 0.5 } as never), 'INCOMPATIBLE_OPTIONS');
      expectCode(() => noisyLabels(y, { pFlip: 0.25 } as never, { seed: 1 }), 'INVALID_ARGUMENT');
      expectCode(() => noisyLabels(y, 2), 'INVALID_RANGE');
      tf.dispose([y, now, old1, old2]);
    } finally {
      warn.mockRestore();
    }
  });
});
