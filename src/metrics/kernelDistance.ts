import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { createRng, sampleDistinct } from '../internal/random.js';
import { assertFiniteNumber, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { meanStd } from './classifierScore.js';
import { checkFeatureShape, checkFeatureValues, checkSameWidth, checkWork } from './features.js';

/** Options of {@link kernelDistance}. */
export interface KernelDistanceOptions {
  /** Degree of the polynomial kernel (γ x·y + coef)^degree: a positive integer. @defaultValue 3 */
  degree?: number;
  /** γ of the kernel, a finite number > 0. @defaultValue 1 / features */
  gamma?: number;
  /** coef of the kernel, a finite number. @defaultValue 1 */
  coef?: number;
  /** Number of random subsets the estimate is averaged over: a positive integer. @defaultValue 100 */
  subsets?: number;
  /**
   * Samples per subset, drawn without replacement from each set: an integer ≥ 2,
   * clamped to the smaller set's size (the result's `subsetSize` says what was used).
   * @defaultValue 1000
   */
  subsetSize?: number;
  /** Seed of the subset draws. @defaultValue unseeded (Math.random) */
  seed?: number;
}

/** Result of {@link kernelDistance}: over the subsets. */
export interface KernelDistanceResult {
  /** Mean of the subsets' unbiased MMD² (may be slightly negative when the sets match). */
  mean: number;
  /** Population standard deviation of the subsets' MMD² (0 for one subset). */
  std: number;
  /** Samples per subset actually used: min(subsetSize, real samples, fake samples). */
  subsetSize: number;
}

/** The rows of each subset, as drawn by {@link kernelDistance}. @internal */
export interface KernelDistanceSubsets {
  real: Int32Array[];
  fake: Int32Array[];
}

/**
 * The subsets {@link kernelDistance} draws for these sizes and options: per
 * subset, `subsetSize` distinct real rows then as many distinct fake rows
 * (partial Fisher-Yates on one alea stream seeded with `seed`). Exposed so an
 * independent implementation can score the same subsets. @internal
 */
export function kernelDistanceSubsets(nReal: number, nFake: number, subsets: number, subsetSize: number, seed?: number): KernelDistanceSubsets {
  const rng = createRng(seed);
  const out: KernelDistanceSubsets = { real: [], fake: [] };
  for (let s = 0; s < subsets; s++) {
    out.real.push(sampleDistinct(nReal, subsetSize, rng));
    out.fake.push(sampleDistinct(nFake, subsetSize, rng));
  }
  return out;
}

/**
 * (γ g + c)^degree − c^degree for a Gram matrix g, as g·γ times
 * Σ_j (γ g + c)^j c^(degree−1−j): the constant c^degree cancels exactly in
 * the unbiased MMD² (weights 1 + 1 − 2), and leaving it out keeps float32's
 * precision for the part that differs between the sets.
 */
function kernelWithoutConstant(gram: tf.Tensor2D, degree: number, gamma: number, coef: number): tf.Tensor2D {
  const a = gram.mul(gamma);
  const base = a.add(coef);
  let power: tf.Tensor = tf.onesLike(a);
  let sum: tf.Tensor = tf.fill(a.shape, coef ** (degree - 1));
  for (let j = 1; j < degree; j++) {
    power = power.mul(base);
    sum = sum.add(power.mul(coef ** (degree - 1 - j)));
  }
  return a.mul(sum) as tf.Tensor2D;
}

/**
 * KID, the kernel inception distance (Bińkowski, Sutherland, Arbel & Gretton
 * 2018, "Demystifying MMD GANs", {@link https://arxiv.org/abs/1801.01401}):
 * the unbiased estimate of the squared maximum mean discrepancy between the
 * real and fake features with the polynomial kernel k(x, y) = (γ x·y + coef)^degree,
 * averaged over `subsets` random subsets of m = min(subsetSize, real samples,
 * fake samples) samples of each set, drawn without replacement, as the
 * authors' code and torch-fidelity do:
 * MMD² = Σ_{i≠j} k(x_i, x_j) / (m(m−1)) + Σ_{i≠j} k(y_i, y_j) / (m(m−1)) − 2 Σ_{i,j} k(x_i, y_j) / m².
 * Unlike FID it is unbiased in the sample size, so values from different n
 * compare; it is often reported × 1000.
 *
 * A subset size above the smaller set is clamped (torch-fidelity refuses it);
 * the result says the size used. Kernel matrices are computed with tfjs ops
 * (any backend) without the constant coef^degree, which cancels exactly; the
 * subsets' sums are added in float64 on the host. One read per subset.
 *
 * @example
 * ```ts
 * const { mean, std } = kernelDistance(realFeatures, fakeFeatures, { subsets: 100, subsetSize: 1000, seed: 0 });
 * console.log(`KID ${(mean * 1000).toFixed(2)} ± ${(std * 1000).toFixed(2)} (×1000)`);
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-tensor or disposed input or mistyped
 * options (degree, subsets, subsetSize not positive integers, gamma, coef or seed not
 * finite); `INVALID_SHAPE` unless both are non-empty Tensor2D [n, d] with the same d;
 * `INVALID_RANGE` for fewer than 2 samples in a set, subsetSize 1, gamma ≤ 0, kernel values that would
 * overflow float32 (rescale the features or lower gamma), or sizes above
 * {@link FEATURE_METRIC_LIMITS} (65,536 samples, 2,048 features, 2^40 multiply-adds);
 * `NON_FINITE_INPUT` for NaN or ±Infinity.
 */
export function kernelDistance(realFeatures: tf.Tensor2D, fakeFeatures: tf.Tensor2D, options?: KernelDistanceOptions | null): KernelDistanceResult {
  const fn = 'kernelDistance';
  const o = optionsObject(fn, options);
  const degree = o.degree ?? 3;
  assertPositiveInteger(`${fn}: degree`, degree);
  const coef = o.coef ?? 1;
  assertFiniteNumber(`${fn}: coef`, coef);
  const subsets = o.subsets ?? 100;
  assertPositiveInteger(`${fn}: subsets`, subsets);
  const subsetSize = o.subsetSize ?? 1000;
  assertPositiveInteger(`${fn}: subsetSize`, subsetSize);
  if (subsetSize < 2) throw new GanHacksError('INVALID_RANGE', `${fn}: subsetSize must be at least 2 (the unbiased estimate divides by m(m − 1)), got ${subsetSize}.`);
  if (o.seed !== undefined) assertFiniteNumber(`${fn}: seed`, o.seed);
  const need = 'the unbiased estimate needs 2 samples of each set';
  const real = checkFeatureShape(fn, 'realFeatures', realFeatures, 2, need);
  const fake = checkFeatureShape(fn, 'fakeFeatures', fakeFeatures, 2, need);
  checkSameWidth(fn, realFeatures, fakeFeatures);
  const d = real.d;
  const gamma = o.gamma ?? 1 / d;
  assertFiniteNumber(`${fn}: gamma`, gamma);
  if (gamma <= 0) throw new GanHacksError('INVALID_RANGE', `${fn}: gamma must be > 0, got ${show(gamma)}; the usual value is 1 / features.`);
  const m = Math.min(subsetSize, real.n, fake.n);
  checkWork(fn, `${subsets} subsets of ${m} samples`, subsets * 3 * m * m * d, 'Use fewer subsets or a smaller subsetSize.');
  const maxReal = checkFeatureValues(fn, 'realFeatures', realFeatures);
  const maxFake = checkFeatureValues(fn, 'fakeFeatures', fakeFeatures);
  // |x·y| ≤ d · max|x| · max|y|: refuse kernels whose row sums could overflow float32.
  const bound = m * (gamma * d * Math.max(maxReal, maxFake) ** 2 + Math.abs(coef)) ** degree;
  if (!(bound < 1e37)) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${fn}: with features up to ${show(Math.max(maxReal, maxFake))} in magnitude, gamma ${show(gamma)}, coef ${show(coef)} and degree ${degree}, kernel values may overflow float32. Rescale the features or lower gamma.`,
    );
  }
  const drawn = kernelDistanceSubsets(real.n, fake.n, subsets, m, o.seed);
  const mmds: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const sums = tf.tidy(() => {
      const x = tf.gather(realFeatures, tf.tensor1d(drawn.real[s], 'int32')).toFloat() as tf.Tensor2D;
      const y = tf.gather(fakeFeatures, tf.tensor1d(drawn.fake[s], 'int32')).toFloat() as tf.Tensor2D;
      const offDiagonal = tf.onesLike(tf.eye(m)).sub(tf.eye(m));
      const kxx = kernelWithoutConstant(tf.matMul(x, x, false, true), degree, gamma, coef).mul(offDiagonal);
      const kyy = kernelWithoutConstant(tf.matMul(y, y, false, true), degree, gamma, coef).mul(offDiagonal);
      const kxy = kernelWithoutConstant(tf.matMul(x, y, false, true), degree, gamma, coef);
      // Row sums only: the m rows are added in float64 below.
      return tf.concat([kxx.sum(1), kyy.sum(1), kxy.sum(1)]);
    });
    const v = sums.dataSync();
    sums.dispose();
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < m; i++) {
      xx += v[i];
      yy += v[m + i];
      xy += v[2 * m + i];
    }
    mmds.push((xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m));
  }
  return { ...meanStd(mmds), subsetSize: m };
}
