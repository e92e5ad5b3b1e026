import * as tf from '@tensorflow/tfjs';
import type { Regularizer, RegularizerContext } from './types.js';
import { GanHacksError } from '../errors/index.js';
import { MAX_WEIGHT } from '../losses/functional.js';
import { enableSecondOrderGradients } from '../losses/secondOrder.js';
import { assertAtMost, assertFloatTensor, assertLayersModel, assertNonNegative, optionsObject, show } from '../internal/validate.js';

/** Options of {@link r1Penalty}. */
export interface R1PenaltyOptions {
  /**
   * γ: the penalty is γ/2 · E‖∇ₓD(x)‖², in [0, 1e6]. @defaultValue 10 (the paper's
   * value for CelebA-HQ and most of its experiments)
   */
  gamma?: number;
}

/** Options of {@link r2Penalty}. */
export interface R2PenaltyOptions {
  /** γ: the penalty is γ/2 · E‖∇ₓD(G(z))‖², in [0, 1e6]. @defaultValue 10 */
  gamma?: number;
}

type Half = 'real' | 'fake';

function checkGamma(fn: string, options: R1PenaltyOptions | R2PenaltyOptions | null | undefined): number {
  const gamma = optionsObject(fn, options).gamma ?? 10;
  assertNonNegative(`${fn}: gamma`, gamma);
  assertAtMost(`${fn}: gamma`, gamma, MAX_WEIGHT, 'Larger weights overflow float32 losses; the paper uses 0.1 to 10.');
  return gamma;
}

/**
 * γ/2 · mean over the samples of ‖∇ₓ D(x)‖² on the context's `half`, or a zero
 * scalar when the context has no such batch (the other half's step).
 */
