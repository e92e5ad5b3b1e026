import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertNumericTensor, assertRank, show } from '../internal/validate.js';
import { pairwiseSquaredDistances } from './diversity.js';

/**
 * Caps of the feature-space metrics ({@link frechetDistance},
 * {@link kernelDistance}, {@link classifierScore}, {@link precisionRecall},
 * {@link densityCoverage}), so that a mistyped size is refused with
 * `INVALID_RANGE` instead of running for minutes or exhausting memory:
 *
 * - `samples`: rows of one input (65,536; FID is usually reported on 10k-50k samples);
 * - `features`: columns of one input (2,048, the width of Inception's pool3 features):
 *   the Fréchet distance decomposes two d × d matrices on the host, which grows with d³;
 * - `magnitude`: largest |value| (1e15), so squared distances and covariances stay finite in float32;
 * - `multiplyAdds`: work of the pairwise metrics (2^40 ≈ 1.1e12 multiply-adds: the n² · d of
 *   the k-NN distances, or subsets · 3 · subsetSize² · d of the kernel distance).
 *
 * @example
 * ```ts
 * const n = Math.min(real.shape[0], FEATURE_METRIC_LIMITS.samples);
 * ```
 */
export const FEATURE_METRIC_LIMITS = {
  samples: 65_536,
  features: 2_048,
  magnitude: 1e15,
  multiplyAdds: 2 ** 40,
} as const;

/**
 * Rows per block of the chunked pairwise distances: one block pair is a
 * 1,024 × 1,024 float32 matrix (4 MiB), whatever the number of samples.
 * @internal
 */
export const NEIGHBOUR_BLOCK = 1024;

/**
 * Checks a feature matrix's kind and shape (no read yet): a live numeric
 * Tensor2D within the caps, with at least `minSamples` rows. `need` says why
 * that many are needed. @internal
 */
export function checkFeatureShape(fn: string, name: string, x: unknown, minSamples: number, need: string): { n: number; d: number } {
  const label = `${fn}: ${name}`;
  assertNumericTensor(label, x);
  assertRank(label, x, [2], 'Pass features as a matrix [samples, features]: run images through a feature network (or flatten them) first.');
  const [n, d] = x.shape as [number, number];
  assertAtMost(`${label}: number of samples`, n, FEATURE_METRIC_LIMITS.samples, 'Pass a random subset.');
  assertAtMost(`${label}: number of features`, d, FEATURE_METRIC_LIMITS.features, 'Use a narrower feature layer or project the features.');
  if (n < minSamples) {
    throw new GanHacksError('INVALID_RANGE', `${label} has ${n} samples; ${need}, so pass at least ${minSamples}.`);
  }
  return { n, d };
}

/** Refuses two feature matrices of different widths. @internal */
export function checkSameWidth(fn: string, real: tf.Tensor, fake: tf.Tensor): void {
  if (real.shape[1] !== fake.shape[1]) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: real and fake features must have as many columns (the same feature network), got [${real.shape.join(', ')}] and [${fake.shape.join(', ')}].`,
    );
  }
}

/** Refuses work above {@link FEATURE_METRIC_LIMITS}.multiplyAdds. @internal */
export function checkWork(fn: string, what: string, multiplyAdds: number, hint: string): void {
  if (multiplyAdds > FEATURE_METRIC_LIMITS.multiplyAdds) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${fn}: ${what} needs about ${multiplyAdds.toExponential(2)} multiply-adds, above the cap of ${FEATURE_METRIC_LIMITS.multiplyAdds.toExponential(2)} (FEATURE_METRIC_LIMITS.multiplyAdds). ${hint}`,
    );
  }
}

/**
 * Reads whether all values are finite and their largest magnitude (one small
 * read), refusing NaN / ±Infinity and values beyond the magnitude cap.
 * Returns the largest |value|. @internal
 */
export function checkFeatureValues(fn: string, name: string, x: tf.Tensor): number {
  const read = tf.tidy(() => {
    const xf = x.toFloat();
    return tf.stack([tf.logicalNot(tf.isFinite(xf)).any().toFloat(), xf.abs().max()]);
  });
  const [bad, maxAbs] = read.dataSync();
  read.dispose();
  if (bad) {
    throw new GanHacksError('NON_FINITE_INPUT', `${fn}: ${name} contains NaN or infinite values; check the generator output or the feature network before computing metrics.`);
  }
  if (maxAbs > FEATURE_METRIC_LIMITS.magnitude) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${fn}: ${name} holds a value of magnitude ${show(maxAbs)}, beyond ±${FEATURE_METRIC_LIMITS.magnitude}: squared distances would overflow float32. Rescale the features.`,
    );
  }
  return maxAbs;
}

/** Refuses a `k` that leaves no k-th neighbour (k ≥ samples). @internal */
export function checkNeighbours(fn: string, k: unknown, n: number, name: string): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: k must be a positive integer (the neighbourhood size), got ${show(k)}.`);
  }
  if (k > n - 1) {
    throw new GanHacksError('INVALID_RANGE', `${fn}: k (${k}) must be below the number of ${name} samples (${n}): each sample needs k other samples as neighbours. Use a smaller k or more samples.`);
  }
}

