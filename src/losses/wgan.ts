import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { sumScalars } from './functional.js';
import { assertFiniteNumber } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

/** The critic's loss E D(G(z)) − E D(x), split into its real and fake parts. */
export function wassersteinCriticLoss(input: DiscriminatorLossInput): LossTerms {
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
 * outputs an unbounded score, so no accuracy is logged.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator: critic, loss: new WGAN(), discriminatorSteps: 5, ... });
 * ```
 */
export class WGAN implements GanLoss {
  readonly name: string = 'wgan';
  readonly output = 'score' as const;
  readonly usesTargets = false;
  readonly needsBothBatches: boolean = false;
  readonly realTarget = 1;
  readonly fakeTarget = -1;
  readonly clipValue: number;

  constructor(options: WGANOptions = {}) {
    this.clipValue = options.clipValue ?? 0.01;
    assertFiniteNumber('WGAN: clipValue', this.clipValue);
    if (this.clipValue <= 0) throw new GanHacksError('INVALID_RANGE', `WGAN: clipValue must be > 0, got ${this.clipValue}.`);
  }

  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    return wassersteinCriticLoss(input);
  }

  generatorLoss(input: GeneratorLossInput): LossTerms {
    return tf.tidy(() => ({ total: input.fake.mean().neg() as tf.Scalar, terms: {} }));
  }

  afterDiscriminatorUpdate(discriminator: tf.LayersModel): void {
    const c = this.clipValue;
    for (const w of discriminator.trainableWeights) {
      const clipped = tf.tidy(() => w.read().clipByValue(-c, c));
      w.write(clipped);
      clipped.dispose();
    }
  }
}
