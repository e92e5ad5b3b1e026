import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FEATURE_METRIC_LIMITS, classifierScore, densityCoverage, frechetDistance, kernelDistance, precisionRecall } from '../../src/index.js';
import { kernelDistanceSubsets } from '../../src/metrics/kernelDistance.js';
import { expectCode, expectNoLeak } from '../helpers.js';

// Inputs written by bench/metrics-case.ts; golden values by bench/metrics_reference.py (numpy / scipy).
interface Stored {
  n: number;
  d: number;
  f32: string;
}
interface Case {
  features: Record<string, { real: Stored; fake: Stored; columns?: number[] }>;
  probabilities: Record<string, Stored>;
  fid: string[];
  kid: Array<{ name: string; features: string; degree: number; gamma?: number; coef: number; subsets: number; subsetSize: number; seed: number; m: number; real: number[][]; fake: number[][] }>;
  score: Array<{ name: string; probabilities: string; splits: number }>;
  prdc: Array<{ name: string; features: string; k: number }>;
}
interface Golden {
  fid: Record<string, number>;
  fidEigh: Record<string, number>;
  kid: Record<string, { mean: number; std: number; subsetSize: number }>;
  score: Record<string, { mean: number; std: number }>;
  prdc: Record<string, { precision: number; recall: number; density: number; coverage: number }>;
}
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const CASE = fixture('metrics-case.json') as Case;
const GOLDEN = fixture('metrics-golden.json') as Golden;

function matrix(s: Stored, columns?: number[]): tf.Tensor2D {
  const b = Buffer.from(s.f32, 'base64');
  const values = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  expect(values.length).toBe(s.n * s.d);
  if (!columns) return tf.tensor2d(values, [s.n, s.d]);
  const wide = new Float32Array(s.n * columns.length);
  for (let i = 0; i < s.n; i++) columns.forEach((c, j) => (wide[i * columns.length + j] = values[i * s.d + c]));
  return tf.tensor2d(wide, [s.n, columns.length]);
}

function withPair<T>(name: string, f: (real: tf.Tensor2D, fake: tf.Tensor2D) => T): T {
  const entry = CASE.features[name];
  const real = matrix(entry.real, entry.columns);
  const fake = matrix(entry.fake, entry.columns);
  try {
    return expectNoLeak(() => f(real, fake));
  } finally {
    real.dispose();
    fake.dispose();
  }
}

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('feature metrics against numpy / scipy (bench/metrics_reference.py)', () => {
  it.each(CASE.fid)('frechetDistance on %s equals pytorch-fid\'s sqrtm within 1e-4 relative', (name) => {
    const fid = withPair(name, frechetDistance);
    expect(Number.isFinite(fid)).toBe(true);
    // Measured: at most 1.2e-5 (d64few); 1e-4 still tells n − 1 from n in the covariance.
    expect(relative(fid, GOLDEN.fid[name])).toBeLessThan(1e-4);
    // The eigh-based value of the script agrees as well (it is the same mathematics as ours).
    expect(relative(fid, GOLDEN.fidEigh[name])).toBeLessThan(1e-4);
  });

  it.each(CASE.kid.map((c) => [c.name, c] as const))('kernelDistance (%s) scores the subsets given to the script, within 1e-6 relative', (_, c) => {
    const f = CASE.features[c.features];
    const drawn = kernelDistanceSubsets(f.real.n, f.fake.n, c.subsets, c.m, c.seed);
    expect(drawn.real.map((r) => Array.from(r))).toEqual(c.real);
    expect(drawn.fake.map((r) => Array.from(r))).toEqual(c.fake);
    const golden = GOLDEN.kid[c.name];
    const kid = withPair(c.features, (real, fake) =>
      kernelDistance(real, fake, { degree: c.degree, gamma: c.gamma, coef: c.coef, subsets: c.subsets, subsetSize: c.subsetSize, seed: c.seed }),
    );
    expect(kid.subsetSize).toBe(golden.subsetSize);
    expect(relative(kid.mean, golden.mean)).toBeLessThan(1e-6);
    expect(relative(kid.std, golden.std)).toBeLessThan(1e-6);
  });

  it.each(CASE.score.map((c) => [c.name, c] as const))('classifierScore (%s) equals improved-gan\'s formula within 1e-6 relative', (_, c) => {
    const p = matrix(CASE.probabilities[c.probabilities]);
    const score = expectNoLeak(() => classifierScore(p, { splits: c.splits }));
    p.dispose();
    const golden = GOLDEN.score[c.name];
    expect(relative(score.mean, golden.mean)).toBeLessThan(1e-6);
    if (c.splits > 1) expect(relative(score.std, golden.std)).toBeLessThan(1e-6);
    else expect(score.std).toBe(0);
  });

  it.each(CASE.prdc.map((c) => [c.name, c] as const))('precisionRecall and densityCoverage (%s) equal the brute-force counts exactly', (_, c) => {
    const golden = GOLDEN.prdc[c.name];
    const pr = withPair(c.features, (real, fake) => precisionRecall(real, fake, { k: c.k }));
    const dc = withPair(c.features, (real, fake) => densityCoverage(real, fake, { k: c.k }));
    expect(pr).toEqual({ precision: golden.precision, recall: golden.recall });
    expect(dc.coverage).toBe(golden.coverage);
    // density = count / (k n): the same count divided in another order may differ in the last bit.
    expect(Math.round(dc.density * c.k * CASE.features[c.features].fake.n)).toBe(Math.round(golden.density * c.k * CASE.features[c.features].fake.n));
    expect(relative(dc.density, golden.density)).toBeLessThan(1e-15);
  });
});

