import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertAllFinite, assertAtMost, assertNumericTensor, assertRank } from '../internal/validate.js';

/**
 * Most samples in one batch of a pairwise-distance measure: the distance
 * matrix grows with n² (4,096² = 16.8 M entries). Pass a random subset.
 */
export const MAX_PAIRWISE_SAMPLES = 4096;

/**
 * Squared L2 distances between the rows of a [n, d] and b [m, d], via ‖a‖² − 2a·b + ‖b‖²
 * (clamped at 0 against rounding).
 *
 * @example
 * ```ts
 * pairwiseSquaredDistances(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]])); // [[25]]
 * ```
 * @throws GanHacksError `INVALID_SHAPE` unless both are non-empty rank-2 tensors with the same
 * number of columns; `INVALID_RANGE` above 4,096 rows; `INVALID_ARGUMENT` for a value that is not
 * a live tensor of numbers.
 */
export function pairwiseSquaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    assertNumericTensor(`pairwiseSquaredDistances: ${name}`, t);
    assertRank(`pairwiseSquaredDistances: ${name}`, t, [2]);
    assertAtMost(`pairwiseSquaredDistances: rows of ${name}`, t.shape[0], MAX_PAIRWISE_SAMPLES, 'Pass a random subset.');
  }
  if (a.shape[1] !== b.shape[1]) {
    throw new GanHacksError('INVALID_SHAPE', `pairwiseSquaredDistances: a and b must have as many columns, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}].`);
  }
  return squaredDistances(a, b);
}

/**
 * Squared distances of a / s and b / s, with s the largest |value| of both
 * (1 when all are 0): scaling first keeps the squares inside float32 for
 * values from 1e-30 to 1e30 (unscaled, 1e20 squared is Infinity and
 * Infinity − Infinity gives NaN). Returns the scaled distances and s.
 */
function scaledSquaredDistances(a: tf.Tensor, b: tf.Tensor): { d2: tf.Tensor2D; scale: tf.Scalar } {
  return tf.tidy(() => {
    const af = a.toFloat();
    const bf = b.toFloat();
    const m = tf.maximum(af.abs().max(), bf.abs().max());
    const scale = tf.where(m.greater(0), m, tf.onesLike(m)) as tf.Scalar;
    const as = af.div(scale);
    const bs = bf.div(scale);
    const aa = as.square().sum(1, true);
    const bb = bs.square().sum(1, true).transpose();
    const d2 = aa.sub(tf.matMul(as, bs, false, true).mul(2)).add(bb).relu() as tf.Tensor2D;
    return { d2, scale };
  });
}

function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const { d2, scale } = scaledSquaredDistances(a, b);
    // Twice by the scale rather than by its square, which may overflow and turn 0 into NaN.
    return d2.mul(scale).mul(scale) as tf.Tensor2D;
  });
}

/** Checks a batch of at least 2 samples (no reading yet). */
function checkBatch(name: string, x: unknown): asserts x is tf.Tensor {
  assertNumericTensor(name, x);
  if (x.rank < 2 || x.shape[0] < 2) {
    throw new GanHacksError('INVALID_SHAPE', `${name} must be a batch of at least 2 samples, got shape [${x.shape.join(', ')}].`);
  }
  assertAtMost(`${name}: batch size`, x.shape[0], MAX_PAIRWISE_SAMPLES, 'Pairwise distances grow with n²: pass a random subset.');
}

function flatten(name: string, x: tf.Tensor): tf.Tensor2D {
  checkBatch(name, x);
  return tf.tidy(() => x.reshape([x.shape[0], -1]).toFloat() as tf.Tensor2D);
}

/**
 * Mean L2 distance between all pairs of distinct samples of a batch: a
 * simple measure of diversity that drops when a generator collapses.
 *
 * @example
 * ```ts
 * meanPairwiseDistance(generator.predict(z) as tf.Tensor); // e.g. 18.7 for healthy MNIST samples in [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_SHAPE` for fewer than 2 samples or an empty sample;
 * `INVALID_RANGE` above 4,096 samples; `NON_FINITE_INPUT` for NaN or ±Infinity.
 */
export function meanPairwiseDistance(samples: tf.Tensor): number {
  const flat = flatten('meanPairwiseDistance: samples', samples);
  try {
    assertAllFinite('meanPairwiseDistance: samples', flat);
    const n = flat.shape[0];
    const both = tf.tidy(() => {
      const { d2, scale } = scaledSquaredDistances(flat, flat);
      return tf.stack([d2.sqrt().sum().div(n * (n - 1)), scale]);
    });
    const [mean, scale] = both.dataSync();
    both.dispose();
    return mean * scale;
  } finally {
    flat.dispose();
  }
}

