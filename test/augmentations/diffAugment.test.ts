import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  adjustBrightness,
  adjustContrast,
  adjustSaturation,
  cutoutImages,
  diffAugment,
  GanHacksError,
  translateImages,
  Trainer,
  type AugmentationContext,
} from '../../src/index.js';
import { expectCode, expectNoLeak, stats } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

const ctx = (seed: number, extra: Partial<AugmentationContext> = {}): AugmentationContext => ({ batch: 'real', step: 'discriminator', iteration: 0, seed, ...extra });

/** Values of a [n, h, w, c] tensor as nested arrays. */
const arr = (t: tf.Tensor): number[][][][] => t.arraySync() as number[][][][];

/** A 3x3 single-channel image with pixels 1..9, row by row. */
const nine = (): tf.Tensor4D => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
const flat = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe('diffAugment transforms with explicit parameters (hand computations)', () => {
  it('adjustBrightness adds each image its own shift', () => {
    const x = tf.tensor4d([0, 0.5, -1, 1, 0.2, 0.2, 0.2, 0.2], [2, 2, 2, 1]);
    const y = expectNoLeak(() => adjustBrightness(x, { shift: [0.25, -0.5] }));
    const want = [0.25, 0.75, -0.75, 1.25, -0.3, -0.3, -0.3, -0.3];
    flat(y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    tf.dispose([x, y]);
  });

  it('adjustSaturation moves every pixel away from its channel mean, and leaves one channel as it is', () => {
    // Pixel [1, 0, -1]: mean 0, × 0.5 → [0.5, 0, -0.5]; pixel [0.2, 0.4, 0.9]: mean 0.5 → [0.35, 0.45, 0.7].
    const x = tf.tensor4d([1, 0, -1, 0.2, 0.4, 0.9], [1, 1, 2, 3]);
    const y = adjustSaturation(x, { factor: 0.5 });
    const want = [0.5, 0, -0.5, 0.35, 0.45, 0.7];
    flat(y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    const grey = tf.tensor4d([0.3, -0.7], [1, 1, 2, 1]);
    const same = adjustSaturation(grey, { factor: 1.7 });
    flat(same).forEach((v, i) => expect(v).toBeCloseTo([0.3, -0.7][i], 6));
    tf.dispose([x, y, grey, same]);
  });

  it('adjustContrast scales around each image mean over pixels and channels', () => {
    // Image 1: [1, -1, 0.5, 0.5], mean 0.25, × 2 → [1.75, -2.25, 0.75, 0.75]; image 2: [0, 1, 2, 3], mean 1.5, × 0.5 → [0.75, 1.25, 1.75, 2.25].
    const x = tf.tensor4d([1, -1, 0.5, 0.5, 0, 1, 2, 3], [2, 2, 1, 2]);
    const y = adjustContrast(x, { factor: [2, 0.5] });
    const want = [1.75, -2.25, 0.75, 0.75, 0.75, 1.25, 1.75, 2.25];
    flat(y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    tf.dispose([x, y]);
  });

  it('translateImages shifts whole pixels with zero padding, each image its own way', () => {
    const x = nine();
    const right = translateImages(x, { x: 1, y: 0 });
    expect(arr(right)[0].map((r) => r.map((p) => p[0]))).toEqual([
      [0, 1, 2],
      [0, 4, 5],
      [0, 7, 8],
    ]);
    const up = translateImages(x, { x: 0, y: -1 });
    expect(arr(up)[0].map((r) => r.map((p) => p[0]))).toEqual([
      [4, 5, 6],
      [7, 8, 9],
      [0, 0, 0],
    ]);
    const gone = translateImages(x, { x: 5, y: 0 });
    expect(flat(gone)).toEqual(new Array(9).fill(0));
    // Two images, two channels: image 0 down-left by (1, -1), image 1 unmoved.
    const two = tf.tidy(() => tf.concat([nine(), nine().mul(10)], 3).tile([2, 1, 1, 1]) as tf.Tensor4D);
    const moved = translateImages(two, { x: [-1, 0], y: [1, 0] });
    const out = arr(moved);
    expect(out[0].map((r) => r.map((p) => p[0]))).toEqual([
      [0, 0, 0],
      [2, 3, 0],
      [5, 6, 0],
    ]);
    expect(out[0].map((r) => r.map((p) => p[1]))).toEqual([
      [0, 0, 0],
      [20, 30, 0],
      [50, 60, 0],
    ]);
    expect(out[1]).toEqual(arr(two)[1]);
    tf.dispose([x, right, up, gone, two, moved]);
  });

  it('cutoutImages zeroes the rectangle clipped to the image, in every channel', () => {
    const x = tf.ones([2, 4, 4, 2]) as tf.Tensor4D;
    const y = cutoutImages(x, { top: [1, -1], left: [2, -1], height: 2, width: 2 });
    const out = arr(y);
    const zeros = (b: number) => out[b].flatMap((r, i) => r.flatMap((p, j) => (p[0] === 0 ? [[i, j]] : [])));
    expect(zeros(0)).toEqual([[1, 2], [1, 3], [2, 2], [2, 3]]);
    expect(zeros(1)).toEqual([[0, 0]]);
    out.forEach((img) => img.forEach((r) => r.forEach((p) => expect(p[1]).toBe(p[0]))));
    tf.dispose([x, y]);
  });

  it('gradients: translation passes the shifted-back gradient, cutout the mask', () => {
    const x = tf.randomNormal([2, 4, 5, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([2, 4, 5, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    // The adjoint of a zero-padded shift by (x, y) is the zero-padded shift by (−x, −y).
    const g = tf.grad((v: tf.Tensor) => translateImages(v as tf.Tensor4D, { x: [2, -1], y: [1, 0] }).mul(w).sum())(x);
    const back = translateImages(w, { x: [-2, 1], y: [-1, 0] });
    expect(flat(g)).toEqual(flat(back));
    const gc = tf.grad((v: tf.Tensor) => cutoutImages(v as tf.Tensor4D, { top: 1, left: 1, height: 2, width: 3 }).sum())(x);
    const mask = cutoutImages(tf.onesLike(x) as tf.Tensor4D, { top: 1, left: 1, height: 2, width: 3 });
    expect(flat(gc)).toEqual(flat(mask));
    tf.dispose([x, w, g, back, gc, mask]);
  });

  it('refuses bad images and parameters', () => {
    const x = tf.ones([2, 3, 3, 1]) as tf.Tensor4D;
    const rank3 = tf.ones([3, 3, 1]);
    expectCode(() => adjustBrightness(rank3 as never, { shift: 0 }), 'INVALID_SHAPE');
    expectCode(() => adjustBrightness(x, { shift: [1, 2, 3] }), 'INVALID_SHAPE');
    expectCode(() => adjustBrightness(x, { shift: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => adjustBrightness(x, null as never), 'INVALID_ARGUMENT');
    expectCode(() => adjustContrast(x, { factor: 'high' as never }), 'INVALID_ARGUMENT');
    expectCode(() => translateImages(x, { x: 0.5, y: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => cutoutImages(x, { top: 0, left: 0, height: 0, width: 2 }), 'INVALID_ARGUMENT');
    const ints = tf.ones([1, 2, 2, 1], 'int32');
    expectCode(() => adjustSaturation(ints as tf.Tensor4D, { factor: 1 }), 'INVALID_ARGUMENT');
    tf.dispose([x, rank3, ints]);
  });
});

describe('diffAugment', () => {
  it('is the identity, the very tensor, with an empty policy', () => {
    const x = tf.randomNormal([2, 4, 4, 3]);
    const before = tf.memory().numTensors;
    for (const policy of ['', '  ']) {
      const a = diffAugment({ policy });
      expect(a.transforms).toEqual([]);
      expect(a.apply(x, ctx(1))).toBe(x);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('draws from the seed: same seed same batch, another seed another, and leaks nothing', () => {
    const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3);
    const a = diffAugment();
    const y1 = expectNoLeak(() => a.apply(x, ctx(7)));
    const y2 = a.apply(x, ctx(7));
    const y3 = a.apply(x, ctx(8));
    expect(flat(y2)).toEqual(flat(y1));
    expect(flat(y3)).not.toEqual(flat(y1));
    expect(y1.shape).toEqual(x.shape);
    tf.dispose([x, y1, y2, y3]);
  });

  it("'translation' moves each image by up to 1/8 of the side, the shifts uniform", () => {
    // 8x8: int(8/8 + 0.5) = 1, so shifts in {-1, 0, 1} on each axis. One bright pixel at (4, 4) shows the shift.
    const n = 600;
    const x = tf.tidy(() => tf.oneHot(tf.fill([n], 4 * 8 + 4, 'int32'), 64).reshape([n, 8, 8, 1]).toFloat());
    const y = diffAugment({ policy: 'translation' }).apply(x, ctx(5));
    const v = y.dataSync();
    const counts = new Map<string, number>();
    for (let b = 0; b < n; b++) {
      const at = Array.from(v.slice(b * 64, (b + 1) * 64)).indexOf(1);
      const key = `${Math.floor(at / 8) - 4},${(at % 8) - 4}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['-1,-1', '-1,0', '-1,1', '0,-1', '0,0', '0,1', '1,-1', '1,0', '1,1']);
    const sd = Math.sqrt(n * (1 / 9) * (8 / 9));
    for (const c of counts.values()) expect(Math.abs(c - n / 9)).toBeLessThan(4 * sd);
    tf.dispose([x, y]);
  });

  it("'cutout' zeroes a square of half the side at a uniform place, clipped to the image", () => {
    // 8x8: a 4x4 square whose top row is uniform in [-2, 6] (centre in [0, 8]), so it lies whole inside with chance (5/9)².
    const n = 600;
    const x = tf.ones([n, 8, 8, 1]);
    const y = diffAugment({ policy: 'cutout' }).apply(x, ctx(6));
    const v = y.dataSync();
    let whole = 0;
    for (let b = 0; b < n; b++) {
      const zeros = Array.from(v.slice(b * 64, (b + 1) * 64)).flatMap((p, k) => (p === 0 ? [k] : []));
      const rows = [...new Set(zeros.map((k) => Math.floor(k / 8)))];
      const cols = [...new Set(zeros.map((k) => k % 8))];
      // A full rectangle of 2-4 rows and columns, touching the border unless it is whole.
      expect(zeros.length).toBe(rows.length * cols.length);
      for (const side of [rows, cols]) {
        expect(side.length).toBeGreaterThanOrEqual(2);
        expect(side.length).toBeLessThanOrEqual(4);
        expect(Math.max(...side) - Math.min(...side)).toBe(side.length - 1);
        if (side.length < 4) expect(Math.min(...side) === 0 || Math.max(...side) === 7).toBe(true);
      }
      if (zeros.length === 16) whole += 1;
    }
    const p = (5 / 9) ** 2;
    expect(Math.abs(whole - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    tf.dispose([x, y]);
  });

  it("'color' on flat grey images is a brightness shift uniform in [-0.5, 0.5]", () => {
    // Saturation is the identity on one channel, contrast on a constant image: only brightness is left.
    const n = 2000;
    const x = tf.fill([n, 2, 2, 1], 0.1);
    const y = diffAugment({ policy: 'color' }).apply(x, ctx(9));
    const v = y.dataSync();
    const shifts = Array.from({ length: n }, (_, b) => v[b * 4] - 0.1);
    for (let b = 0; b < n; b++) for (let k = 1; k < 4; k++) expect(v[b * 4 + k]).toBeCloseTo(v[b * 4], 5);
    const s = stats(shifts);
    expect(s.min).toBeGreaterThanOrEqual(-0.5 - 1e-6);
    expect(s.max).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    // Variance of U(-0.5, 0.5): 1/12; its sample sd is about √(1/180 / n) (fourth moment 1/80).
    expect(Math.abs(s.std ** 2 - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / n));
    tf.dispose([x, y]);
  });

  it('passes gradients to G: every generator weight gets a finite, nonzero gradient through D(diffAugment(G(z)))', () => {
    const g = tinyGenerator(1);
    const d = tinyDiscriminator(2);
    const z = tf.randomNormal([16, 3], 0, 1, 'float32', 4);
    const augment = diffAugment();
    const { value, grads } = tf.variableGrads(
      () => (d.apply(augment.apply(g.apply(z) as tf.Tensor, ctx(11, { batch: 'fake', step: 'generator' }))) as tf.Tensor).sum() as tf.Scalar,
      g.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    expect(Object.keys(grads)).toHaveLength(g.trainableWeights.length);
    for (const grad of Object.values(grads)) {
      const v = flat(grad);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v.some((e) => e !== 0)).toBe(true);
    }
    tf.dispose([value, z, ...Object.values(grads)]);
    g.dispose();
    d.dispose();
  });

  it('refuses unknown transforms naming the valid ones, and batches that are not images', () => {
    let caught: unknown;
    try {
      diffAugment({ policy: 'color,flip' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GanHacksError);
    expect((caught as GanHacksError).code).toBe('INVALID_ARGUMENT');
    for (const word of ['"flip"', "'color'", "'translation'", "'cutout'"]) expect((caught as Error).message).toContain(word);
    expectCode(() => diffAugment({ policy: 'color,,cutout' }), 'INVALID_ARGUMENT');
    expectCode(() => diffAugment({ policy: 42 as never }), 'INVALID_ARGUMENT');
    expectCode(() => diffAugment('color' as never), 'INVALID_ARGUMENT');
    expect(diffAugment(null).transforms).toEqual(['color', 'translation', 'cutout']);
    expect(diffAugment({ policy: ' cutout , color' }).transforms).toEqual(['cutout', 'color']);
    const flatBatch = tf.ones([4, 16]);
    expectCode(() => diffAugment().apply(flatBatch, ctx(1)), 'INVALID_SHAPE');
    expectCode(() => diffAugment().apply(flatBatch, { ...ctx(1), step: 'd' as never }), 'INVALID_SHAPE');
    flatBatch.dispose();
  });

  it('in a Trainer: changes the run, repeats with the seed, leaks nothing', async () => {
    const data = tinyData();
    // Every augmentation draws a seed from the run's stream: the empty policy is compared with a pass-through one.
    const make = (policy?: string) =>
      new Trainer({ generator: tinyGenerator(1), discriminator: tinyDiscriminator(2), latentDim: 3, seed: 5, augmentations: [policy === undefined ? { name: 'none', apply: (x: tf.Tensor) => x } : diffAugment({ policy })] });
    const [plain, a, b, empty] = [make(), make('color,translation,cutout'), make('color,translation,cutout'), make('')];
    const hp = await plain.fit(data, { batchSize: 8, iterations: 3 });
    const ha = await a.fit(data, { batchSize: 8, iterations: 3 });
    const hb = await b.fit(data, { batchSize: 8, iterations: 3 });
    const he = await empty.fit(data, { batchSize: 8, iterations: 3 });
    expect(ha.records[0].dLossReal).not.toBe(hp.records[0].dLossReal);
    expect(hb.records.map((r) => r.gLoss)).toEqual(ha.records.map((r) => r.gLoss));
    expect(he.records.map((r) => r.gLoss)).toEqual(hp.records.map((r) => r.gLoss));
    const before = tf.memory().numTensors;
    await a.fit(data, { batchSize: 8, iterations: 15 });
    expect(tf.memory().numTensors).toBe(before);
    [plain, a, b, empty].forEach((t) => t.dispose());
    data.dispose();
  });
});
