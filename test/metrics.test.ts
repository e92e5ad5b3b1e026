import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import {
  discriminatorAccuracy,
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

describe("distances between distributions (the WGAN paper's parallel-lines example, Arjovsky et al. 2017)", () => {
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
    expectCode(() => jsDivergence([Infinity, 1], [0.5, 0.5]), 'NON_FINITE_INPUT');
    expectCode(() => klDivergence([-1, 2], [0.5, 0.5]), 'INVALID_RANGE');
    expectCode(() => klDivergence([0, 0], [0.5, 0.5]), 'INVALID_ARGUMENT');
    expectCode(() => totalVariation(null as never, [1]), 'INVALID_ARGUMENT');
    expectCode(() => totalVariation('ab' as never, [1, 1]), 'INVALID_ARGUMENT');
    expectCode(() => totalVariation(['1', 2] as never, [1, 1]), 'INVALID_ARGUMENT');
    expectCode(() => totalVariation([], []), 'INVALID_SHAPE');
    expectCode(() => earthMoverDistance([1], [1], { xp: [0], xq: [NaN] }), 'NON_FINITE_INPUT');
    expectCode(() => earthMoverDistance([1], [1], { xp: [-1e308], xq: [1e308] }), 'INVALID_RANGE');
    expectCode(() => earthMoverDistance([1], [1], 'xp' as never), 'INVALID_ARGUMENT');
    expect(earthMoverDistance([1, 0], [0, 1], null)).toBe(1);
  });

  it('normalise huge weights without overflowing (a sum of 1e308s is Infinity)', () => {
    expect(totalVariation([1e308, 1e308], [1, 1])).toBe(0);
    expect(jsDivergence([1e308, 0], [0, 1e-300])).toBeCloseTo(Math.LN2, 12);
    expect(klDivergence(new Float32Array([3, 1]), [0.75, 0.25])).toBe(0);
  });
});

