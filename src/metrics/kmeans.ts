import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { createRng, type Rng } from '../internal/random.js';
import { LIMITS, assertAtMost, assertFiniteNumber, assertPositiveInteger, assertTensor, optionsObject, show, warnDeprecated } from '../internal/validate.js';

/** Options of {@link kMeans}. */
export interface KMeansOptions {
  /** Number of clusters: an integer in [1, number of samples]. */
  k: number;
  /**
   * At most this many Lloyd iterations, an integer in [1, {@link KMEANS_LIMITS}.iterations].
   * @defaultValue 100 (the NDB reference)
   */
  maxIterations?: number;
  /** Seed of the k-means++ initialisation. @defaultValue unseeded (Math.random) */
  seed?: number;
}

/**
 * Caps of {@link kMeans} (and of `ndb`, which runs it), so that a mistyped
 * count is refused instead of running for hours: Lloyd iterations, samples ×
 * clusters (the distance bounds it keeps, 8 bytes each: 512 MiB at the cap),
 * and the magnitude of a value (squared distances must stay finite in float32).
 *
 * @example
 * ```ts
 * const k = Math.min(100, Math.floor(KMEANS_LIMITS.samplesTimesClusters / samples.shape[0]));
 * ```
 */
export const KMEANS_LIMITS = {
  iterations: 10_000,
  samplesTimesClusters: 2 ** 26,
  magnitude: 1e15,
} as const;

/** Result of {@link kMeans}. */
export interface KMeansResult {
  /** The k cluster means, one row of d numbers each: the form `ndb`'s `centroids` option takes. */
  centroids: number[][];
  /** Cluster (row of `centroids`) of each sample. */
  assignments: number[];
  /** Lloyd iterations run. */
  iterations: number;
  /** Whether the assignments stopped changing before `maxIterations`. */
  converged: boolean;
  /**
   * [k × d] cluster means, row-major.
   * @deprecated Use `centroids` (one row per cluster); `centers` goes in the next minor version.
   */
  readonly centers: Float32Array;
  /**
   * Cluster of each sample.
   * @deprecated Use `assignments`; `labels` goes in the next minor version.
   */
  readonly labels: Int32Array;
}

/** The flat result the library uses internally. @internal */
export interface FlatKMeans {
  centers: Float32Array;
  labels: Int32Array;
  iterations: number;
  converged: boolean;
}

/**
 * Reads a batch [n, ...] as row-major float values, refusing what k-means
 * cannot use: non-tensors, disposed, empty, bool/string tensors, more samples
 * than {@link LIMITS}.samples, non-finite or huge values. @internal
 */
