import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, assertBoolean, assertFiniteNumber, assertNonNegative, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { jsDivergence } from './distances.js';
import { KMEANS_LIMITS, checkKMeansCounts, kMeansFlat, nearestCentersFlat, readSamples } from './kmeans.js';

/** Options of {@link ndb}. */
export interface NdbOptions {
  /** Number of bins K (k-means clusters of the reference), an integer in [1, reference samples]. @defaultValue 100 */
  bins?: number;
  /** Significance level of each bin's two-proportion z-test, in (0, 1). @defaultValue 0.05 */
  alpha?: number;
  /** Mark a bin different when |z| exceeds this (≥ 0), instead of testing p < alpha. */
  zThreshold?: number;
  /** Standardise each dimension by the reference's mean and std first. @defaultValue false (as the reference) */
  whitening?: boolean;
  /** Seed of the k-means++ initialisation. */
  seed?: number;
  /**
   * Reuse bins (skips k-means): the `centroids` of an earlier result or of
   * {@link kMeans}, as rows (`number[][]`) or a Tensor2D [K, d] (read, not
   * disposed). K then sets the number of bins; `bins`, if also given, must equal it.
   */
  centroids?: number[][] | tf.Tensor2D;
  /** At most this many Lloyd iterations, in [1, KMEANS_LIMITS.iterations]. @defaultValue 100 */
  maxIterations?: number;
}

/** Result of {@link ndb}. */
export interface NdbResult {
  /** Number of statistically different bins. */
  ndb: number;
  /** K. */
  bins: number;
  /** NDB / K in [0, 1]: near 0 no sign of mode collapse, near 1 strong collapse. */
  ndbRatio: number;
  /** Jensen-Shannon divergence (natural log) of the two bin histograms. */
  jsDivergence: number;
  /** Per bin: whether its proportions differ significantly. */
  significant: boolean[];
  /** Per bin: z = (p_ref − p_gen) / SE. */
  zScores: number[];
  /** Per bin: share of reference samples (bins sorted by this, largest first). */
  referenceProportions: number[];
  /** Per bin: share of generated samples. */
  generatedProportions: number[];
  /** Bin centres (in the whitened space when `whitening`), reusable through `options.centroids`. */
  centroids: number[][];
}

/**
 * Φ(x), the standard normal CDF, through erfc (Numerical Recipes' erfcc,
 * relative error below 1.2e-7); Φ(±Infinity) = 1 / 0.
 *
 * @example
 * ```ts
 * 2 * normalCdf(-1.96); // ≈ 0.05, the two-tailed p-value of z = 1.96
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-number, `NON_FINITE_INPUT` for NaN.
 */
export function normalCdf(x: number): number {
  if (typeof x !== 'number') throw new GanHacksError('INVALID_ARGUMENT', `normalCdf: x must be a number, got ${show(x)}.`);
  if (Number.isNaN(x)) throw new GanHacksError('NON_FINITE_INPUT', 'normalCdf: x is NaN.');
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Reads `centroids` (rows or a Tensor2D) as row-major floats, checking their width and values. */
function readCentroids(value: unknown, d: number): { centers: Float32Array; k: number } {
  if (value instanceof tf.Tensor) {
    if (value.rank !== 2 || value.shape[1] !== d || value.shape[0] < 1) {
      if (value.isDisposed) throw new GanHacksError('INVALID_ARGUMENT', 'ndb: centroids was already disposed; pass a live tensor.');
      throw new GanHacksError('INVALID_SHAPE', `ndb: centroids must be a Tensor2D [K, ${d}] (K ≥ 1), got shape [${value.shape.join(', ')}].`);
    }
    const { xs, n } = readSamples('ndb: centroids', value, true);
    return { centers: xs, k: n };
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((c) => !Array.isArray(c) || c.length !== d)) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `ndb: centroids must be a non-empty list of rows of ${d} numbers (or a Tensor2D [K, ${d}]), as returned by ndb or kMeans; got ${Array.isArray(value) ? `${value.length} rows` : show(value)}.`,
    );
  }
  assertAtMost('ndb: number of centroids', value.length, LIMITS.samples);
  const centers = new Float32Array(value.length * d);
  (value as unknown[][]).forEach((row, j) =>
    row.forEach((v, t) => {
      if (typeof v !== 'number') throw new GanHacksError('INVALID_ARGUMENT', `ndb: centroids[${j}][${t}] must be a number, got ${show(v)}.`);
      if (!Number.isFinite(v) || Math.abs(v) > KMEANS_LIMITS.magnitude) {
        throw new GanHacksError('NON_FINITE_INPUT', `ndb: centroids[${j}][${t}] is ${v}; centroids must be finite (within ±${KMEANS_LIMITS.magnitude}).`);
      }
      centers[j * d + t] = v;
    }),
  );
  return { centers, k: value.length };
}