/** n samples whose sample mean is exactly mu and sample covariance (n − 1) exactly sigma, in float64. */
function exactMoments(n: number, mu: number[], sigma: number[][], seed: number): tf.Tensor2D {
  const d = mu.length;
  let state = seed;
  const uniform = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  const z = Array.from({ length: n }, () => Array.from({ length: d }, () => uniform() - 0.5));
  // Centre, then whiten with the Cholesky factor of the sample covariance, then colour with sigma's.
  for (let j = 0; j < d; j++) {
    const m = z.reduce((s, r) => s + r[j], 0) / n;
    z.forEach((r) => (r[j] -= m));
  }
  const cov = (rows: number[][]): number[][] => mu.map((_, i) => mu.map((__, j) => rows.reduce((s, r) => s + r[i] * r[j], 0) / (n - 1)));
  const cholesky = (a: number[][]): number[][] => {
    const l = a.map((r) => r.map(() => 0));
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i][j];
        for (let t = 0; t < j; t++) s -= l[i][t] * l[j][t];
        l[i][j] = i === j ? Math.sqrt(s) : s / l[j][j];
      }
    }
    return l;
  };
  const lz = cholesky(cov(z));
  const white = z.map((r) => {
    // Solve lz w = r (forward substitution): w has identity sample covariance.
    const w: number[] = [];
    for (let i = 0; i < d; i++) {
      let s = r[i];
      for (let t = 0; t < i; t++) s -= lz[i][t] * w[t];
      w.push(s / lz[i][i]);
    }
    return w;
  });
  const ls = cholesky(sigma);
  return tf.tensor2d(white.map((w) => mu.map((m, i) => m + ls[i].reduce((s, v, t) => s + v * w[t], 0))));
}