export function readSamples(name: string, x: unknown, rank2 = false): { xs: Float32Array; n: number; d: number } {
  assertTensor(name, x);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must hold numbers (float32 or int32), got dtype ${x.dtype}.`);
  }
  if (rank2 ? x.rank !== 2 : x.rank < 2) {
    throw new GanHacksError('INVALID_SHAPE', `${name} must be ${rank2 ? 'a matrix [n, d]' : 'a batch [n, ...]'}, got shape [${x.shape.join(', ')}].`);
  }
  const n = x.shape[0];
  const d = x.size / Math.max(1, n);
  if (x.size === 0) throw new GanHacksError('INVALID_SHAPE', `${name} is empty (shape [${x.shape.join(', ')}]); pass at least one sample of at least one value.`);
  assertAtMost(`${name}: number of samples`, n, LIMITS.samples);
  const data = x.dataSync();
  const xs = data instanceof Float32Array ? data : Float32Array.from(data as Int32Array);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (!Number.isFinite(v)) {
      throw new GanHacksError('NON_FINITE_INPUT', `${name} contains ${v} at flat index ${i}; check the generator output or the data pipeline.`);
    }
    if (Math.abs(v) > KMEANS_LIMITS.magnitude) {
      throw new GanHacksError('INVALID_RANGE', `${name} holds ${v} at flat index ${i}; values beyond ±${KMEANS_LIMITS.magnitude} overflow squared distances in float32, rescale the data.`);
    }
  }
  return { xs, n, d };
}

/** Checks k-means counts against the samples and {@link KMEANS_LIMITS}. @internal */
export function checkKMeansCounts(fn: string, k: number, n: number, maxIterations: number, kName = 'k'): void {
  assertPositiveInteger(`${fn}: ${kName}`, k);
  if (k > n) {
    throw new GanHacksError('INVALID_RANGE', `${fn}: ${kName} must be at most the number of samples (${n}), got ${show(k)}; use fewer clusters or more samples.`);
  }
  assertAtMost(`${fn}: ${kName} × samples`, k * n, KMEANS_LIMITS.samplesTimesClusters, 'Use fewer clusters or a subsample.');
  assertPositiveInteger(`${fn}: maxIterations`, maxIterations);
  assertAtMost(`${fn}: maxIterations`, maxIterations, KMEANS_LIMITS.iterations);
}

/** Squared norm of each row of a row-major [n × d] matrix. */
function rowNorms(xs: Float32Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = i * d; t < (i + 1) * d; t++) s += xs[t] * xs[t];
    out[i] = s;
  }
  return out;
}

/**
 * Squared distances [m × k] of the given rows of xs to the centres, as
 * ‖x‖² − 2x·c + ‖c‖². The products run as one tfjs matrix product; the
 * broadcasting sums are done here, since tfjs's CPU backend broadcasts slowly.
 */
function distancesTo(xs: Float32Array, xNorms: Float64Array, rows: number[] | null, d: number, centers: Float32Array, k: number): Float32Array {
  const m = rows === null ? xNorms.length : rows.length;
  let sub = xs;
  if (rows !== null) {
    sub = new Float32Array(m * d);
    rows.forEach((i, r) => sub.set(xs.subarray(i * d, (i + 1) * d), r * d));
  }
  const dots = tf.tidy(() => tf.matMul(tf.tensor2d(sub, [m, d]), tf.tensor2d(centers, [k, d]), false, true));
  const out = dots.dataSync() as Float32Array;
  dots.dispose();
  const cNorms = rowNorms(centers, k, d);
  for (let r = 0; r < m; r++) {
    const xn = xNorms[rows === null ? r : rows[r]];
    for (let j = 0; j < k; j++) out[r * k + j] = Math.max(0, xn - 2 * out[r * k + j] + cNorms[j]);
  }
  return out;
}

function rowDistance(xs: Float32Array, i: number, centers: Float32Array, j: number, d: number): number {
  let s = 0;
  const a = i * d;
  const b = j * d;
  for (let t = 0; t < d; t++) {
    const v = xs[a + t] - centers[b + t];
    s += v * v;
  }
  return Math.sqrt(s);
}

/** k-means++ (Arthur & Vassilvitskii 2007): each next centre drawn with probability ∝ D². */
function kMeansPlusPlus(xs: Float32Array, xNorms: Float64Array, n: number, d: number, k: number, rng: Rng): Float32Array {
  const centers = new Float32Array(k * d);
  const first = Math.floor(rng() * n);
  centers.set(xs.subarray(first * d, (first + 1) * d), 0);
  const minD2 = new Float64Array(n).fill(Infinity);
  for (let j = 1; j < k; j++) {
    // Distances to the newest centre only, one matrix-vector product on the backend.
    const d2 = distancesTo(xs, xNorms, null, d, centers.slice((j - 1) * d, j * d), 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (d2[i] < minD2[i]) minD2[i] = d2[i];
      total += minD2[i];
    }
    let pick = n - 1;
    let r = rng() * total;
    for (let i = 0; i < n; i++) {
      r -= minD2[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    centers.set(xs.subarray(pick * d, (pick + 1) * d), j * d);
  }
  return centers;
}

/** Means of the clusters; an empty cluster keeps its previous centre. */
function clusterMeans(xs: Float32Array, labels: Int32Array, previous: Float32Array, k: number, d: number): Float32Array {
  const n = labels.length;
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    counts[j]++;
    const a = i * d;
    const b = j * d;
    for (let t = 0; t < d; t++) sums[b + t] += xs[a + t];
  }
  const out = new Float32Array(k * d);
  for (let j = 0; j < k; j++) {
    for (let t = 0; t < d; t++) out[j * d + t] = counts[j] > 0 ? sums[j * d + t] / counts[j] : previous[j * d + t];
  }
  return out;
}

/**
 * Lloyd's k-means with k-means++ seeding, as scikit-learn's `KMeans` (one
 * initialisation, seeded). The first assignment computes all distances with
 * one tfjs matrix product; later iterations use Elkan's triangle-inequality
 * bounds (2003), which give exactly Lloyd's assignments while computing only
 * the few distances that could change one.
 *
 * Returns `centroids` as rows (`number[][]`, what `ndb({ centroids })` takes)
 * and `assignments` per sample. The flat `centers` / `labels` of 0.1 still
 * work, with a one-time deprecation warning, until the next minor version.
 *
 * @example
 * ```ts
 * const { centroids, assignments } = kMeans(samples2d, { k: 100, seed: 0 });
 * ndb(reference, generated, { centroids }); // reuse the bins
 * ```
 * @throws GanHacksError `INVALID_SHAPE` unless `x` is a non-empty matrix [n, d];
 * `INVALID_ARGUMENT` for a non-tensor, a disposed or bool tensor, a k or
 * maxIterations that is not a positive integer; `INVALID_RANGE` for k above n,
 * counts above {@link KMEANS_LIMITS} / `LIMITS.samples`, or values beyond ±1e15;
 * `NON_FINITE_INPUT` for NaN or infinite values.
 */
export function kMeans(x: tf.Tensor2D, options: KMeansOptions): KMeansResult {
  const o = optionsObject('kMeans', options);
  const k = o.k as number;
  const maxIterations = o.maxIterations ?? 100;
  assertPositiveInteger('kMeans: k', k, 'Pass { k }, the number of clusters.');
  if (o.seed !== undefined) assertFiniteNumber('kMeans: seed', o.seed);
  assertTensor('kMeans: x', x);
  if (x.rank === 2 && x.size > 0) checkKMeansCounts('kMeans', k, x.shape[0], maxIterations);
  const { xs, n, d } = readSamples('kMeans: x', x, true);
  checkKMeansCounts('kMeans', k, n, maxIterations);
  const flat = kMeansFlat(xs, n, d, k, maxIterations, o.seed);
  const result = {
    centroids: Array.from({ length: k }, (_, j) => Array.from(flat.centers.subarray(j * d, (j + 1) * d))),
    assignments: Array.from(flat.labels),
    iterations: flat.iterations,
    converged: flat.converged,
  };
  Object.defineProperty(result, 'centers', {
    enumerable: false,
    get: () => {
      warnDeprecated('kMeans.centers', 'kMeans(...).centers (a flat Float32Array) is replaced by .centroids (one row per cluster); it goes in the next minor version.');
      return flat.centers;
    },
  });
  Object.defineProperty(result, 'labels', {
    enumerable: false,
    get: () => {
      warnDeprecated('kMeans.labels', 'kMeans(...).labels is replaced by .assignments; it goes in the next minor version.');
      return flat.labels;
    },
  });
  return result as KMeansResult;
}

/** k-means on validated row-major data. @internal */
export function kMeansFlat(xs: Float32Array, n: number, d: number, k: number, maxIterations: number, seed: number | undefined): FlatKMeans {
  const rng = createRng(seed ?? Math.random());
  const xNorms = rowNorms(xs, n, d);
  let centers = kMeansPlusPlus(xs, xNorms, n, d, k, rng);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const d2 = distancesTo(xs, xNorms, null, d, centers, k);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      const dist = Math.sqrt(d2[i * k + j]);
      lower[i * k + j] = dist;
      if (dist < best) {
        best = dist;
        labels[i] = j;
      }
    }
    upper[i] = best;
  }
  const stale = new Uint8Array(n);
  const halfGap = new Float64Array(k * k);
  const nearestHalf = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const next = clusterMeans(xs, labels, centers, k, d);
    const shifts = new Float64Array(k);
    for (let j = 0; j < k; j++) shifts[j] = rowDistance(next, j, centers, j, d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) lower[i * k + j] = Math.max(0, lower[i * k + j] - shifts[j]);
      if (shifts[labels[i]] > 0) {
        upper[i] += shifts[labels[i]];
        stale[i] = 1;
      }
    }
    centers = next;
    nearestHalf.fill(Infinity);
    for (let j = 0; j < k; j++) {
      for (let j2 = j + 1; j2 < k; j2++) {
        const h = rowDistance(centers, j, centers, j2, d) / 2;
        halfGap[j * k + j2] = h;
        halfGap[j2 * k + j] = h;
        if (h < nearestHalf[j]) nearestHalf[j] = h;
        if (h < nearestHalf[j2]) nearestHalf[j2] = h;
      }
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      if (upper[i] <= nearestHalf[labels[i]]) continue;
      for (let j = 0; j < k; j++) {
        const a = labels[i];
        if (j === a || upper[i] <= lower[i * k + j] || upper[i] <= halfGap[a * k + j]) continue;
        if (stale[i]) {
          upper[i] = rowDistance(xs, i, centers, a, d);
          lower[i * k + a] = upper[i];
          stale[i] = 0;
          if (upper[i] <= lower[i * k + j] || upper[i] <= halfGap[a * k + j]) continue;
        }
        const dist = rowDistance(xs, i, centers, j, d);
        lower[i * k + j] = dist;
        if (dist < upper[i]) {
          labels[i] = j;
          upper[i] = dist;
          changed++;
        }
      }
    }
    if (changed === 0) {
      converged = true;
      break;
    }
  }
  // Final centres are the means of the final clusters (as the NDB reference recomputes them).
  return { centers: clusterMeans(xs, labels, centers, k, d), labels, iterations, converged };
}

/** Index of the nearest centre (L2) for every row of `x`. @internal */
export function nearestCenters(x: tf.Tensor2D, centers: Float32Array, k: number): Int32Array {
  const [n, d] = x.shape;
  return nearestCentersFlat(x.dataSync() as Float32Array, n, d, centers, k);
}

/** {@link nearestCenters} on row-major data. @internal */
export function nearestCentersFlat(xs: Float32Array, n: number, d: number, centers: Float32Array, k: number): Int32Array {
  const d2 = distancesTo(xs, rowNorms(xs, n, d), null, d, centers, k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      if (d2[i * k + j] < best) {
        best = d2[i * k + j];
        labels[i] = j;
      }
    }
  }
  return labels;
}
