import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertAllFinite, assertTensor } from '../internal/validate.js';

/** Squared L2 distances between the rows of a [n, d] and b [m, d], via ‖a‖² − 2a·b + ‖b‖². */
export function pairwiseSquaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aa = a.square().sum(1, true);
    const bb = b.square().sum(1, true).transpose();
    return aa.sub(tf.matMul(a, b, false, true).mul(2)).add(bb).relu() as tf.Tensor2D;
  });
}

function flatten(name: string, x: tf.Tensor): tf.Tensor2D {
  assertTensor(name, x);
  if (x.rank < 2 || x.shape[0] < 2) {
    throw new GanHacksError('INVALID_SHAPE', `${name} must be a batch of at least 2 samples, got shape [${x.shape.join(', ')}].`);
  }
  return tf.tidy(() => x.reshape([x.shape[0], -1]) as tf.Tensor2D);
}

/**
 * Mean L2 distance between all pairs of distinct samples of a batch: a
 * simple measure of diversity that drops when a generator collapses.
 *
 * @example
 * ```ts
 * meanPairwiseDistance(generator.predict(z) as tf.Tensor); // e.g. 18.7 for healthy MNIST samples in [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_SHAPE` for fewer than 2 samples; `NON_FINITE_INPUT` for NaN.
 */
export function meanPairwiseDistance(samples: tf.Tensor): number {
  const flat = flatten('meanPairwiseDistance: samples', samples);
  try {
    assertAllFinite('meanPairwiseDistance: samples', flat);
    const n = flat.shape[0];
    const mean = tf.tidy(() => pairwiseSquaredDistances(flat, flat).sqrt().sum().div(n * (n - 1)));
    const value = mean.dataSync()[0];
    mean.dispose();
    return value;
  } finally {
    flat.dispose();
  }
}

/**
 * Diversity of generated samples relative to real ones: the ratio of their
 * mean pairwise distances. About 1 for a healthy generator; well below 1
 * under mode collapse (EXPERIMENTS.md B2: 13.0 / 18.8 ≈ 0.69).
 *
 * @example
 * ```ts
 * sampleDiversity(fakeBatch, realBatch); // 0.99 healthy, 0.7 collapsed
 * ```
 */
export function sampleDiversity(generated: tf.Tensor, real: tf.Tensor): number {
  return meanPairwiseDistance(generated) / meanPairwiseDistance(real);
}

/**
 * Median distance from each sample to its nearest other sample in the batch.
 * Near-duplicates (the signature of mode collapse) drive it towards 0.
 *
 * @example
 * ```ts
 * medianNearestNeighborDistance(realBatch); // ~11 for 500 MNIST eights in [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_SHAPE` for fewer than 2 samples; `NON_FINITE_INPUT` for NaN.
 */
export function medianNearestNeighborDistance(samples: tf.Tensor): number {
  const flat = flatten('medianNearestNeighborDistance: samples', samples);
  try {
    assertAllFinite('medianNearestNeighborDistance: samples', flat);
    const nn = tf.tidy(() => pairwiseSquaredDistances(flat, flat).add(tf.eye(flat.shape[0]).mul(1e30)).min(1).sqrt());
    const values = Array.from(nn.dataSync()).sort((a, b) => a - b);
    nn.dispose();
    const mid = values.length / 2;
    return values.length % 2 ? values[Math.floor(mid)] : (values[mid - 1] + values[mid]) / 2;
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
 * @throws GanHacksError `INVALID_SHAPE` when the batches differ in size.
 */
export function nearestNeighborRatio(generated: tf.Tensor, real: tf.Tensor): number {
  if (generated.shape[0] !== real.shape[0]) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `nearestNeighborRatio: compare batches of the same size (nearest-neighbour distances shrink as a batch grows); got ${generated.shape[0]} generated and ${real.shape[0]} real samples.`,
    );
  }
  return medianNearestNeighborDistance(generated) / medianNearestNeighborDistance(real);
}