describe('normalCdf', () => {
  it('matches tabulated values of the standard normal CDF', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expectCode(() => normalCdf(NaN), 'NON_FINITE_INPUT');
    expectCode(() => normalCdf('1' as never), 'INVALID_ARGUMENT');
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
    const before = tf.memory().numTensors;
    const r = kMeans(x, { k: 3, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.converged).toBe(true);
    expect(r.centroids).toHaveLength(3);
    expect(r.assignments).toHaveLength(300);
    // Each found centre is the mean of its cluster, and every point is nearest its own centre.
    for (let j = 0; j < 3; j++) {
      const members = rows.filter((_, i) => r.assignments[i] === j);
      const meanX = members.reduce((s, m) => s + m[0], 0) / members.length;
      expect(r.centroids[j][0]).toBeCloseTo(meanX, 4);
    }
    for (let i = 0; i < rows.length; i++) {
      const d = r.centroids.map((c) => (rows[i][0] - c[0]) ** 2 + (rows[i][1] - c[1]) ** 2);
      expect(r.assignments[i]).toBe(d.indexOf(Math.min(...d)));
    }
    const found = r.centroids.map((c) => [Math.round(c[0]) + 0, Math.round(c[1]) + 0]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(found).toEqual([
      [0, 0],
      [0, 10],
      [10, 0],
    ]);
    x.dispose();
  });

  it('keeps the deprecated flat centers / labels for one minor version, warning once each', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const x = tf.tensor2d([[0, 0], [0, 1], [9, 9], [9, 8]]);
    const r = kMeans(x, { k: 2, seed: 3 });
    expect(Object.keys(r).sort()).toEqual(['assignments', 'centroids', 'converged', 'iterations']);
    expect(Array.from(r.centers)).toEqual(r.centroids.flat());
    expect(Array.from(r.labels)).toEqual(r.assignments);
    void r.centers;
    void r.labels;
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
    x.dispose();
  });

  it('validates k, maxIterations and the samples before any work; a huge k is refused at once', () => {
    const x = tf.tensor2d([[0, 0], [1, 1], [2, 2]]);
    const before = tf.memory().numTensors;
    const t0 = Date.now();
    expectCode(() => kMeans(x, { k: 1e9 }), 'INVALID_RANGE');
    expect(Date.now() - t0).toBeLessThan(500);
    expectCode(() => kMeans(x, { k: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => kMeans(x, { k: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => kMeans(x, { k: 4 }), 'INVALID_RANGE');
    expectCode(() => kMeans(x, null as never), 'INVALID_ARGUMENT'); // null options: defaults, and k has none
    expectCode(() => kMeans(x, { k: 2, maxIterations: 1e9 }), 'INVALID_RANGE');
    expectCode(() => kMeans(x, { k: 2, seed: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => kMeans(tf.ones([3]) as never, { k: 1 }), 'INVALID_SHAPE');
    expectCode(() => kMeans(tf.zeros([0, 2]) as tf.Tensor2D, { k: 1 }), 'INVALID_SHAPE');
    expectCode(() => kMeans(tf.zeros([2, 0]) as tf.Tensor2D, { k: 1 }), 'INVALID_SHAPE');
    expectCode(() => kMeans(tf.tensor2d([[NaN, 0], [1, 1]]), { k: 1 }), 'NON_FINITE_INPUT');
    expectCode(() => kMeans([[0, 0]] as never, { k: 1 }), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before + 4); // the four inputs made in the calls above
    // Identical points: k-means++ still places k centres and every point is assigned.
    const same = tf.ones([4, 2]) as tf.Tensor2D;
    expect(kMeans(same, { k: 3, seed: 1 }).assignments).toHaveLength(4);
    tf.dispose([x, same]);
  });
});

describe('discriminatorAccuracy', () => {
  it('reads probabilities at 0.5 and logits at 0; refuses NaN in the one read it makes', () => {
    const p = tf.tensor2d([[0.9], [0.2], [0.6], [0.5]]);
    expect(discriminatorAccuracy(p, { kind: 'real' })).toBe(0.5);
    expect(discriminatorAccuracy(p, { kind: 'fake' })).toBe(0.5);
    const x = tf.tensor1d([-1, 2, 3, 0]);
    expect(discriminatorAccuracy(x, { kind: 'real', output: 'logit' })).toBe(0.5);
    expect(discriminatorAccuracy(x, { kind: 'fake', output: 'logit' })).toBe(0.5);
    const nan = tf.tensor1d([0.5, NaN]);
    expectCode(() => discriminatorAccuracy(nan, { kind: 'real' }), 'NON_FINITE_INPUT');
    expectCode(() => discriminatorAccuracy(p, { kind: 'both' as never }), 'INVALID_ARGUMENT');
    expectCode(() => discriminatorAccuracy(p, { kind: 'real', output: 'score' as never }), 'INVALID_ARGUMENT');
    expectCode(() => discriminatorAccuracy(p, null as never), 'INVALID_ARGUMENT');
    expectCode(() => discriminatorAccuracy(tf.zeros([0]), { kind: 'real' }), 'INVALID_SHAPE');
    tf.dispose([p, x, nan]);
  });

  it('still takes the deprecated positional (output, kind, as), warning once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const x = tf.tensor1d([-1, 2, 3, 0]);
    expect(discriminatorAccuracy(x, 'real', 'logit')).toBe(0.5);
    expect(discriminatorAccuracy(x, 'fake')).toBe(0.5); // probabilities: -1 and 0 are <= 0.5
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
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
    expectCode(() => ndb(a, b, { bins: 6 }), 'INVALID_RANGE');
    const nan = tf.tensor2d([[NaN, 1, 1]]);
    expectCode(() => ndb(a, tf.concat([b, nan]), { bins: 2 }), 'NON_FINITE_INPUT');
    const c = tf.ones([5, 4]);
    expectCode(() => ndb(a, c, { bins: 2 }), 'INVALID_SHAPE');
    expectCode(() => ndb(a, b, { bins: 2, alpha: 2 }), 'INVALID_RANGE');
    expectCode(() => ndb(a, b, { bins: 2, alpha: 0 }), 'INVALID_RANGE');
    expectCode(() => ndb(a, b, { bins: 2, alpha: 1 }), 'INVALID_RANGE');
    expectCode(() => ndb(a, b, { bins: 2, zThreshold: -1 }), 'INVALID_RANGE');
    expectCode(() => ndb(a, b, { bins: 1e9 }), 'INVALID_RANGE');
    expectCode(() => ndb(a, b, { bins: 2, maxIterations: 1e9 }), 'INVALID_RANGE');
    expectCode(() => ndb(a, b, { bins: 2, whitening: 'yes' as never }), 'INVALID_ARGUMENT');
    expectCode(() => ndb(a, b, 3 as never), 'INVALID_ARGUMENT');
    expectCode(() => ndb(a, b, { centroids: [[1, 2]] }), 'INVALID_SHAPE');
    expectCode(() => ndb(a, b, { centroids: [[1, 2, NaN]] }), 'NON_FINITE_INPUT');
    expectCode(() => ndb(a, b, { centroids: [[1, 2, 3]], bins: 2 }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => ndb(a, tf.zeros([0, 3]), { bins: 2 }), 'INVALID_SHAPE');
    expectCode(() => ndb(a, tf.ones([3]), { bins: 2 }), 'INVALID_SHAPE');
    const before = tf.memory().numTensors;
    expectCode(() => ndb(a, c, { bins: 2 }), 'INVALID_SHAPE');
    expectCode(() => ndb(a, b, { bins: 6 }), 'INVALID_RANGE');
    expect(tf.memory().numTensors).toBe(before);
    // null options are the defaults (100 bins here: too many for 5 samples).
    expectCode(() => ndb(a, b, null), 'INVALID_RANGE');
    tf.dispose([a, b, nan, c]);
  });

  it('takes centroids as rows or as a Tensor2D, e.g. from kMeans, with the same result', () => {
    const ref = tf.tensor2d([...Array(30).fill([0, 0]), ...Array(20).fill([5, 5]), ...Array(10).fill([9, 0])]);
    const gen = tf.tensor2d([...Array(40).fill([0.1, 0]), ...Array(20).fill([9, 0.2])]);
    const { centroids } = kMeans(ref, { k: 3, seed: 1 });
    const asRows = ndb(ref, gen, { centroids });
    const t = tf.tensor2d(centroids);
    const before = tf.memory().numTensors;
    const asTensor = ndb(ref, gen, { centroids: t });
    expect(tf.memory().numTensors).toBe(before);
    expect(t.isDisposed).toBe(false);
    expect(asTensor).toEqual(asRows);
    // Given centroids keep their order: bin j is centroid j.
    expect(asRows.centroids).toEqual(centroids);
    expect(asRows.bins).toBe(3);
    // By hand: the bin of [5, 5] gets 20/60 of the reference and none of the generated samples.
    const b55 = centroids.findIndex((c) => c[0] === 5);
    expect(asRows.referenceProportions[b55]).toBeCloseTo(1 / 3, 12);
    expect(asRows.generatedProportions[b55]).toBe(0);
    tf.dispose([ref, gen, t]);
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
