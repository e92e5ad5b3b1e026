import * as tf from '@tensorflow/tfjs';
import { assertFiniteNumber, assertOrdered, assertTensor } from '../internal/validate.js';

/** Options of {@link smoothPositiveLabels}. */
export interface SmoothPositiveLabelsOptions {
  /** Lower bound of the smoothed real label. @defaultValue 0.7 */
  min?: number;
  /** Upper bound of the smoothed real label. @defaultValue 1.2 (Salimans et al. keep ≤ 1; the source goes above) */
  max?: number;
  /** Seed for reproducible labels. */
  seed?: number;
}

/**
 * Label smoothing for real samples (EXPERIMENTS.md A10): each label y becomes
 * y − (1 − min) + U·(max − min); for the usual y = 1 that is uniform in
 * [min, max], the source's `y - 0.3 + random() * 0.5` with the defaults.
 *
 * @example
 * ```ts
 * const real = smoothPositiveLabels(tf.ones([64, 1])); // values in [0.7, 1.2]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when `min > max`.
 */
export function smoothPositiveLabels(y: tf.Tensor, options: SmoothPositiveLabelsOptions = {}): tf.Tensor {
  assertTensor('smoothPositiveLabels: y', y);
  const min = options.min ?? 0.7;
  const max = options.max ?? 1.2;
  assertOrdered('smoothPositiveLabels: min', min, 'max', max);
  if (options.seed !== undefined) assertFiniteNumber('smoothPositiveLabels: seed', options.seed);
  return tf.tidy(() => y.toFloat().sub(1 - min).add(tf.randomUniform(y.shape, 0, max - min, 'float32', options.seed)));
}

/** Options of {@link smoothNegativeLabels}. */
export interface SmoothNegativeLabelsOptions {
  /** Lower bound added to the fake label. @defaultValue 0 */
  min?: number;
  /** Upper bound of the smoothed fake label. @defaultValue 0.3 */
  max?: number;
  /** Seed for reproducible labels. */
  seed?: number;
}

/**
 * Label smoothing for fake samples (EXPERIMENTS.md A10): each label y becomes
 * y + U(min, max); for the usual y = 0 that is uniform in [0, 0.3] by default.
 *
 * @example
 * ```ts
 * const fake = smoothNegativeLabels(tf.zeros([64, 1])); // values in [0, 0.3]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when `min > max`.
 */
export function smoothNegativeLabels(y: tf.Tensor, options: SmoothNegativeLabelsOptions = {}): tf.Tensor {
  assertTensor('smoothNegativeLabels: y', y);
  const min = options.min ?? 0;
  const max = options.max ?? 0.3;
  assertOrdered('smoothNegativeLabels: min', min, 'max', max);
  if (options.seed !== undefined) assertFiniteNumber('smoothNegativeLabels: seed', options.seed);
  return tf.tidy(() => y.toFloat().add(tf.randomUniform(y.shape, min, max, 'float32', options.seed)));
}