/** [start, size] of the row blocks of n rows. */
function blocks(n: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += NEIGHBOUR_BLOCK) out.push([s, Math.min(NEIGHBOUR_BLOCK, n - s)]);
  return out;
}

/**
 * Squared distance from each row of x to its k-th nearest other row (the
 * row itself excluded by index, so a duplicate counts as a neighbour at
 * distance 0, as in the references, which drop the point's own zero).
 * Blocks of {@link NEIGHBOUR_BLOCK} rows keep memory bounded; one read per
 * row block. @internal
 */
export function kthNeighbourSquaredDistances(x: tf.Tensor2D, k: number): Float32Array {
  const n = x.shape[0];
  const out = new Float32Array(n);
  for (const [r0, rs] of blocks(n)) {
    const rows = tf.tidy(() => x.slice([r0, 0], [rs, -1]).toFloat() as tf.Tensor2D);
    // The k smallest squared distances so far, negated (topk keeps the largest).
    let best: tf.Tensor2D | undefined;
    try {
      for (const [c0, cs] of blocks(n)) {
        const next = tf.tidy(() => {
          const cols = x.slice([c0, 0], [cs, -1]).toFloat() as tf.Tensor2D;
          let d2: tf.Tensor2D = pairwiseSquaredDistances(rows, cols);
          if (c0 === r0) d2 = tf.where(tf.eye(rs).cast('bool'), tf.fill([rs, cs], Infinity), d2);
          const candidates = best ? tf.concat([best, d2.neg()], 1) : d2.neg();
          return tf.topk(candidates, Math.min(k, candidates.shape[1])).values as tf.Tensor2D;
        });
        best?.dispose();
        best = next;
      }
      const kth = tf.tidy(() => (best as tf.Tensor2D).slice([0, k - 1], [rs, 1]).neg());
      out.set(kth.dataSync() as Float32Array, r0);
      kth.dispose();
    } finally {
      best?.dispose();
      rows.dispose();
    }
  }
  return out;
}

/** What {@link crossNeighbourhoods} counts. @internal */
export interface CrossCounts {
  /** Per fake sample: how many real k-NN balls contain it. */
  realBallsPerFake: Int32Array;
  /** Per real sample: 1 when its own k-NN ball contains a fake sample. */
  fakeInOwnBall: Uint8Array;
  /** Per real sample: 1 when it lies in some fake sample's k-NN ball (only with fake radii). */
  inSomeFakeBall: Uint8Array;
}

/**
 * One pass over the real × fake squared distances, block by block (one read
 * per block pair), comparing each distance with the real sample's radius and,
 * when given, the fake sample's. `strict` compares with `<`, otherwise `≤`.
 * @internal
 */
export function crossNeighbourhoods(
  real: tf.Tensor2D,
  fake: tf.Tensor2D,
  realRadii: Float32Array,
  fakeRadii: Float32Array | undefined,
  strict: boolean,
): CrossCounts {
  const nR = real.shape[0];
  const nF = fake.shape[0];
  const counts: CrossCounts = { realBallsPerFake: new Int32Array(nF), fakeInOwnBall: new Uint8Array(nR), inSomeFakeBall: new Uint8Array(nR) };
  const inside = (d2: tf.Tensor, radii: tf.Tensor): tf.Tensor => (strict ? tf.less(d2, radii) : tf.lessEqual(d2, radii));
  for (const [r0, rs] of blocks(nR)) {
    for (const [f0, fs] of blocks(nF)) {
      const read = tf.tidy(() => {
        const d2 = pairwiseSquaredDistances(real.slice([r0, 0], [rs, -1]).toFloat() as tf.Tensor2D, fake.slice([f0, 0], [fs, -1]).toFloat() as tf.Tensor2D);
        const inReal = inside(d2, tf.tensor2d(realRadii.subarray(r0, r0 + rs), [rs, 1])).toFloat();
        const parts = [inReal.sum(0), inReal.max(1)];
        if (fakeRadii) parts.push(inside(d2, tf.tensor2d(fakeRadii.subarray(f0, f0 + fs), [1, fs])).toFloat().max(1));
        return tf.concat(parts);
      });
      const v = read.dataSync();
      read.dispose();
      for (let j = 0; j < fs; j++) counts.realBallsPerFake[f0 + j] += v[j];
      for (let i = 0; i < rs; i++) {
        if (v[fs + i]) counts.fakeInOwnBall[r0 + i] = 1;
        if (fakeRadii && v[fs + rs + i]) counts.inSomeFakeBall[r0 + i] = 1;
      }
    }
  }
  return counts;
}

/** Work of the k-NN metrics: the three n² · d distance passes (real-real, fake-fake, real-fake). @internal */
export function neighbourWork(nR: number, nF: number, d: number): number {
  return (nR * nR + nF * nF + nR * nF) * d;
}