function inputGradientPenalty(fn: string, half: Half, gamma: number, context: RegularizerContext): tf.Scalar {
  if (context === null || typeof context !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: penalty takes a context { model, ${half} } with model the discriminator, got ${show(context)}.`);
  }
  const { model } = context;
  assertLayersModel(`${fn}: model`, model);
  const x = context[half];
  if (x === undefined) return tf.scalar(0);
  assertFloatTensor(`${fn}: ${half}`, x);
  const input = model.inputs.length === 1 ? model.inputs[0].shape.slice(1) : undefined;
  if (!input || x.rank !== input.length + 1 || x.shape[0] === 0 || input.some((d, i) => d !== null && d !== x.shape[i + 1])) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: ${half} [${x.shape.join(', ')}] must be a non-empty batch that fits the discriminator's input [n, ${input ? input.map((d) => d ?? '?').join(', ') : '(several inputs)'}].`,
    );
  }
  // LeakyReLU's and clipping's gradients need gradients of their comparisons to be differentiated again.
  enableSecondOrderGradients();
  const n = x.shape[0];
  try {
    return tf.tidy(() => {
      // Samples are independent (no batch norm), so the gradient of the summed outputs holds each
      // sample's own input gradient; with batch norm this is what the paper's code computes too.
      const grads = tf.grad((input: tf.Tensor) => (model.apply(input, { training: true }) as tf.Tensor).sum())(x);
      return grads.reshape([n, -1]).square().sum(1).mean().mul(gamma / 2) as tf.Scalar;
    });
  } catch (e) {
    if (e instanceof GanHacksError) throw e;
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: the discriminator failed on the ${half} batch [${x.shape.join(', ')}]: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * The R1 regularizer: see {@link r1Penalty}.
 *
 * @example
 * ```ts
 * const r1 = new R1Penalty({ gamma: 1 }); // same as r1Penalty({ gamma: 1 })
 * ```
 * @throws GanHacksError as {@link r1Penalty}.
 */
export class R1Penalty implements Regularizer {
  readonly name = 'r1';
  readonly target = 'discriminator' as const;
  /** R1 looks at real samples only: the Trainer adds it in the updates that hold them. */
  readonly half = 'real' as const;
  readonly gamma: number;

  constructor(options?: R1PenaltyOptions | null) {
    this.gamma = checkGamma('r1Penalty', options);
  }

  /**
   * γ/2 · E‖∇ₓD(x)‖² over the context's real batch, differentiable w.r.t. the
   * discriminator's weights; a zero scalar when the context holds no real batch.
   * @throws GanHacksError `INVALID_ARGUMENT` for a context that is not an object, a model that is
   * not a tf.LayersModel, a non-tensor, disposed or non-float32 batch, or a model that fails on it;
   * `INVALID_SHAPE` for an empty batch or one that does not fit the model's input.
   */
  penalty(context: RegularizerContext): tf.Scalar {
    return inputGradientPenalty('r1Penalty', 'real', this.gamma, context);
  }
}

/**
 * The R2 regularizer: see {@link r2Penalty}.
 *
 * @example
 * ```ts
 * const r2 = new R2Penalty({ gamma: 1 }); // same as r2Penalty({ gamma: 1 })
 * ```
 * @throws GanHacksError as {@link r2Penalty}.
 */
export class R2Penalty implements Regularizer {
  readonly name = 'r2';
  readonly target = 'discriminator' as const;
  /** R2 looks at generated samples only. */
  readonly half = 'fake' as const;
  readonly gamma: number;

  constructor(options?: R2PenaltyOptions | null) {
    this.gamma = checkGamma('r2Penalty', options);
  }

  /**
   * γ/2 · E‖∇ₓD(x̃)‖² over the context's fake batch, differentiable w.r.t. the
   * discriminator's weights; a zero scalar when the context holds no fake batch.
   * @throws GanHacksError as {@link R1Penalty.penalty}, for the fake batch.
   */
  penalty(context: RegularizerContext): tf.Scalar {
    return inputGradientPenalty('r2Penalty', 'fake', this.gamma, context);
  }
}

/**
 * The R1 penalty (Mescheder et al. 2018, "Which Training Methods for GANs do
 * actually Converge?", {@link https://arxiv.org/abs/1801.04406}): adds
 * γ/2 · E_x‖∇ₓD(x)‖² over real samples to the discriminator's loss. Pushing
 * D's gradient to zero on the data makes the game locally convergent where
 * unregularised GANs and WGAN-GP oscillate; StyleGAN and StudioGAN use it.
 * The norm is per sample, over all its pixels, and averaged over the batch.
 *
 * **Which output is differentiated.** D's output as it is, with D applied in
 * training mode as in its own update. The paper (and its code, and StudioGAN)
 * takes it on the logit, so pair R1 with a discriminator that has no final
 * activation and a logit loss (`NonSaturatingGAN`, `HingeGAN`,
 * `RelativisticGAN`). With a sigmoid D the penalty is on the probability's
 * gradient σ(l)(1 − σ(l))·∇l: at most 1/16 of the logit's squared norm and
 * vanishing where D is confident, so the same γ acts far more weakly.
 *
 * **Activations inside D.** The penalty's gradient w.r.t. D's weights is a
 * gradient of a gradient. tfjs 4.22 differentiates tanh, sigmoid and exp from
 * their saved outputs, which its tape does not connect back to their inputs;
 * {@link enableSecondOrderGradients} (called on first use) registers their
 * gradients from the inputs, so the weight gradient equals central
 * differences through them too. Elu is still differentiated from its output.
 *
 * **In the Trainer.** The Trainer calls the penalty inside each discriminator
 * update that holds real samples (its `half` is `'real'`), with the batches D
 * sees there (after `augmentations`): with separate D steps the real step adds
 * and logs it, the fake step does not; the `r1` column is the penalty added.
 *
 * The paper's code multiplies E‖∇‖² by its `reg_param` with no ½: its
 * `reg_param` is this γ/2. The penalty takes gradients of gradients, so its
 * first call runs {@link enableSecondOrderGradients} (once, idempotently: the
 * library's one global registration); constructing it changes nothing.
 *
 * @example
 * ```ts
 * new Trainer({ generator, discriminator: dcganDiscriminator({ inputShape: [28, 28, 1] }),
 *   loss: new NonSaturatingGAN(), latentDim: 100, regularizers: [r1Penalty({ gamma: 10 })] });
 * // by hand, inside D's tape: dLoss.add(r1.penalty({ model: d, real })), r1 = r1Penalty()
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object or a non-finite gamma;
 * `INVALID_RANGE` for a gamma outside [0, 1e6].
 */
export function r1Penalty(options?: R1PenaltyOptions | null): R1Penalty {
  return new R1Penalty(options);
}

/**
 * The R2 penalty (Mescheder et al. 2018, {@link https://arxiv.org/abs/1801.04406}):
 * R1 on generated samples, γ/2 · E_z‖∇ₓD(G(z))‖² added to the discriminator's
 * loss (the fake batch is a constant there: no gradient reaches G). The same
 * conventions as {@link r1Penalty}: D's output as it is (take it on logits),
 * the penalty added (and logged) in the Trainer's updates that hold fakes only.
 *
 * @example
 * ```ts
 * const regularizers = [r1Penalty({ gamma: 10 }), r2Penalty({ gamma: 10 })]; // both halves, as the paper's R1 + R2 runs
 * ```
 * @throws GanHacksError as {@link r1Penalty}.
 */
export function r2Penalty(options?: R2PenaltyOptions | null): R2Penalty {
  return new R2Penalty(options);
}
