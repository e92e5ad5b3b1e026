import * as tf from '@tensorflow/tfjs';
import { assertInRange, assertNumericTensor, assertOrdered, optionsObject } from '../internal/validate.js';
import { assertOptionalSeed } from '../layers/limits.js';

/** Options of {@link smoothPositiveLabels}. */
export interface SmoothPositiveLabelsOptions {
  /** Lower bound of the smoothed real label, in [0.5, 1.5]. @defaultValue 0.7 */
  min?: number;
  /**
   * Upper bound of the smoothed real label, in [0.5, 1.5].
   * @defaultValue 1.2 (Salimans et al. keep ≤ 1; the source goes above)
   */
  max?: number;
  /** Seed for reproducible labels (a finite number). */
  seed?: number;
}

/**
 * Checks a label tensor and a smoothing interval. Smoothing moves a label by
 * at most 0.5, half the gap between a real (1) and a fake (0) label, so a
 * smoothed real label stays nearer 1 than 0 and a smoothed fake one nearer 0.
 */
function checkSmoothing(fn: string, y: unknown, min: number, max: number, lo: number, hi: number, seed: unknown): void {
  assertNumericTensor(`${fn}: y`, y);
  assertInRange(`${fn}: min`, min, lo, hi);
  assertInRange(`${fn}: max`, max, lo, hi);
  assertOrdered(`${fn}: min`, min, 'max', max);
  assertOptionalSeed(`${fn}: seed`, seed);
}

/**
 * Label smoothing for real samples (Brownlee, "How to Implement GAN Hacks in Keras to
 * Train Stable Models", 2019; Salimans et al. 2016, {@link https://arxiv.org/abs/1606.03498};
 * docs/experiments/hacks.md): each label y becomes
 * y − (1 − min) + U·(max − min); for the usual y = 1 that is uniform in
 * [min, max], the source's `y - 0.3 + random() * 0.5` with the defaults.
 *
 * Label values are not read back (this runs every iteration); NaN labels give NaN.
 *
 * @example
 * ```ts
 * const real = smoothPositiveLabels(tf.ones([64, 1])); // values in [0.7, 1.2]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when `min > max` or a bound lies outside [0.5, 1.5];
 * `INVALID_ARGUMENT` for a `y` that is not a live tensor of numbers, a non-finite bound or seed;
 * `INVALID_SHAPE` for an empty `y`.
 */
export function smoothPositiveLabels(y: tf.Tensor, options?: SmoothPositiveLabelsOptions | null): tf.Tensor {
  const o = optionsObject('smoothPositiveLabels', options);
  const min = o.min ?? 0.7;
  const max = o.max ?? 1.2;
  checkSmoothing('smoothPositiveLabels', y, min, max, 0.5, 1.5, o.seed);
  return tf.tidy(() => y.toFloat().sub(1 - min).add(tf.randomUniform(y.shape, 0, max - min, 'float32', o.seed)));
}

/** Options of {@link smoothNegativeLabels}. */
export interface SmoothNegativeLabelsOptions {
  /** Lower bound added to the fake label, in [-0.5, 0.5]. @defaultValue 0 */
  min?: number;
  /** Upper bound of the smoothed fake label, in [-0.5, 0.5]. @defaultValue 0.3 */
  max?: number;
  /** Seed for reproducible labels (a finite number). */
  seed?: number;
}

/**
 * Label smoothing for fake samples (Brownlee, "How to Implement GAN Hacks in Keras to
 * Train Stable Models", 2019; docs/experiments/hacks.md): each label y becomes
 * y + U(min, max); for the usual y = 0 that is uniform in [0, 0.3] by default.
 *
 * @example
 * ```ts
 * const fake = smoothNegativeLabels(tf.zeros([64, 1])); // values in [0, 0.3]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when `min > max` or a bound lies outside [-0.5, 0.5];
 * `INVALID_ARGUMENT` for a `y` that is not a live tensor of numbers, a non-finite bound or seed;
 * `INVALID_SHAPE` for an empty `y`.
 */
export function smoothNegativeLabels(y: tf.Tensor, options?: SmoothNegativeLabelsOptions | null): tf.Tensor {
  const o = optionsObject('smoothNegativeLabels', options);
  const min = o.min ?? 0;
  const max = o.max ?? 0.3;
  checkSmoothing('smoothNegativeLabels', y, min, max, -0.5, 0.5, o.seed);
  return tf.tidy(() => y.toFloat().add(tf.randomUniform(y.shape, min, max, 'float32', o.seed)));
}
