import * as tf from '@tensorflow/tfjs';
import { assertFiniteNumber, assertInRange, optionsObject } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

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
 * (Radford et al. 2015, "Unsupervised Representation Learning with Deep
 * Convolutional Generative Adversarial Networks", https://arxiv.org/abs/1511.06434).
 * The Trainer's default for both players.
 *
 * @example
 * ```ts
 * new Trainer({ ..., optimizers: { generator: dcganAdam(), discriminator: dcganAdam({ learningRate: 0.0001 }) } });
 * ```
 */
export function dcganAdam(options: DcganAdamOptions = {}): tf.AdamOptimizer {
  options = optionsObject('dcganAdam', options);
  const learningRate = options.learningRate ?? 0.0002;
  const beta1 = options.beta1 ?? 0.5;
  const beta2 = options.beta2 ?? 0.999;
  assertFiniteNumber('dcganAdam: learningRate', learningRate);
  if (learningRate <= 0) throw new GanHacksError('INVALID_RANGE', `dcganAdam: learningRate must be positive, got ${learningRate}.`);
  assertInRange('dcganAdam: beta1', beta1, 0, 1);
  assertInRange('dcganAdam: beta2', beta2, 0, 1);
  if (beta2 === 1) throw new GanHacksError('INVALID_RANGE', 'dcganAdam: beta2 must be below 1 (at 1 the second moment never forgets and the bias correction divides by zero).');
  return tf.train.adam(learningRate, beta1, beta2);
}
