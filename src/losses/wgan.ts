import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { checkDiscriminatorInput, checkGeneratorInput, sumScalars } from './functional.js';
import { assertFiniteNumber, assertLayersModel, optionsObject } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

/**
 * The critic's loss E D(G(z)) − E D(x), split into its real and fake parts
 * (Arjovsky et al. 2017). Critic scores carry no targets.
 *
 * @example
 * ```ts
 * const { total, terms } = wassersteinCriticLoss({ real: critic(x), fake: critic(g(z)) });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_SHAPE` for a missing, empty,
 * non-float32 or disposed tensor, targets, or real and fake scores of different per-sample shapes.
 */
export function wassersteinCriticLoss(input: DiscriminatorLossInput): LossTerms {
  checkDiscriminatorInput('wassersteinCriticLoss', input, false);
  return criticLoss(input);
}

/** {@link wassersteinCriticLoss} without validation. @internal */
export function criticLoss(input: DiscriminatorLossInput): LossTerms {
  return tf.tidy(() => {
    const terms: Record<string, tf.Scalar> = {};
    if (input.real) terms.real = input.real.mean().neg() as tf.Scalar;
    if (input.fake) terms.fake = input.fake.mean() as tf.Scalar;
    return { total: sumScalars([terms.real, terms.fake]), terms };
  });
}

/** Options of {@link WGAN}. */
export interface WGANOptions {
  /** Critic weights are clipped to [−clipValue, clipValue] after every update. @defaultValue 0.01 */
  clipValue?: number;
}

/**
 * Wasserstein GAN with weight clipping (Arjovsky et al. 2017,
 * {@link https://arxiv.org/abs/1701.07875}): L_D = E D(G(z)) − E D(x),
 * L_G = −E D(G(z)), critic weights clipped after every update. The critic
 * outputs an unbounded score (`output === 'score'`: no sigmoid on its last
 * layer), so no accuracy is logged.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator: critic, loss: new WGAN(), discriminatorSteps: 5, ... });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-finite clipValue, `INVALID_RANGE` for one ≤ 0.
 */
export class WGAN implements GanLoss {
  readonly name: string = 'wgan';
  readonly output = 'score' as const;
  readonly usesTargets = false;
  readonly needsBothBatches: boolean = false;
  readonly realTarget = 1;
  readonly fakeTarget = -1;
  readonly clipValue: number;

  constructor(options?: WGANOptions | null) {
    this.clipValue = optionsObject('WGAN', options).clipValue ?? 0.01;
    assertFiniteNumber('WGAN: clipValue', this.clipValue);
    if (this.clipValue <= 0) throw new GanHacksError('INVALID_RANGE', `WGAN: clipValue must be > 0, got ${this.clipValue}.`);
  }

  /** E D(G(z)) − E D(x), validated as {@link wassersteinCriticLoss}. */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    checkDiscriminatorInput(`${this.name}.discriminatorLoss`, input, false);
    return criticLoss(input);
  }

  /** −E D(G(z)). */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    checkGeneratorInput(`${this.name}.generatorLoss`, input, false);
    return tf.tidy(() => ({ total: input.fake.mean().neg() as tf.Scalar, terms: {} }));
  }

  /** Clips every trainable weight of the critic to [−clipValue, clipValue]. */
  afterDiscriminatorUpdate(discriminator: tf.LayersModel): void {
    assertLayersModel('WGAN.afterDiscriminatorUpdate: discriminator', discriminator);
    const c = this.clipValue;
    for (const w of discriminator.trainableWeights) {
      const clipped = tf.tidy(() => w.read().clipByValue(-c, c));
      w.write(clipped);
      clipped.dispose();
    }
  }
}
