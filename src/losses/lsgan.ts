import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { filled, sumScalars } from './functional.js';
import { assertFiniteNumber } from '../internal/validate.js';

/** Options of {@link LSGAN}; the a-b-c coding of Mao et al. */
export interface LSGANOptions {
  /** Target of fake samples for D. @defaultValue 0 */
  fakeTarget?: number;
  /** Target of real samples for D. @defaultValue 1 */
  realTarget?: number;
  /** Target G wants D to output for its samples. @defaultValue 1 */
  generatorTarget?: number;
}

function meanSquare(output: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => output.sub(targets).square().mean().mul(0.5) as tf.Scalar);
}

/**
 * Least-squares GAN (Mao et al. 2017, {@link https://arxiv.org/abs/1611.04076}):
 * L_D = ½E(D(x) − b)² + ½E(D(G(z)) − a)², L_G = ½E(D(G(z)) − c)².
 * D outputs an unbounded score (no sigmoid); accuracy is read at (a + b) / 2.
 *
 * @example
 * ```ts
 * const loss = new LSGAN(); // a = 0, b = 1, c = 1
 * ```
 */
export class LSGAN implements GanLoss {
  readonly name = 'lsgan';
  readonly output = 'score' as const;
  readonly usesTargets = true;
  readonly needsBothBatches = false;
  readonly realTarget: number;
  readonly fakeTarget: number;
  readonly generatorTarget: number;

  constructor(options: LSGANOptions = {}) {
    this.realTarget = options.realTarget ?? 1;
    this.fakeTarget = options.fakeTarget ?? 0;
    this.generatorTarget = options.generatorTarget ?? 1;
    assertFiniteNumber('LSGAN: realTarget', this.realTarget);
    assertFiniteNumber('LSGAN: fakeTarget', this.fakeTarget);
    assertFiniteNumber('LSGAN: generatorTarget', this.generatorTarget);
  }

  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    return tf.tidy(() => {
      const terms: Record<string, tf.Scalar> = {};
      if (input.real) terms.real = meanSquare(input.real, input.realTargets ?? filled(input.real, this.realTarget));
      if (input.fake) terms.fake = meanSquare(input.fake, input.fakeTargets ?? filled(input.fake, this.fakeTarget));
      return { total: sumScalars([terms.real, terms.fake]), terms };
    });
  }

  generatorLoss(input: GeneratorLossInput): LossTerms {
    return tf.tidy(() => ({
      total: meanSquare(input.fake, input.targets ?? filled(input.fake, this.generatorTarget)),
      terms: {},
    }));
  }
}
