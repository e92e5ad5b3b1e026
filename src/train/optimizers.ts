import * as tf from '@tensorflow/tfjs';
import { assertFiniteNumber } from '../internal/validate.js';

/** Options of {@link dcganAdam}. */
export interface DcganAdamOptions {
  /** @defaultValue 0.0002 */
  learningRate?: number;
  /** @defaultValue 0.5 (Adam's usual 0.9 makes GAN training oscillate) */
  beta1?: number;
  /** @defaultValue 0.999 */
  beta2?: number;
}

/**
 * Adam with the DCGAN settings, learning rate 0.0002 and β1 = 0.5
 * (Radford et al. 2015; EXPERIMENTS.md A6). The Trainer's default for both players.
 *
 * @example
 * ```ts
 * new Trainer({ ..., optimizers: { generator: dcganAdam(), discriminator: dcganAdam({ learningRate: 0.0001 }) } });
 * ```
 */
export function dcganAdam(options: DcganAdamOptions = {}): tf.AdamOptimizer {
  const learningRate = options.learningRate ?? 0.0002;
  const beta1 = options.beta1 ?? 0.5;
  const beta2 = options.beta2 ?? 0.999;
  assertFiniteNumber('dcganAdam: learningRate', learningRate);
  assertFiniteNumber('dcganAdam: beta1', beta1);
  assertFiniteNumber('dcganAdam: beta2', beta2);
  return tf.train.adam(learningRate, beta1, beta2);
}
