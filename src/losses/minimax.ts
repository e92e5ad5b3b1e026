import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { binaryCrossEntropy, filled, PROBABILITY_EPSILON, sumScalars } from './functional.js';

/** Options of {@link MinimaxGAN}. */
export interface MinimaxGANOptions {
  /** Whether D outputs logits instead of probabilities. @defaultValue false (a sigmoid output, as in the sources) */
  fromLogits?: boolean;
  /**
   * Use the original, saturating generator loss E[log(1 − D(G(z)))] of
   * Goodfellow et al. (2014). By default the generator instead minimises
   * −E[log D(G(z))] (BCE against the real label), which is what the sources do
   * ("G is trained with labels 1 for its fakes").
   * @defaultValue false
   */
  saturating?: boolean;
}

/**
 * The standard GAN loss with binary cross-entropy (Goodfellow et al. 2014,
 * {@link https://arxiv.org/abs/1406.2661}): L_D = −E log D(x) − E log(1 − D(G(z))),
 * L_G = −E log D(G(z)). The sources' default; label smoothing and noisy labels act on its targets.
 *
 * @example
 * ```ts
 * const loss = new MinimaxGAN();
 * const { total, terms } = loss.discriminatorLoss({ real: d(x), fake: d(g(z)) });
 * ```
 */
export class MinimaxGAN implements GanLoss {
  readonly name: string = 'minimax';
  readonly output: 'probability' | 'logit';
  readonly usesTargets = true;
  readonly needsBothBatches = false;
  readonly realTarget = 1;
  readonly fakeTarget = 0;
  readonly fromLogits: boolean;
  readonly saturating: boolean;

  constructor(options: MinimaxGANOptions = {}) {
    this.fromLogits = options.fromLogits ?? false;
    this.saturating = options.saturating ?? false;
    this.output = this.fromLogits ? 'logit' : 'probability';
  }

  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    return tf.tidy(() => {
      const terms: Record<string, tf.Scalar> = {};
      if (input.real) {
        terms.real = binaryCrossEntropy(input.realTargets ?? filled(input.real, this.realTarget), input.real, this.fromLogits);
      }
      if (input.fake) {
        terms.fake = binaryCrossEntropy(input.fakeTargets ?? filled(input.fake, this.fakeTarget), input.fake, this.fromLogits);
      }
      return { total: sumScalars([terms.real, terms.fake]), terms };
    });
  }

  generatorLoss(input: GeneratorLossInput): LossTerms {
    return tf.tidy(() => {
      let total: tf.Scalar;
      if (this.saturating) {
        // E[log(1 - D(G(z)))], minimised: log(1 - sigmoid(x)) = -softplus(x).
        total = this.fromLogits
          ? (tf.softplus(input.fake).neg().mean() as tf.Scalar)
          : (tf.scalar(1).sub(input.fake.clipByValue(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)).log().mean() as tf.Scalar);
      } else {
        total = binaryCrossEntropy(input.targets ?? filled(input.fake, this.realTarget), input.fake, this.fromLogits);
      }
      return { total, terms: {} };
    });
  }
}

/** Options of {@link NonSaturatingGAN}. */
export interface NonSaturatingGANOptions {
  /** Whether D outputs logits. @defaultValue true (numerically stabler than probabilities) */
  fromLogits?: boolean;
}

/**
 * The non-saturating GAN loss (Goodfellow et al. 2014, §3): the generator
 * maximises log D(G(z)) instead of minimising log(1 − D(G(z))), which keeps
 * its gradients alive early in training. Takes logits by default, where the
 * losses are softplus(−D(x)) + softplus(D(G(z))) and softplus(−D(G(z))).
 *
 * @example
 * ```ts
 * const loss = new NonSaturatingGAN(); // pair with dcganDiscriminator, which outputs logits
 * ```
 */
export class NonSaturatingGAN extends MinimaxGAN {
  override readonly name = 'non-saturating';

  constructor(options: NonSaturatingGANOptions = {}) {
    super({ fromLogits: options.fromLogits ?? true, saturating: false });
  }
}
