import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertTensor, assertFiniteNumber } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { createRng, sampleDistinct } from '../internal/random.js';

/** Options of {@link noisyLabels}. */
export interface NoisyLabelsOptions {
  /** Seed for a reproducible choice of flipped labels. */
  seed?: number;
}

/**
 * Noisy labels (EXPERIMENTS.md A11): flips exactly round(pFlip · n) distinct
 * labels, y → 1 − y. The source picks indices with replacement and so flips a
 * few less than asked; this picks without replacement.
 *
 * Works on hard and smoothed labels alike (a smoothed 0.9 becomes 0.1).
 *
 * @example
 * ```ts
 * noisyLabels(tf.ones([1000, 1]), 0.05); // exactly 50 zeros
 * ```
 * @throws GanHacksError `INVALID_RANGE` when `pFlip` lies outside [0, 1];
 * `INVALID_SHAPE` when `y` is not [n] or [n, 1].
 */
export function noisyLabels(y: tf.Tensor, pFlip: number, options: NoisyLabelsOptions = {}): tf.Tensor {
  assertTensor('noisyLabels: y', y);
  assertInRange('noisyLabels: pFlip', pFlip, 0, 1);
  if (options.seed !== undefined) assertFiniteNumber('noisyLabels: seed', options.seed);
  if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
    throw new GanHacksError('INVALID_SHAPE', `noisyLabels: y must have shape [n] or [n, 1], got [${y.shape.join(', ')}].`);
  }
  const n = y.shape[0];
  const count = Math.round(pFlip * n);
  const mask = new Uint8Array(n);
  for (const i of sampleDistinct(n, count, createRng(options.seed))) mask[i] = 1;
  return tf.tidy(() => {
    const flip = tf.tensor(mask, y.shape, 'bool');
    const yf = y.toFloat();
    return tf.where(flip, tf.scalar(1).sub(yf), yf);
  });
}
