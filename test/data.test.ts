import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadMnist, sampleLatent, scaleImages, unscaleImages } from '../src/index.js';
import { expectCode, expectNoLeak, stats } from './helpers.js';

describe('scaleImages / unscaleImages (docs/experiments/hacks.md, A7)', () => {
  it('maps 0 to -1, 255 to 1 and 127.5 to 0, for arrays and tensors', () => {
    expect(Array.from(scaleImages(new Uint8Array([0, 255])))).toEqual([-1, 1]);
    expect(Array.from(scaleImages([127.5]))).toEqual([0]);
    const input = tf.tensor1d([0, 51, 255]);
    const t = expectNoLeak(() => scaleImages(input));
    input.dispose();
    expect(Array.from(t.dataSync())).toEqual([-1, expect.closeTo(-0.6, 6), 1]);
    t.dispose();
  });

  it('unscaleImages inverts scaleImages on every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(unscaleImages(scaleImages(bytes)))).toEqual(Array.from(bytes));
    const t = tf.tensor1d(Array.from(bytes));
    const round = tf.tidy(() => unscaleImages(scaleImages(t)));
    expect(round.dtype).toBe('int32');
    expect(Array.from(round.dataSync())).toEqual(Array.from(bytes));
    tf.dispose([t, round]);
  });

  it('refuses values outside the expected range', () => {
    expectCode(() => scaleImages([0, 256]), 'INVALID_RANGE');
    expectCode(() => scaleImages(new Float32Array([0.5, NaN])), 'NON_FINITE_INPUT');
    const t = tf.tensor1d([-2, 0]);
    expectCode(() => unscaleImages(t), 'INVALID_RANGE');
    t.dispose();
    // data already in [0, 1] is accepted by scaleImages (it is in range) but the message guides otherwise
    expectCode(() => unscaleImages([1.5]), 'INVALID_RANGE');
  });

  it('refuses NaN and infinities (arrays and tensors), empty input, other containers and bad options, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const nan = tf.tensor1d([0, NaN, 3]);
    const inf = tf.tensor1d([0, Infinity]);
    const first = tf.tensor1d([NaN, 0]);
    const empty = tf.zeros([0, 28, 28, 1]);
    const words = tf.tensor(['a']);
    const gone = tf.ones([2]);
    gone.dispose();
    expectCode(() => scaleImages(nan), 'NON_FINITE_INPUT');
    expectCode(() => scaleImages(first), 'NON_FINITE_INPUT');
    expectCode(() => unscaleImages(inf), 'NON_FINITE_INPUT');
    expectCode(() => scaleImages([0, -Infinity]), 'NON_FINITE_INPUT');
    expectCode(() => scaleImages(empty), 'INVALID_SHAPE');
    expectCode(() => unscaleImages([]), 'INVALID_SHAPE');
    expectCode(() => scaleImages(words), 'INVALID_ARGUMENT');
    expectCode(() => scaleImages(gone), 'INVALID_ARGUMENT');
    expectCode(() => scaleImages(null as never), 'INVALID_ARGUMENT');
    expectCode(() => scaleImages('255' as never), 'INVALID_ARGUMENT');
    expectCode(() => scaleImages([0, '1'] as never), 'INVALID_ARGUMENT');
    expectCode(() => scaleImages(new Float64Array([1]) as never), 'INVALID_ARGUMENT');
    expectCode(() => scaleImages([1], { check: 'yes' } as never), 'INVALID_ARGUMENT');
    expectCode(() => unscaleImages([0], 5 as never), 'INVALID_ARGUMENT');
    expect(Array.from(scaleImages([255], null))).toEqual([1]);
    tf.dispose([nan, inf, first, empty, words]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sampleLatent (docs/experiments/hacks.md, A8)', () => {
  it('a 500 x 100 Gaussian sample has mean ~0 and std ~1', () => {
    const z = sampleLatent(500, 100, { seed: 4 });
    expect(z.shape).toEqual([500, 100]);
    const s = stats(z.dataSync());
    // Four standard errors: of the mean 1/sqrt(50000) = 0.0045, of the std 1/sqrt(100000) = 0.0032.
    expect(Math.abs(s.mean)).toBeLessThan(0.018);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.013);
    z.dispose();
  });

  it('uniform latents lie in [-1, 1) with mean ~0 and std ~1/sqrt(3)', () => {
    const z = sampleLatent(500, 20, { distribution: 'uniform', seed: 4 });
    const s = stats(z.dataSync());
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(1);
    expect(Math.abs(s.std - 1 / Math.sqrt(3))).toBeLessThan(0.006);
    z.dispose();
  });

  it('is reproducible with a seed and rejects bad sizes', () => {
    const a = sampleLatent(3, 2, { seed: 9 });
    const b = sampleLatent(3, 2, { seed: 9 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    expectCode(() => sampleLatent(4, 0), 'INVALID_ARGUMENT');
    expectCode(() => sampleLatent(0, 4), 'INVALID_ARGUMENT');
  });

  it('seed 0 is a seed like any other, for both distributions (tfjs reads 0 as "no seed" for normals)', () => {
    for (const distribution of ['gaussian', 'uniform'] as const) {
      const draws = [0, 0, 1].map((seed) => sampleLatent(4, 3, { distribution, seed }));
      const [a, b, c] = draws.map((t) => Array.from(t.dataSync()));
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
      expect(a.every(Number.isFinite)).toBe(true);
      tf.dispose(draws);
    }
    expectCode(() => sampleLatent(4, 4, { distribution: 'cauchy' as never }), 'INVALID_ARGUMENT');
  });

  it('refuses counts above the caps at once (1e9 used to run for minutes), and odd options', () => {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    expectCode(() => sampleLatent(1e9, 3), 'INVALID_RANGE');
    expectCode(() => sampleLatent(1_048_577, 1), 'INVALID_RANGE');
    expectCode(() => sampleLatent(1, 65_537), 'INVALID_RANGE');
    expectCode(() => sampleLatent(1_048_576, 65_536), 'INVALID_RANGE'); // n x dim over 2^27
    expect(performance.now() - t0).toBeLessThan(50);
    expectCode(() => sampleLatent(NaN, 3), 'INVALID_ARGUMENT');
    expectCode(() => sampleLatent(2.5, 3), 'INVALID_ARGUMENT');
    expectCode(() => sampleLatent(3, -1), 'INVALID_ARGUMENT');
    expectCode(() => sampleLatent('3' as never, 3), 'INVALID_ARGUMENT');
    expectCode(() => sampleLatent(3, 3, { seed: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => sampleLatent(3, 3, [] as never), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    const z = sampleLatent(2, 3, null);
    expect(z.shape).toEqual([2, 3]);
    z.dispose();
  });
});

describe('loadMnist', () => {
  it('loads the 944 bundled eights scaled to [-1, 1]', async () => {
    const { images, labels } = await loadMnist({ digits: [8] });
    expect(images.shape).toEqual([944, 28, 28, 1]);
    expect(new Set(labels.dataSync())).toEqual(new Set([8]));
    const s = stats(images.slice(0, 10).dataSync());
    expect(s.min).toBe(-1);
    expect(s.max).toBe(1);
    tf.dispose([images, labels]);
  });

  it('filters digits, limits the count, and returns byte values on request', async () => {
    const { images, labels } = await loadMnist({ digits: [3, 5], limit: 1000, range: 'uint8' });
    expect(images.shape[0]).toBe(1000);
    const l = Array.from(labels.dataSync());
    expect(new Set(l)).toEqual(new Set([3, 5]));
    const v = images.dataSync();
    expect(v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)).toBe(true);
    tf.dispose([images, labels]);
  });

  it('holds 10,000 digits in all', async () => {
    const { images, labels } = await loadMnist({ range: 'unit' });
    expect(images.shape[0]).toBe(10_000);
    tf.dispose([images, labels]);
  });

  it('rejects digits outside 0-9 and a bad limit', async () => {
    await expect(loadMnist({ digits: [10] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist({ digits: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist({ limit: NaN })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist({ digits: [1.5] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist({ digits: '8' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist({ range: 'bytes' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loadMnist(42 as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