/**
 * Diversity of generated samples relative to real ones: the ratio of their
 * mean pairwise distances. About 1 for a healthy generator; well below 1
 * under mode collapse (docs/experiments/failure-modes.md, B2: 13.0 / 18.8 ≈ 0.69).
 *
 * The ratio is undefined when the real samples are all identical (their mean
 * distance is 0): that is refused rather than returned as Infinity or NaN.
 *
 * @example
 * ```ts
 * sampleDiversity(fakeBatch, realBatch); // 0.99 healthy, 0.7 collapsed
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when the real samples are all identical;
 * otherwise as {@link meanPairwiseDistance}, for either batch.
 */
export function sampleDiversity(generated: tf.Tensor, real: tf.Tensor): number {
  checkBatch('sampleDiversity: generated', generated);
  checkBatch('sampleDiversity: real', real);
  const realDistance = meanPairwiseDistance(real);
  assertSpread('sampleDiversity', 'mean pairwise distance', realDistance);
  return meanPairwiseDistance(generated) / realDistance;
}

/** Refuses a zero spread of the real samples, the denominator of a diversity ratio. */
export function assertSpread(fn: string, measure: string, value: number): void {
  if (!(value > 0)) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${fn}: the real samples have ${measure} ${value}: they are all identical (or duplicated), so a ratio to them is undefined. Pass a batch of distinct real samples.`,
    );
  }
}

/**
 * Median distance from each sample to its nearest other sample in the batch.
 * Near-duplicates (the signature of mode collapse) drive it towards 0.
 *
 * @example
 * ```ts
 * medianNearestNeighborDistance(realBatch); // ~11 for 500 MNIST eights in [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_SHAPE` for fewer than 2 samples or an empty sample;
 * `INVALID_RANGE` above 4,096 samples; `NON_FINITE_INPUT` for NaN or ±Infinity.
 */
export function medianNearestNeighborDistance(samples: tf.Tensor): number {
  const flat = flatten('medianNearestNeighborDistance: samples', samples);
  try {
    assertAllFinite('medianNearestNeighborDistance: samples', flat);
    // Scaled squared distances are at most 4 · features, far below the 1e30 put on the diagonal.
    const nn = tf.tidy(() => {
      const { d2, scale } = scaledSquaredDistances(flat, flat);
      return tf.concat([d2.add(tf.eye(flat.shape[0]).mul(1e30)).min(1).sqrt(), scale.reshape([1])]);
    });
    const read = nn.dataSync();
    nn.dispose();
    const scale = read[read.length - 1];
    const values = Array.from(read.subarray(0, read.length - 1)).sort((a, b) => a - b);
    const mid = values.length / 2;
    return (values.length % 2 ? values[Math.floor(mid)] : (values[mid - 1] + values[mid]) / 2) * scale;
  } finally {
    flat.dispose();
  }
}

/**
 * How far generated samples sit from their nearest neighbours compared with
 * real ones: the ratio of {@link medianNearestNeighborDistance} of each batch.
 * About 1 for a healthy generator; near 0 when it repeats a few outputs (B2's
 * collapsed generator: 0.005, B1's: 0.8). Compare batches of equal size: the
 * distance shrinks as a batch grows.
 *
 * @example
 * ```ts
 * nearestNeighborRatio(fakeBatch, realBatch); // 0.8 healthy, <0.3 collapsed
 * ```
 * @throws GanHacksError `INVALID_SHAPE` when the batches differ in size; `INVALID_ARGUMENT`
 * when the real samples' median nearest-neighbour distance is 0 (mostly duplicates: the ratio
 * would be Infinity); otherwise as {@link medianNearestNeighborDistance}, for either batch.
 */
export function nearestNeighborRatio(generated: tf.Tensor, real: tf.Tensor): number {
  checkBatch('nearestNeighborRatio: generated', generated);
  checkBatch('nearestNeighborRatio: real', real);
  if (generated.shape[0] !== real.shape[0]) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `nearestNeighborRatio: compare batches of the same size (nearest-neighbour distances shrink as a batch grows); got ${generated.shape[0]} generated and ${real.shape[0]} real samples.`,
    );
  }
  const realNeighbor = medianNearestNeighborDistance(real);
  assertSpread('nearestNeighborRatio', 'median nearest-neighbour distance', realNeighbor);
  return medianNearestNeighborDistance(generated) / realNeighbor;
}
