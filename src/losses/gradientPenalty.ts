import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, assertFiniteNumber, assertFloatTensor, assertInRange, assertTensor, optionsObject, show } from '../internal/validate.js';
import { enableSecondOrderGradients } from './secondOrder.js';

/** Options of {@link gradientPenalty}. */
export interface GradientPenaltyOptions {
  /**
   * Interpolation weights in [0, 1], one per sample ([n] or [n, 1, 1, 1]), or
   * a single number for all samples. @defaultValue U(0, 1) per sample
   */
  alpha?: tf.Tensor | number;
  /** Seed for the random interpolation weights. */
  seed?: number;
  /** Added inside the square root of the gradient norm, so its own gradient stays finite at 0 (as TF-GAN); in [0, 1]. @defaultValue 1e-10 */
  epsilon?: number;
  /** The norm the gradients are pushed towards, in [0, 1e6]. @defaultValue 1 */
  target?: number;
  /** Apply the critic in training mode (dropout on, batch statistics). @defaultValue true */
  training?: boolean;
}

/** A function from a batch of inputs to critic scores: a model or any differentiable callable. */
export type Critic = tf.LayersModel | ((x: tf.Tensor) => tf.Tensor);

function applyCritic(critic: Critic, x: tf.Tensor, training: boolean): tf.Tensor {
  const out = typeof critic === 'function' ? critic(x) : (critic.apply(x, { training }) as tf.Tensor);
  if (!(out instanceof tf.Tensor)) {
    throw new GanHacksError('INVALID_ARGUMENT', `gradientPenalty: the critic must return a tensor of scores, got ${show(out)}.`);
  }
  return out;
}

/**
 * Checks a real and a fake batch for a penalty: live, non-empty float32
 * batches [n, ...] of the same shape. @internal
 */
export function checkCriticBatches(fn: string, real: unknown, fake: unknown): asserts real is tf.Tensor {
  assertFloatTensor(`${fn}: real`, real);
  assertFloatTensor(`${fn}: fake`, fake);
  if (!tf.util.arraysEqual(real.shape, fake.shape) || real.rank < 2) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: real [${real.shape.join(', ')}] and fake [${fake.shape.join(', ')}] must be batches [n, ...] of the same shape; pair each real sample with one generated sample.`,
    );
  }
}

/**
 * The WGAN-GP gradient penalty (Gulrajani et al. 2017, {@link https://arxiv.org/abs/1704.00028}):
 * E[(‖∇ D(x̂)‖₂ − 1)²] with x̂ = α·x + (1 − α)·G(z), α ~ U(0, 1) per sample,
 * the norm taken per sample over all of its other axes.
 *
 * Differentiable with respect to the critic's weights (it takes gradients of
 * gradients), so it can sit inside the critic's loss. Second-order gradients
 * need {@link enableSecondOrderGradients}, which this function calls (once,
 * idempotently) before it records anything: that is the library's only global
 * registration, and it happens here, where gradients of gradients are taken,
 * never in a constructor. The norm is per sample, which is only meaningful
 * if the critic treats samples independently: no batch norm (use layer norm or none).
 *
 * @example
 * ```ts
 * const gp = gradientPenalty(critic, realBatch, fakeBatch); // scalar
 * ```
 * @throws GanHacksError `INVALID_SHAPE` when `real` and `fake` differ in shape,
 * are empty or have no batch axis, or `alpha` has not one weight per sample;
 * `INVALID_ARGUMENT` for a critic that is neither a model nor a function, a
 * model whose input shape does not fit the batch, a critic that fails or
 * returns no tensor, and non-tensor, disposed or non-float32 inputs;
 * `INVALID_RANGE` for alpha or epsilon outside [0, 1], target outside [0, 1e6].
 */
export function gradientPenalty(critic: Critic, real: tf.Tensor, fake: tf.Tensor, options?: GradientPenaltyOptions | null): tf.Scalar {
  if (typeof critic !== 'function' && !(critic instanceof tf.LayersModel)) {
    throw new GanHacksError('INVALID_ARGUMENT', `gradientPenalty: critic must be a tf.LayersModel or a function from inputs to scores, got ${show(critic)}.`);
  }
  checkCriticBatches('gradientPenalty', real, fake);
  if (critic instanceof tf.LayersModel) {
    const expected = critic.inputs.length === 1 ? critic.inputs[0].shape.slice(1) : undefined;
    if (!expected || expected.length !== real.rank - 1 || expected.some((d, i) => d !== null && d !== real.shape[i + 1])) {
      throw new GanHacksError(
        'INVALID_ARGUMENT',
        `gradientPenalty: the critic takes inputs [n, ${expected ? expected.map((d) => d ?? '?').join(', ') : '(several inputs)'}], but the batches are [${real.shape.join(', ')}].`,
      );
    }
  }
  const o = optionsObject('gradientPenalty', options);
  const epsilon = o.epsilon ?? 1e-10;
  const target = o.target ?? 1;
  const training = o.training ?? true;
  assertInRange('gradientPenalty: epsilon', epsilon, 0, 1);
  assertInRange('gradientPenalty: target', target, 0, 1e6);
  assertBoolean('gradientPenalty: training', training);
  if (o.seed !== undefined) assertFiniteNumber('gradientPenalty: seed', o.seed);
  const n = real.shape[0];
  const weightShape = [n, ...real.shape.slice(1).map(() => 1)];
  const alphaOption = o.alpha;
  if (typeof alphaOption === 'number') assertInRange('gradientPenalty: alpha', alphaOption, 0, 1);
  else if (alphaOption !== undefined) {
    assertTensor('gradientPenalty: alpha', alphaOption);
    if (alphaOption.size !== n) {
      throw new GanHacksError('INVALID_SHAPE', `gradientPenalty: alpha must hold one weight per sample (${n}), got shape [${alphaOption.shape.join(', ')}].`);
    }
    if (alphaOption.dtype !== 'float32') {
      throw new GanHacksError('INVALID_ARGUMENT', `gradientPenalty: alpha must be a float32 tensor, got dtype ${alphaOption.dtype}.`);
    }
  }
  enableSecondOrderGradients();
  try {
    return tf.tidy(() => {
      let alpha: tf.Tensor;
      if (alphaOption === undefined) alpha = tf.randomUniform(weightShape, 0, 1, 'float32', o.seed);
      else if (typeof alphaOption === 'number') alpha = tf.fill(weightShape, alphaOption);
      else alpha = alphaOption.reshape(weightShape);
      const interpolates = alpha.mul(real).add(tf.scalar(1).sub(alpha).mul(fake));
      // Samples are independent, so the gradient of the summed scores gives
      // every sample's own input gradient in one backward pass.
      const grads = tf.grad((x: tf.Tensor) => applyCritic(critic, x, training).sum())(interpolates);
      const axes = grads.shape.slice(1).map((_, i) => i + 1);
      const norms = grads.square().sum(axes).add(epsilon).sqrt();
      return norms.sub(target).square().mean() as tf.Scalar;
    });
  } catch (e) {
    if (e instanceof GanHacksError) throw e;
    throw new GanHacksError('INVALID_ARGUMENT', `gradientPenalty: the critic failed on the interpolated batch [${real.shape.join(', ')}]: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
