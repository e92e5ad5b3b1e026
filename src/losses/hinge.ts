import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { checkDiscriminatorInput, checkGeneratorInput, sumScalars } from './functional.js';
import { hingeBands } from './bands.js';

/**
 * Hinge loss (Lim & Ye 2017, {@link https://arxiv.org/abs/1705.02894}; used by SAGAN and BigGAN):
 * L_D = E max(0, 1 − D(x)) + E max(0, 1 + D(G(z))), L_G = −E D(G(z)).
 * D outputs an unbounded score read like a logit (`output === 'logit'`: no
 * sigmoid on its last layer; its sign is the decision, accuracy is read at 0).
 * It reads no targets (`usesTargets` is false), so label smoothing and noise do not apply. `diagnose` reads it with
 * BCE's bands carried over through D's logits ({@link hingeBands}).
 *
 * @example
 * ```ts
 * const loss = new HingeGAN();
 * ```
 */
export class HingeGAN implements GanLoss {
  readonly name = 'hinge';
  readonly output = 'logit' as const;
  readonly usesTargets = false;
  readonly needsBothBatches = false;
  readonly realTarget = 1;
  readonly fakeTarget = -1;
  readonly diagnosisBands = hingeBands();

  /** E max(0, 1 − D(x)) and E max(0, 1 + D(G(z))) on the given halves; validated on entry (targets refused). */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    checkDiscriminatorInput('hinge.discriminatorLoss', input, false);
    return tf.tidy(() => {
      const terms: Record<string, tf.Scalar> = {};
      if (input.real) terms.real = tf.relu(tf.scalar(1).sub(input.real)).mean() as tf.Scalar;
      if (input.fake) terms.fake = tf.relu(tf.scalar(1).add(input.fake)).mean() as tf.Scalar;
      return { total: sumScalars([terms.real, terms.fake]), terms };
    });
  }

  /** −E D(G(z)). */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    checkGeneratorInput('hinge.generatorLoss', input, false);
    return tf.tidy(() => ({ total: input.fake.mean().neg() as tf.Scalar, terms: {} }));
  }
}
