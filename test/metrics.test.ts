import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  earthMoverDistance,
  jsDivergence,
  kMeans,
  klDivergence,
  loadMnist,
  meanPairwiseDistance,
  medianNearestNeighborDistance,
  nearestNeighborRatio,
  ndb,
  normalCdf,
  sampleDiversity,
  totalVariation,
} from '../src/index.js';
import { expectCode } from './helpers.js';

describe('distances between distributions (EXPERIMENTS.md D)', () => {
  it('reproduce the parallel-lines example: KL = +inf, TV = 1, JS = log 2, EM = |theta|', () => {
    // P on x = 0, Q on x = theta: two point masses on disjoint supports.
    for (const theta of [0.5, -2, 3]) {
      const p = [1, 0];
      const q = [0, 1];
      expect(klDivergence(p, q)).toBe(Infinity);
      expect(totalVariation(p, q)).toBe(1);
      expect(jsDivergence(p, q)).toBeCloseTo(Math.LN2, 12);
      expect(earthMoverDistance([1], [1], { xp: [0], xq: [theta] })).toBeCloseTo(Math.abs(theta), 12);
    }
    // theta = 0: the lines coincide and every distance vanishes.
    expect(klDivergence([1], [1])).toBe(0);
    expect(jsDivergence([1], [1])).toBe(0);
    expect(earthMoverDistance([1], [1], { xp: [0], xq: [0] })).toBe(0);
  });

  it('agree with hand calculations on overlapping distributions', () => {
    const p = [0.5, 0.5, 0];
    const q = [0.25, 0.25, 0.5];
    expect(totalVariation(p, q)).toBeCloseTo(0.5, 12);
    expect(klDivergence(p, q)).toBeCloseTo(Math.log(2), 12);
    const m = [0.375, 0.375, 0.25];
    const kl = (a: number[], b: number[]): number => a.reduce((s, v, i) => (v > 0 ? s + v * Math.log(v / b[i]) : s), 0);
    expect(jsDivergence(p, q)).toBeCloseTo((kl(p, m) + kl(q, m)) / 2, 12);
    // Moving half the mass one step right and a quarter two steps: 0.25 * 1 + 0.25 * 1 ... via CDFs.
    expect(earthMoverDistance(p, q)).toBeCloseTo(0.25 + 0.5, 12);
  });

  it('reject bad distributions', () => {
    expectCode(() => totalVariation([1], [0.5, 0.5]), 'INVALID_SHAPE');
    expectCode(() => jsDivergence([NaN, 1], [0.5, 0.5]), 'NON_FINITE_INPUT');
    expectCode(() => klDivergence([-1, 2], [0.5, 0.5]), 'NON_FINITE_INPUT');
    expectCode(() => klDivergence([0, 0], [0.5, 0.5]), 'INVALID_ARGUMENT');
  });
});

describe('normalCdf', () => {
  it('matches tabulated values of the standard normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
  });
});

