import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertTensor, assertFiniteNumber } from '../internal/validate.js';
import { enableSecondOrderGradients } from './secondOrder.js';

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /**
   * Interpolation weights, one per sample ([n] or [n, 1, 1, 1]), or a single
   * number for all samples. @defaultValue U(0, 1) per sample
   */
  alpha?: tf.Tensor | number;
  /** Seed for the random interpolation weights. */
  seed?: number;
  /** Added inside the square root of the gradient norm, so its own gradient stays finite at 0 (as TF-GAN). @defaultValue 1e-10 */
  epsilon?: number;
  /** The norm the gradients are pushed towards. @defaultValue 1 */
  target?: number;
  /** Apply the critic in training mode (dropout on, batch statistics). @defaultValue true */
  training?: boolean;
}

/** A function from a batch of inputs to critic scores: a model or any differentiable callable. */
export type Critic = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor);

function applyCritic(critic: Critic, x: tf.Tensor, training: boolean): tf.Tensor {
  if (typeof critic === 'function') return critic(x);
  return critic.apply(x, { training }) as tf.Tensor;
}

/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017, {@link https://arxiv.org/abs/1704.00028}):
 * E[(‖∇ D(x̂)‖₂ − 1)²] with x̂ = α·x + (1 − α)·G(z), α ~ U(0, 1) per sample,
 * the norm taken per sample over all of its other axes.
 *
 * Differentiable with respect to the critic's weights (it takes gradients of
 * gradients), so it can sit inside the critic's loss. The norm is per sample,
 * which is only meaningful if the critic treats samples independently: no
 * batch norm (use layer norm or none).
 *
 * @example
 * ```ts
 * const gp = gradientPenalty(critic, realBatch, fakeBatch); // scalar
 * ```
 * @throws GanHacksError `INVALID_SHAPE` when `real` and `fake` differ in shape.
 */
export function gradientPenalty(critic: Critic, real: tf.Tensor, fake: tf.Tensor, options: GradientPenaltyOptions = {}): tf.Scalar {
  assertTensor('gradientPenalty: real', real);
  assertTensor('gradientPenalty: fake', fake);
  if (!tf.util.arraysEqual(real.shape, fake.shape) || real.rank < 2) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `gradientPenalty: real [${real.shape.join(', ')}] and fake [${fake.shape.join(', ')}] must be batches of the same shape.`,
    );
  }
  const epsilon = options.epsilon ?? 1e-10;
  const target = options.target ?? 1;
  assertFiniteNumber('gradientPenalty: epsilon', epsilon);
  assertFiniteNumber('gradientPenalty: target', target);
  const training = options.training ?? true;
  enableSecondOrderGradients();
  const n = real.shape[0];
  const weightShape = [n, ...real.shape.slice(1).map(() => 1)];
  return tf.tidy(() => {
    let alpha: tf.Tensor;
    if (options.alpha === undefined) alpha = tf.randomUniform(weightShape, 0, 1, 'float32', options.seed);
    else if (typeof options.alpha === 'number') alpha = tf.fill(weightShape, options.alpha);
    else {
      if (options.alpha.size !== n) {
        throw new GanHacksError('INVALID_SHAPE', `gradientPenalty: alpha must hold one weight per sample (${n}), got shape [${options.alpha.shape.join(', ')}].`);
      }
      alpha = options.alpha.reshape(weightShape);
    }
    const interpolates = alpha.mul(real).add(tf.scalar(1).sub(alpha).mul(fake));
    // Samples are independent, so the gradient of the summed scores gives
    // every sample's own input gradient in one backward pass.
    const grads = tf.grad((x: tf.Tensor) => applyCritic(critic, x, training).sum())(interpolates);
    const axes = grads.shape.slice(1).map((_, i) => i + 1);
    const norms = grads.square().sum(axes).add(epsilon).sqrt();
    return norms.sub(target).square().mean() as tf.Scalar;
  });
}