describe('frechetDistance: hand-checkable cases', () => {
  it('is 0 (within float error) for a set against itself', () => {
    const x = tf.randomNormal([300, 8], 2, 3, 'float32', 5) as tf.Tensor2D;
    const fid = expectNoLeak(() => frechetDistance(x, x));
    const trace = tf.tidy(() => tf.moments(x, 0).variance.sum().dataSync()[0]);
    expect(fid).toBeGreaterThanOrEqual(0);
    expect(fid).toBeLessThan(1e-6 * trace);
    x.dispose();
  });

  it('equals the closed form for two 2-D Gaussians: ‖μ1 − μ2‖² + tr S1 + tr S2 − 2 √(tr(S1 S2) + 2 √(det S1 det S2))', () => {
    const mu1 = [1, -2];
    const mu2 = [3, 0.5];
    const s1 = [[2, 0.6], [0.6, 1]];
    const s2 = [[0.5, -0.3], [-0.3, 3]];
    const x = exactMoments(400, mu1, s1, 1);
    const y = exactMoments(500, mu2, s2, 2);
    const det = (s: number[][]): number => s[0][0] * s[1][1] - s[0][1] * s[1][0];
    const trProduct = s1[0][0] * s2[0][0] + s1[0][1] * s2[1][0] + s1[1][0] * s2[0][1] + s1[1][1] * s2[1][1];
    // For 2 × 2: √λ1 + √λ2 = √(λ1 + λ2 + 2 √(λ1 λ2)), with λ1 + λ2 = tr(S1 S2), λ1 λ2 = det S1 det S2.
    const expected = (mu1[0] - mu2[0]) ** 2 + (mu1[1] - mu2[1]) ** 2 + 3 + 3.5 - 2 * Math.sqrt(trProduct + 2 * Math.sqrt(det(s1) * det(s2)));
    expect(relative(expectNoLeak(() => frechetDistance(x, y)), expected)).toBeLessThan(1e-5);
    tf.dispose([x, y]);
  });

  it('is ‖c1 − c2‖² for constant features (zero covariances) and finite with fewer samples than features', () => {
    const a = tf.tensor2d([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
    const b = tf.tensor2d([[0, 2, 5], [0, 2, 5]]);
    expect(frechetDistance(a, b)).toBeCloseTo(1 + 0 + 4, 5);
    const few = tf.randomNormal([5, 40], 0, 1, 'float32', 1) as tf.Tensor2D;
    const other = tf.randomNormal([6, 40], 0.5, 1, 'float32', 2) as tf.Tensor2D;
    const wide = tf.concat([few, few], 1) as tf.Tensor2D;
    const otherWide = tf.concat([other, other], 1) as tf.Tensor2D;
    for (const v of [frechetDistance(few, other), frechetDistance(wide, otherWide)]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    // Duplicating every column doubles each term of the distance.
    expect(relative(frechetDistance(wide, otherWide), 2 * frechetDistance(few, other))).toBeLessThan(1e-4);
    tf.dispose([a, b, few, other, wide, otherWide]);
  });
});

describe('kernelDistance: hand-checkable cases', () => {
  it('equals the unbiased MMD² by hand with the linear kernel, all samples in one subset', () => {
    const x = tf.tensor2d([[1], [2], [3]]);
    const y = tf.tensor2d([[0], [1], [-1]]);
    // Σ_{i≠j} x_i x_j = 36 − 14 = 22, Σ_{i≠j} y_i y_j = 0 − 2 = −2, Σ x_i y_j = 6 · 0 = 0.
    const r = expectNoLeak(() => kernelDistance(x, y, { degree: 1, gamma: 1, coef: 0, subsets: 1, subsetSize: 3 }));
    expect(r.mean).toBeCloseTo((22 - 2) / 6, 6);
    expect(r.std).toBe(0);
    expect(r.subsetSize).toBe(3);
    tf.dispose([x, y]);
  });

  it('equals a direct double loop with the default kernel; is seeded; clamps the subset size', () => {
    const x = tf.randomNormal([40, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    const y = tf.randomNormal([30, 5], 0.3, 1, 'float32', 4) as tf.Tensor2D;
    const xs = x.arraySync();
    const ys = y.arraySync();
    const k = (a: number[], b: number[]): number => (a.reduce((s, v, i) => s + v * b[i], 0) / 5 + 1) ** 3;
    let yy = 0;
    for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) if (i !== j) yy += k(ys[i], ys[j]);
    // subsetSize 1000 clamps to 30: all of y in every subset, 30 of the 40 x.
    const drawn = kernelDistanceSubsets(40, 30, 2, 30, 9);
    const direct = drawn.real.map((rows) => {
      let xx = 0;
      let cross = 0;
      for (const i of rows) for (const j of rows) if (i !== j) xx += k(xs[i], xs[j]);
      for (const i of rows) for (let j = 0; j < 30; j++) cross += k(xs[i], ys[j]);
      return (xx + yy) / (30 * 29) - (2 * cross) / 900;
    });
    const r = kernelDistance(x, y, { subsets: 2, seed: 9 });
    expect(r.subsetSize).toBe(30);
    expect(r.mean).toBeCloseTo((direct[0] + direct[1]) / 2, 6);
    expect(r.std).toBeCloseTo(Math.abs(direct[0] - direct[1]) / 2, 6);
    expect(kernelDistance(x, y, { subsets: 2, seed: 9 })).toEqual(r);
    expect(kernelDistance(x, y, { subsets: 2, seed: 10 }).mean).not.toBe(r.mean);
    tf.dispose([x, y]);
  });
});

describe('classifierScore: hand-checkable cases', () => {
  it('is 1 for uniform predictions, C for confident predictions evenly over C classes, per consecutive split', () => {
    const uniform = tf.fill([12, 4], 0.25) as tf.Tensor2D;
    expect(classifierScore(uniform, { splits: 3 }).mean).toBeCloseTo(1, 12);
    const even = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4).toFloat() as tf.Tensor2D;
    expect(classifierScore(even, { splits: 1 }).mean).toBeCloseTo(4, 12);
    // First half all class 0 (score 1), second half one of each (score 4): mean 2.5, std 1.5.
    const halves = tf.oneHot(tf.tensor1d([0, 0, 0, 0, 0, 1, 2, 3], 'int32'), 4).toFloat() as tf.Tensor2D;
    const r = expectNoLeak(() => classifierScore(halves, { splits: 2 }));
    expect(r.mean).toBeCloseTo(2.5, 12);
    expect(r.std).toBeCloseTo(1.5, 12);
    tf.dispose([uniform, even, halves]);
  });
});

describe('precisionRecall and densityCoverage: hand-checkable cases', () => {
  it('give precision = recall = 1 and coverage 1 for a set against itself', () => {
    const x = tf.randomNormal([50, 6], 0, 1, 'float32', 8) as tf.Tensor2D;
    expect(expectNoLeak(() => precisionRecall(x, x))).toEqual({ precision: 1, recall: 1 });
    expect(expectNoLeak(() => densityCoverage(x, x)).coverage).toBe(1);
    x.dispose();
  });

  it('count by hand on a line, with a point on a ball boundary inside for PR (≤) and outside for DC (<)', () => {
    // Values whose largest magnitude is a power of 2: the scaled float32 distances are exact.
    const real = tf.tensor2d([[0], [1], [2], [4]]);
    // k = 1: real radii 1, 1, 1, 2. Fake 0.5 is inside the balls of 0 and 1; fake 16 in none.
    const fake = tf.tensor2d([[0.5], [16]]);
    expect(precisionRecall(real, fake, { k: 1 })).toEqual({ precision: 0.5, recall: 1 });
    expect(densityCoverage(real, fake, { k: 1 })).toEqual({ density: 1, coverage: 0.5 });
    // Fake 6 lies exactly on real 4's ball boundary (distance 2 = radius).
    const boundary = tf.tensor2d([[6], [16]]);
    expect(precisionRecall(real, boundary, { k: 1 })).toEqual({ precision: 0.5, recall: 1 });
    expect(densityCoverage(real, boundary, { k: 1 })).toEqual({ density: 0, coverage: 0 });
    tf.dispose([real, fake, boundary]);
  });

  it('span several 1,024-row blocks: a duplicate counts as a neighbour at distance 0', () => {
    // 1,100 points on a grid of quarters (exact distances), 550 distinct ones twice each (one copy in
    // each block): every k = 1 radius is 0. A last column of 2s keeps the scale a power of 2.
    const grid = tf.tidy(() => tf.randomUniformInt([550, 8], -6, 7, 6).toFloat().div(4));
    const half = tf.concat([grid, tf.fill([550, 1], 2)], 1);
    const x = tf.concat([half, half]) as tf.Tensor2D;
    const shifted = tf.concat([grid.add(0.25), tf.fill([550, 1], 2)], 1).tile([2, 1]) as tf.Tensor2D;
    expect(expectNoLeak(() => precisionRecall(x, x, { k: 1 }))).toEqual({ precision: 1, recall: 1 });
    expect(precisionRecall(x, shifted, { k: 1 })).toEqual({ precision: 0, recall: 0 });
    expect(densityCoverage(x, x, { k: 1 })).toEqual({ density: 0, coverage: 0 });
    tf.dispose([grid, half, x, shifted]);
  });
});

describe('feature metrics: bad inputs are GanHacksErrors, thrown before any work', () => {
  const a = tf.randomNormal([10, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([12, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
  const vector = tf.zeros([10]);
  const narrow = tf.zeros([12, 5]) as tf.Tensor2D;
  const single = tf.zeros([1, 4]) as tf.Tensor2D;
  const tooWide = tf.zeros([2, FEATURE_METRIC_LIMITS.features + 1]) as tf.Tensor2D;
  const tooTall = tf.zeros([FEATURE_METRIC_LIMITS.samples + 1, 1]) as tf.Tensor2D;
  const withValue = (v: number): tf.Tensor2D => tf.tidy(() => tf.where(tf.oneHot([0], 40).reshape([10, 4]).cast('bool'), tf.fill([10, 4], v), a) as tf.Tensor2D);
  const nan = withValue(NaN);
  const huge = withValue(1e16);
  const disposed = tf.zeros([10, 4]) as tf.Tensor2D;
  disposed.dispose();
  type PairFn = (x: tf.Tensor2D, y: tf.Tensor2D, options?: unknown) => unknown;
  const pairFns: Record<string, PairFn> = {
    frechetDistance: (x, y) => frechetDistance(x, y),
    kernelDistance: (x, y, o) => kernelDistance(x, y, o as never),
    precisionRecall: (x, y, o) => precisionRecall(x, y, o as never),
    densityCoverage: (x, y, o) => densityCoverage(x, y, o as never),
  };

  it.each(Object.entries(pairFns))('%s: wrong kinds, shapes, sizes and values', (name, f) => {
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => f([[1, 2]] as never, b), 'INVALID_ARGUMENT', new RegExp(`^${name}: realFeatures must be a tf.Tensor`)],
      [() => f(a, disposed), 'INVALID_ARGUMENT', /fakeFeatures was already disposed/],
      [() => f(vector as never, b), 'INVALID_SHAPE', /realFeatures must have rank 2, got shape \[10\]/],
      [() => f(a, narrow), 'INVALID_SHAPE', /as many columns.*\[10, 4\] and \[12, 5\]/],
      [() => f(single, b), 'INVALID_RANGE', /realFeatures has 1 samples/],
      [() => f(a, tooWide), 'INVALID_RANGE', /number of features must be at most 2048/],
      [() => f(tooTall, b), 'INVALID_RANGE', /number of samples must be at most 65536/],
      [() => f(nan, b), 'NON_FINITE_INPUT', /realFeatures contains NaN/],
      [() => f(a, huge), 'INVALID_RANGE', /fakeFeatures holds a value of magnitude \d+, beyond/],
    ];
    if (name !== 'frechetDistance') cases.push([() => f(a, b, [3]), 'INVALID_ARGUMENT', /options must be an object, got an array/]);
    for (const [call, code, message] of cases) {
      expectNoLeak(() => expectCode(call, code));
      expect(() => call()).toThrow(message);
    }
  });

  it('null options mean the defaults', () => {
    const big = tf.randomNormal([12, 4], 0, 1, 'float32', 3) as tf.Tensor2D;
    const kid = kernelDistance(a, b, null);
    expect(kid.subsetSize).toBe(10);
    expect(Number.isFinite(kid.mean)).toBe(true);
    expect(precisionRecall(a, big, null)).toEqual(precisionRecall(a, big, { k: 3 }));
    expect(densityCoverage(a, big, null)).toEqual(densityCoverage(a, big, { k: 5 }));
    const p = tf.softmax(big) as tf.Tensor2D;
    expect(classifierScore(p, null)).toEqual(classifierScore(p, { splits: 10 }));
    tf.dispose([big, p]);
  });

  it('kernelDistance: options', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ degree: 1.5 }, 'INVALID_ARGUMENT', /degree must be a positive integer, got 1\.5/],
      [{ subsets: 0 }, 'INVALID_ARGUMENT', /subsets must be a positive integer/],
      [{ subsetSize: 1 }, 'INVALID_RANGE', /subsetSize must be at least 2/],
      [{ gamma: 0 }, 'INVALID_RANGE', /gamma must be > 0/],
      [{ coef: NaN }, 'INVALID_ARGUMENT', /coef must be a finite number/],
      [{ seed: 'x' }, 'INVALID_ARGUMENT', /seed must be a finite number/],
      [{ subsets: 1e10 }, 'INVALID_RANGE', /multiply-adds, above the cap/],
      [{ gamma: 1e30 }, 'INVALID_RANGE', /may overflow float32/],
    ];
    for (const [options, code, message] of cases) {
      expectNoLeak(() => expectCode(() => kernelDistance(a, b, options as never), code));
      expect(() => kernelDistance(a, b, options as never)).toThrow(message);
    }
  });

  it('precisionRecall and densityCoverage: k', () => {
    for (const f of [precisionRecall, densityCoverage]) {
      expectCode(() => f(a, b, { k: 0 }), 'INVALID_ARGUMENT');
      expectCode(() => f(a, b, { k: 2.5 }), 'INVALID_ARGUMENT');
      expect(() => f(a, b, { k: 10 })).toThrow(/k \(10\) must be below the number of real samples \(10\)/);
      expectCode(() => f(a, b, { k: 10 }), 'INVALID_RANGE');
    }
    // Precision and recall need k neighbours among the fakes too; density and coverage do not.
    const three = tf.randomNormal([3, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
    expect(() => precisionRecall(a, three, { k: 3 })).toThrow(/below the number of fake samples \(3\)/);
    expect(() => densityCoverage(a, three, { k: 3 })).not.toThrow();
    // The pairwise work cap: 65,536 samples of 130 features need 65,536² · 130 · 2 (or 3) multiply-adds.
    const wide = tf.zeros([65_536, 130]) as tf.Tensor2D;
    expectCode(() => precisionRecall(wide, wide), 'INVALID_RANGE');
    expect(() => densityCoverage(wide, wide)).toThrow(/multiply-adds, above the cap/);
    tf.dispose([three, wide]);
  });

  it('classifierScore: shapes, splits and probabilities', () => {
    const p = tf.softmax(b) as tf.Tensor2D;
    const cases: Array<[() => unknown, string, RegExp]> = [
      [() => classifierScore([[1]] as never), 'INVALID_ARGUMENT', /probabilities must be a tf.Tensor/],
      [() => classifierScore(tf.zeros([4]) as never), 'INVALID_SHAPE', /must have rank 2/],
      [() => classifierScore(p, { splits: 13 }), 'INVALID_RANGE', /splits \(13\) must not exceed the number of samples \(12\)/],
      [() => classifierScore(p, { splits: 0 }), 'INVALID_ARGUMENT', /splits must be a positive integer/],
      [() => classifierScore(b), 'INVALID_RANGE', /outside \[0, 1\]; pass softmax outputs, not logits/],
      [() => classifierScore(tf.fill([4, 2], 0.4) as tf.Tensor2D, { splits: 1 }), 'INVALID_RANGE', /row 0 of probabilities sums to 0\.8/],
      [() => classifierScore(tf.tensor2d([[0.5, NaN]]), { splits: 1 }), 'NON_FINITE_INPUT', /probabilities\[0\]\[1\] is NaN/],
      [() => classifierScore(p, [] as never), 'INVALID_ARGUMENT', /options must be an object/],
    ];
    for (const [call, code, message] of cases) {
      expectCode(call, code);
      expect(() => call()).toThrow(message);
    }
    p.dispose();
  });
});