describe('kMeans', () => {
  it('finds well-separated clusters and equals a brute-force Lloyd iteration at convergence', () => {
    const centers = [
      [0, 0],
      [10, 0],
      [0, 10],
    ];
    const rows: number[][] = [];
    for (let i = 0; i < 300; i++) {
      const c = centers[i % 3];
      rows.push([c[0] + Math.sin(i * 12.9898) * 0.8, c[1] + Math.cos(i * 78.233) * 0.8]);
    }
    const x = tf.tensor2d(rows);
    const r = kMeans(x, { k: 3, seed: 1 });
    expect(r.converged).toBe(true);
    // Each found centre is the mean of its cluster, and every point is nearest its own centre.
    for (let i = 0; i < rows.length; i++) {
      const d = [0, 1, 2].map((j) => (rows[i][0] - r.centers[j * 2]) ** 2 + (rows[i][1] - r.centers[j * 2 + 1]) ** 2);
      expect(r.labels[i]).toBe(d.indexOf(Math.min(...d)));
    }
    const found = [0, 1, 2].map((j) => [Math.round(r.centers[j * 2]) + 0, Math.round(r.centers[j * 2 + 1]) + 0]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(found).toEqual([
      [0, 0],
      [0, 10],
      [10, 0],
    ]);
    x.dispose();
  });
});

describe('ndb (Richardson & Weiss 2018)', () => {
  it('two disjoint halves of the bundled digits give NDB/K <= 0.1 with 100 bins', async () => {
    const { images } = await loadMnist();
    const order = tf.util.createShuffledIndices(10_000);
    const a = tf.gather(images, tf.tensor1d(Array.from(order.slice(0, 5000)), 'int32'));
    const b = tf.gather(images, tf.tensor1d(Array.from(order.slice(5000)), 'int32'));
    const before = tf.memory().numTensors;
    const r = ndb(a, b, { bins: 100, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.bins).toBe(100);
    expect(r.ndbRatio).toBeLessThanOrEqual(0.1);
    expect(r.jsDivergence).toBeLessThan(0.02);
    expect(r.referenceProportions.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    // Bins are sorted largest first, as in the reference implementation.
    expect(r.referenceProportions[0]).toBeGreaterThanOrEqual(r.referenceProportions[99]);
    tf.dispose([images, a, b]);
  });

  it('1,000 copies of 5 distinct digits against the other half give NDB/K >= 0.5', async () => {
    const { images } = await loadMnist();
    const order = tf.util.createShuffledIndices(10_000);
    const reference = tf.gather(images, tf.tensor1d(Array.from(order.slice(0, 5000)), 'int32'));
    const five = tf.gather(images, tf.tensor1d(Array.from(order.slice(5000, 5005)), 'int32'));
    const collapsed = tf.tile(five, [200, 1, 1, 1]);
    const r = ndb(reference, collapsed, { bins: 100, seed: 2 });
    expect(collapsed.shape[0]).toBe(1000);
    expect(r.ndbRatio).toBeGreaterThanOrEqual(0.5);
    // Reusing the bins gives the same answer without k-means.
    const again = ndb(reference, collapsed, { centroids: r.centroids });
    expect(again.ndb).toBe(r.ndb);
    tf.dispose([images, reference, five, collapsed]);
  });

  it('follows the pooled two-proportion z-test of the reference on a hand-made case', () => {
    // Two clusters; reference 50/50, generated 90/10.
    const ref = tf.tensor2d([...Array(50).fill([0, 0]), ...Array(50).fill([5, 5])]);
    const gen = tf.tensor2d([...Array(90).fill([0, 0]), ...Array(10).fill([5, 5])]);
    const r = ndb(ref, gen, { bins: 2, seed: 1 });
    const p = (0.5 * 100 + 0.9 * 100) / 200;
    const se = Math.sqrt(p * (1 - p) * (2 / 100));
    expect(Math.abs(r.zScores[0])).toBeCloseTo(0.4 / se, 6);
    expect(r.ndb).toBe(2);
    // With a z threshold above |z| nothing is significant.
    expect(ndb(ref, gen, { bins: 2, seed: 1, zThreshold: 10 }).ndb).toBe(0);
    tf.dispose([ref, gen]);
  });

  it('rejects more bins than reference samples, NaN inputs and mismatched dimensions', () => {
    const a = tf.ones([5, 3]);
    const b = tf.ones([5, 3]);
    expectCode(() => ndb(a, b, { bins: 6 }), 'INVALID_ARGUMENT');
    const nan = tf.tensor2d([[NaN, 1, 1]]);
    expectCode(() => ndb(a, tf.concat([b, nan]), { bins: 2 }), 'NON_FINITE_INPUT');
    const c = tf.ones([5, 4]);
    expectCode(() => ndb(a, c, { bins: 2 }), 'INVALID_SHAPE');
    expectCode(() => ndb(a, b, { bins: 2, alpha: 2 }), 'INVALID_RANGE');
    tf.dispose([a, b, nan, c]);
  });
});

describe('sample diversity', () => {
  it('mean pairwise distance matches a direct computation; collapse lowers the ratio', () => {
    const x = tf.tensor2d([
      [0, 0],
      [3, 4],
      [6, 8],
    ]);
    // Distances 5, 10, 5: mean 20/3.
    const before = tf.memory().numTensors;
    expect(meanPairwiseDistance(x)).toBeCloseTo(20 / 3, 4);
    expect(tf.memory().numTensors).toBe(before);
    const collapsed = tf.tensor2d([
      [0, 0],
      [0.3, 0.4],
      [0, 0],
    ]);
    expect(sampleDiversity(collapsed, x)).toBeCloseTo(((0.5 + 0.5 + 0) / 3) / (20 / 3), 4);
    expectCode(() => meanPairwiseDistance(tf.ones([1, 2])), 'INVALID_SHAPE');
    tf.dispose([x, collapsed]);
  });
});

describe('nearest-neighbour ratio', () => {
  it('is the ratio of median nearest-neighbour distances and drops to ~0 for duplicates', () => {
    // Points on a line at 0, 1, 3, 7: nearest-neighbour distances 1, 1, 2, 4 -> median 1.5.
    const real = tf.tensor2d([[0], [1], [3], [7]]);
    expect(medianNearestNeighborDistance(real)).toBeCloseTo(1.5, 5);
    // Two pairs of duplicates: every sample has a twin.
    const dup = tf.tensor2d([[0], [0], [5], [5]]);
    expect(nearestNeighborRatio(dup, real)).toBeLessThan(1e-3);
    const spread = tf.tensor2d([[0], [3], [6], [9]]);
    expect(nearestNeighborRatio(spread, real)).toBeCloseTo(3 / 1.5, 3);
    expectCode(() => nearestNeighborRatio(spread, tf.ones([3, 1])), 'INVALID_SHAPE');
    tf.dispose([real, dup, spread]);
  });
});
