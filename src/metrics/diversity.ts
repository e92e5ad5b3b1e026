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
