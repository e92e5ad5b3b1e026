import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertAllFinite, assertInRange, assertPositiveInteger, assertTensor } from '../internal/validate.js';
import { jsDivergence } from './distances.js';
import { kMeans, nearestCenters } from './kmeans.js';

/** Options of {@link ndb}. */
export interface NdbOptions {
  /** Number of bins K (k-means clusters of the reference). @defaultValue 100 */
  bins?: number;
  /** Significance level of each bin's two-proportion z-test. @defaultValue 0.05 */
  alpha?: number;
  /** Mark a bin different when |z| exceeds this, instead of testing p < alpha. */
  zThreshold?: number;
  /** Standardise each dimension by the reference's mean and std first. @defaultValue false (as the reference) */
  whitening?: boolean;
  /** Seed of the k-means++ initialisation. */
  seed?: number;
  /** Reuse bins: the `centroids` of an earlier result (skips k-means). */
  centroids?: number[][];
  /** At most this many Lloyd iterations. @defaultValue 100 */
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

/** Φ(x) through erfc (Numerical Recipes' erfcc, relative error below 1.2e-7). */
export function normalCdf(x: number): number {
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

function asMatrix(name: string, x: tf.Tensor): tf.Tensor2D {
  assertTensor(name, x);
  if (x.rank < 2) throw new GanHacksError('INVALID_SHAPE', `${name} must be a batch [n, ...], got shape [${x.shape.join(', ')}].`);
  return tf.tidy(() => x.reshape([x.shape[0], -1]).toFloat() as tf.Tensor2D);
}

/**
 * NDB, the number of statistically different bins (Richardson & Weiss 2018,
 * "On GANs and GMMs", {@link https://arxiv.org/abs/1805.12462}), following the
 * reference implementation (eitanrich/gans-n-gmms, utils/ndb.py): k-means on
 * the reference samples (seeded k-means++, at most 100 Lloyd iterations),
 * bins sorted by size, each generated sample assigned to the nearest centre,
 * and per bin a two-tailed two-proportion z-test with the pooled proportion.
 *
 * @example
 * ```ts
 * const r = ndb(trainImages, generatedImages, { bins: 100, seed: 0 });
 * r.ndbRatio; // ~0.05 healthy, >0.5 collapsed
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for more bins than reference samples;
 * `INVALID_SHAPE` when the sample sizes differ in dimension; `NON_FINITE_INPUT` for NaN.
 */
export function ndb(reference: tf.Tensor, generated: tf.Tensor, options: NdbOptions = {}): NdbResult {
  const alpha = options.alpha ?? 0.05;
  assertInRange('ndb: alpha', alpha, 0, 1);
  const whitening = options.whitening ?? false;
  const ref0 = asMatrix('ndb: reference', reference);
  const gen0 = asMatrix('ndb: generated', generated);
  try {
    if (ref0.shape[1] !== gen0.shape[1]) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `ndb: reference samples have ${ref0.shape[1]} values each, generated ones ${gen0.shape[1]}; compare like with like.`,
      );
    }
    assertAllFinite('ndb: reference', ref0);
    assertAllFinite('ndb: generated', gen0);
    const n1 = ref0.shape[0];
    const n2 = gen0.shape[0];
    const d = ref0.shape[1];
    let k = options.bins ?? 100;
    if (options.centroids) {
      if (!Array.isArray(options.centroids) || options.centroids.some((c) => !Array.isArray(c) || c.length !== d)) {
        throw new GanHacksError('INVALID_SHAPE', `ndb: centroids must be a list of rows of ${d} numbers, as returned in an earlier result.`);
      }
      k = options.centroids.length;
    }
    assertPositiveInteger('ndb: bins', k);
    if (k > n1) {
      throw new GanHacksError('INVALID_ARGUMENT', `ndb: ${k} bins need at least as many reference samples, got ${n1}; use fewer bins or more samples (the reference suggests ~500 per bin).`);
    }
    const [ref, gen] = tf.tidy(() => {
      if (!whitening) return [ref0.clone(), gen0.clone()];
      const { mean, variance } = tf.moments(ref0, 0);
      const std = variance.sqrt().add(1e-6);
      return [ref0.sub(mean).div(std), gen0.sub(mean).div(std)];
    }) as [tf.Tensor2D, tf.Tensor2D];
    try {
      let centers: Float32Array;
      let refLabels: Int32Array;
      if (options.centroids) {
        centers = Float32Array.from(options.centroids.flat());
        refLabels = nearestCenters(ref, centers, k);
      } else {
        const km = kMeans(ref, { k, seed: options.seed, maxIterations: options.maxIterations });
        centers = km.centers;
        refLabels = km.labels;
      }
      const refCounts = new Float64Array(k);
      for (const l of refLabels) refCounts[l]++;
      // Bins sorted by reference size, largest first (as the reference does).
      const order = options.centroids ? Array.from({ length: k }, (_, j) => j) : Array.from({ length: k }, (_, j) => j).sort((a, b) => refCounts[b] - refCounts[a]);
      const genLabels = nearestCenters(gen, centers, k);
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
        significant.push(options.zThreshold !== undefined ? Math.abs(z) > options.zThreshold : 2 * normalCdf(-Math.abs(z)) < alpha);
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
