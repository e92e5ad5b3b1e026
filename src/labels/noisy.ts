import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertNumericTensor, optionsObject, show, warnDeprecated } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { createRng, sampleDistinct } from '../internal/random.js';
import { assertOptionalSeed } from '../layers/limits.js';

/** Options of {@link noisyLabels}. */
export interface NoisyLabelsOptions {
  /** Fraction of labels to flip, in [0, 1]. @defaultValue 0.05 (the source's 5%) */
  pFlip?: number;
  /** Seed for a reproducible choice of flipped labels (a finite number). */
  seed?: number;
}

/**
 * Noisy labels (Brownlee, "How to Implement GAN Hacks in Keras to Train Stable
 * Models", 2019; docs/experiments/hacks.md): flips exactly round(pFlip · n)
 * distinct labels, y → 1 − y. The source picks indices with replacement and so
 * flips a few less than asked; this picks without replacement.
 *
 * Works on hard and smoothed labels alike (a smoothed 0.9 becomes 0.1). Label
 * values are not read back (this runs every iteration); NaN labels give NaN.
 *
 * @example
 * ```ts
 * noisyLabels(tf.ones([1000, 1]), { pFlip: 0.05, seed: 1 }); // exactly 50 zeros
 * ```
 * @throws GanHacksError `INVALID_RANGE` when `pFlip` lies outside [0, 1]; `INVALID_SHAPE`
 * when `y` is not [n] or [n, 1] with n ≥ 1; `INVALID_ARGUMENT` for a `y` that is not a live
 * tensor of numbers, a non-finite pFlip or seed; `INCOMPATIBLE_OPTIONS` when the deprecated
 * positional pFlip and `options.pFlip` are both given.
 */
export function noisyLabels(y: tf.Tensor, options?: NoisyLabelsOptions | null): tf.Tensor;
/**
 * @deprecated since 0.2: pass `pFlip` in the options, `noisyLabels(y, { pFlip, seed })`.
 * This form keeps working for one minor version, with a one-time warning.
 */
export function noisyLabels(y: tf.Tensor, pFlip: number, options?: Omit<NoisyLabelsOptions, 'pFlip'> | null): tf.Tensor;
export function noisyLabels(
  y: tf.Tensor,
  second?: number | NoisyLabelsOptions | null,
  third?: Omit<NoisyLabelsOptions, 'pFlip'> | null,
): tf.Tensor {
  let o: NoisyLabelsOptions;
  if (typeof second === 'number') {
    warnDeprecated('noisyLabels(y, pFlip, options)', 'noisyLabels(y, pFlip, { seed }) is now noisyLabels(y, { pFlip, seed }).');
    const rest = optionsObject('noisyLabels', third) as NoisyLabelsOptions;
    if (rest.pFlip !== undefined) {
      throw new GanHacksError('INCOMPATIBLE_OPTIONS', `noisyLabels: pFlip was given twice (${show(second)} and options.pFlip ${show(rest.pFlip)}); pass only noisyLabels(y, { pFlip, seed }).`);
    }
    o = { ...rest, pFlip: second };
  } else {
    if (third !== undefined && third !== null) {
      throw new GanHacksError('INVALID_ARGUMENT', 'noisyLabels: pass one options object, noisyLabels(y, { pFlip, seed }); got a third argument.');
    }
    o = optionsObject('noisyLabels', second);
  }
  assertNumericTensor('noisyLabels: y', y);
  const pFlip = o.pFlip ?? 0.05;
  assertInRange('noisyLabels: pFlip', pFlip, 0, 1);
  assertOptionalSeed('noisyLabels: seed', o.seed);
  if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) {
    throw new GanHacksError('INVALID_SHAPE', `noisyLabels: y must have shape [n] or [n, 1], got [${y.shape.join(', ')}].`);
  }
  const n = y.shape[0];
  const count = Math.round(pFlip * n);
  const mask = new Uint8Array(n);
  for (const i of sampleDistinct(n, count, createRng(o.seed))) mask[i] = 1;
  return tf.tidy(() => {
    const flip = tf.tensor(mask, y.shape, 'bool');
    const yf = y.toFloat();
    return tf.where(flip, tf.scalar(1).sub(yf), yf);
  });
}