/**
 * NDB, the number of statistically different bins (Richardson & Weiss 2018,
 * "On GANs and GMMs", {@link https://arxiv.org/abs/1805.12462}), following the
 * reference implementation (eitanrich/gans-n-gmms, utils/ndb.py): k-means on
 * the reference samples (seeded k-means++, at most 100 Lloyd iterations),
 * bins sorted by size, each generated sample assigned to the nearest centre,
 * and per bin a two-tailed two-proportion z-test with the pooled proportion.
 *
 * Reads both batches back from the device once (k-means runs in JS).
 *
 * @example
 * ```ts
 * const r = ndb(trainImages, generatedImages, { bins: 100, seed: 0 });
 * r.ndbRatio; // ~0.05 healthy, >0.5 collapsed
 * ndb(trainImages, laterImages, { centroids: r.centroids }); // same bins
 * ```
 * @throws GanHacksError `INVALID_RANGE` for more bins than reference samples,
 * alpha outside (0, 1), counts above `LIMITS.samples` / {@link KMEANS_LIMITS};
 * `INVALID_SHAPE` for empty batches, batches without a batch axis, samples
 * of different sizes or centroids of the wrong width; `INVALID_ARGUMENT` for
 * non-tensors, disposed or bool tensors and mistyped options;
 * `INCOMPATIBLE_OPTIONS` for `bins` unequal to the number of `centroids`;
 * `NON_FINITE_INPUT` for NaN or infinite values.
 */
export function ndb(reference: tf.Tensor, generated: tf.Tensor, options?: NdbOptions | null): NdbResult {
  const o = optionsObject('ndb', options);
  const alpha = o.alpha ?? 0.05;
  assertFiniteNumber('ndb: alpha', alpha);
  if (alpha <= 0 || alpha >= 1) throw new GanHacksError('INVALID_RANGE', `ndb: alpha must lie in (0, 1), got ${show(alpha)}; 0.05 is usual.`);
  const whitening = o.whitening ?? false;
  assertBoolean('ndb: whitening', whitening);
  if (o.zThreshold !== undefined) assertNonNegative('ndb: zThreshold', o.zThreshold);
  if (o.seed !== undefined) assertFiniteNumber('ndb: seed', o.seed);
  const maxIterations = o.maxIterations ?? 100;
  if (o.bins !== undefined) assertPositiveInteger('ndb: bins', o.bins);
  const refData = readSamples('ndb: reference', reference);
  const genData = readSamples('ndb: generated', generated);
  const n1 = refData.n;
  const n2 = genData.n;
  const d = refData.d;
  if (d !== genData.d) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `ndb: reference samples have ${d} values each, generated ones ${genData.d}; compare like with like.`,
    );
  }
  let given: { centers: Float32Array; k: number } | undefined;
  let k = o.bins ?? 100;
  if (o.centroids !== undefined) {
    given = readCentroids(o.centroids, d);
    if (o.bins !== undefined && o.bins !== given.k) {
      throw new GanHacksError('INCOMPATIBLE_OPTIONS', `ndb: bins (${o.bins}) differs from the number of centroids (${given.k}); leave bins out when reusing centroids.`);
    }
    k = given.k;
  }
  checkKMeansCounts('ndb', k, n1, maxIterations, 'bins');
  assertAtMost('ndb: bins × generated samples', k * n2, KMEANS_LIMITS.samplesTimesClusters);
  const ref0 = tf.tensor2d(refData.xs, [n1, d]);
  const gen0 = tf.tensor2d(genData.xs, [n2, d]);
  try {
    const [ref, gen] = tf.tidy(() => {
      if (!whitening) return [ref0.clone(), gen0.clone()];
      const { mean, variance } = tf.moments(ref0, 0);
      const std = variance.sqrt().add(1e-6);
      return [ref0.sub(mean).div(std), gen0.sub(mean).div(std)];
    }) as [tf.Tensor2D, tf.Tensor2D];
    try {
      const refXs = ref.dataSync() as Float32Array;
      let centers: Float32Array;
      let refLabels: Int32Array;
      if (given) {
        centers = given.centers;
        refLabels = nearestCentersFlat(refXs, n1, d, centers, k);
      } else {
        const km = kMeansFlat(refXs, n1, d, k, maxIterations, o.seed);
        centers = km.centers;
        refLabels = km.labels;
      }
      const refCounts = new Float64Array(k);
      for (const l of refLabels) refCounts[l]++;
      // Bins sorted by reference size, largest first (as the reference does).
      const order = given ? Array.from({ length: k }, (_, j) => j) : Array.from({ length: k }, (_, j) => j).sort((a, b) => refCounts[b] - refCounts[a]);
      const genLabels = nearestCentersFlat(gen.dataSync() as Float32Array, n2, d, centers, k);
      const genCounts = new Float64Array(k);
      for (const l of genLabels) genCounts[l]++;
      const p1 = order.map((j) => refCounts[j] / n1);
      const p2 = order.map((j) => genCounts[j] / n2);
      const zScores: number[] = [];
      const significant: boolean[] = [];
      for (let b = 0; b < k; b++) {
        const p = (p1[b] * n1 + p2[b] * n2) / (n1 + n2);
        const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
        const z = se > 0 ? (p1[b] - p2[b]) / se : 0;
        zScores.push(z);
        significant.push(o.zThreshold !== undefined ? Math.abs(z) > o.zThreshold : 2 * normalCdf(-Math.abs(z)) < alpha);
      }
      const count = significant.filter(Boolean).length;
      const centroids = order.map((j) => Array.from(centers.subarray(j * d, (j + 1) * d)));
      return {
        ndb: count,
        bins: k,
        ndbRatio: count / k,
        jsDivergence: jsDivergence(p1, p2),
        significant,
        zScores,
        referenceProportions: p1,
        generatedProportions: p2,
        centroids,
      };
    } finally {
      ref.dispose();
      gen.dispose();
    }
  } finally {
    ref0.dispose();
    gen0.dispose();
  }
}
