import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms, PenaltyContext } from './types.js';
import { criticLoss } from './wgan.js';
import { checkCriticBatches, gradientPenalty } from './gradientPenalty.js';
import { checkDiscriminatorInput, checkGeneratorInput } from './functional.js';
import { assertAtMost, assertBoolean, assertLayersModel, assertNonNegative, optionsObject } from '../internal/validate.js';
import { MAX_WEIGHT } from './functional.js';
import { GanHacksError } from '../errors/index.js';
import { layersOf } from '../internal/layers.js';

/** Options of {@link WGANGP}. */
export interface WGANGPOptions {
  /** λ, the weight of the gradient penalty, in [0, 1e6]. @defaultValue 10 (the paper and the source) */
  gradientPenaltyWeight?: number;
  /**
   * Warn (once per critic, through `console.warn`) when the critic contains
   * batch normalisation. @defaultValue true
   */
  warnOnBatchNorm?: boolean;
}

const warnedCritics = new WeakSet<object>();

/**
 * Whether a model contains a batch normalisation layer, nested models included.
 *
 * @example
 * ```ts
 * containsBatchNorm(dcganDiscriminator({ inputShape: [28, 28, 1], normalization: 'batch' })); // true
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `model` is not a tf.LayersModel.
 */
export function containsBatchNorm(model: tf.LayersModel): boolean {
  assertLayersModel('containsBatchNorm: model', model);
  for (const layer of layersOf(model)) if (layer.getClassName() === 'BatchNormalization') return true;
  return false;
}

/** Mean Euclidean distance between row i of `a` and row i of `b` (samples flattened). */
export function pairDistance(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const n = Math.min(a.shape[0], b.shape[0]);
    const d = a.slice(0, n).sub(b.slice(0, n)).reshape([n, -1]);
    return d.square().sum(1).sqrt().mean() as tf.Scalar;
  });
}

/**
 * WGAN with gradient penalty (Gulrajani et al. 2017, {@link https://arxiv.org/abs/1704.00028}):
 * L_D = E D(G(z)) − E D(x) + λ·E(‖∇D(x̂)‖₂ − 1)², L_G = −E D(G(z)).
 *
 * The penalty needs the real and the fake batch together, so a Trainer runs
 * it with the combined discriminator step. It warns once when the critic has
 * batch normalisation: batch norm makes each sample's score depend on the
 * whole batch, so the per-sample gradient the penalty constrains is not the
 * critic's gradient any more (docs/experiments/wgan-gp.md: the source's
 * batch-normalised critic diverged, its G loss reaching ~7,300).
 *
 * Constructing it has no global effect. The penalty takes gradients of
 * gradients, which need {@link enableSecondOrderGradients}: it is called (once,
 * idempotently) by the first {@link gradientPenalty} computation, that is the
 * first {@link WGANGP.discriminatorPenalty}, not by this constructor.
 *
 * @example
 * ```ts
 * const loss = new WGANGP({ gradientPenaltyWeight: 10 });
 * const critic = dcganDiscriminator({ inputShape: [28, 28, 1], normalization: 'layer' });
 * ```
 */
export class WGANGP implements GanLoss {
  readonly name = 'wgan-gp';
  readonly output = 'score' as const;
  readonly usesTargets = false;
  readonly needsBothBatches = true;
  readonly realTarget = 1;
  readonly fakeTarget = -1;
  readonly gradientPenaltyWeight: number;
  readonly warnOnBatchNorm: boolean;

  constructor(options?: WGANGPOptions | null) {
    const o = optionsObject('WGANGP', options);
    this.gradientPenaltyWeight = o.gradientPenaltyWeight ?? 10;
    this.warnOnBatchNorm = o.warnOnBatchNorm ?? true;
    assertNonNegative('WGANGP: gradientPenaltyWeight', this.gradientPenaltyWeight);
    assertAtMost('WGANGP: gradientPenaltyWeight', this.gradientPenaltyWeight, MAX_WEIGHT, 'Larger weights overflow float32 losses; the paper uses 10.');
    assertBoolean('WGANGP: warnOnBatchNorm', this.warnOnBatchNorm);
  }

  /** E D(G(z)) − E D(x), validated as {@link wassersteinCriticLoss}. */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    checkDiscriminatorInput('wgan-gp.discriminatorLoss', input, false);
    return criticLoss(input);
  }

  /** −E D(G(z)). */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    checkGeneratorInput('wgan-gp.generatorLoss', input, false);
    return tf.tidy(() => ({ total: input.fake.mean().neg() as tf.Scalar, terms: {} }));
  }

  /**
   * λ · gradient penalty, logged as `gradientPenalty` (unweighted), with the
   * mean distance between the paired real and generated samples it
   * interpolates, logged as `realFakeDistance`: a 1-Lipschitz critic's scores
   * cannot differ between real and generated samples by more than that
   * distance, which is how {@link diagnose} tells a critic the penalty no longer controls.
   */
  discriminatorPenalty(context: PenaltyContext): LossTerms {
    if (context === null || typeof context !== 'object') {
      throw new GanHacksError('INVALID_ARGUMENT', 'WGANGP.discriminatorPenalty: pass { discriminator, real, fake }.');
    }
    assertLayersModel('WGANGP.discriminatorPenalty: discriminator', context.discriminator);
    checkCriticBatches('WGANGP.discriminatorPenalty', context.real, context.fake);
    this.checkCritic(context.discriminator);
    return tf.tidy(() => {
      const gp = gradientPenalty(context.discriminator, context.real, context.fake, { seed: context.seed });
      return {
        total: gp.mul(this.gradientPenaltyWeight) as tf.Scalar,
        terms: { gradientPenalty: gp },
        metrics: { realFakeDistance: pairDistance(context.real, context.fake) },
      };
    });
  }

  /**
   * Warns once per critic when it has batch normalisation. Called by
   * {@link WGANGP.discriminatorPenalty}; call it yourself in a custom loop.
   */
  checkCritic(critic: tf.LayersModel): void {
    assertLayersModel('WGANGP.checkCritic: critic', critic);
    if (!this.warnOnBatchNorm || warnedCritics.has(critic) || !containsBatchNorm(critic)) return;
    warnedCritics.add(critic);
    console.warn(
      `[gan-hacks] WGANGP: the critic "${critic.name}" contains BatchNormalization. ` +
        'The gradient penalty constrains each sample\'s own gradient, but batch norm makes every score depend on the whole batch, ' +
        'so the penalty no longer controls the critic and training tends to diverge (docs/experiments/wgan-gp.md: G loss ~7,300 after 100 epochs). ' +
        "Use layer normalisation or none, e.g. dcganDiscriminator({ normalization: 'layer' }).",
    );
  }
}
