import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { checkDiscriminatorInput, checkGeneratorInput, filled, sumScalars } from './functional.js';
import { GanHacksError } from '../errors/index.js';
import { assertInRange, optionsObject } from '../internal/validate.js';
import { squaredErrorBands } from './bands.js';
import type { LossBands } from './types.js';

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
 * D outputs an unbounded score (`output === 'score'`: no sigmoid on its last
 * layer); accuracy is read at (a + b) / 2. Targets given to the losses
 * (smoothed or flipped labels) replace a, b and c sample by sample.
 * `diagnose` reads it with BCE's bands carried over to squared errors
 * ({@link squaredErrorBands}): with a = 0, b = c = 1, each D half in
 * [0.024, 0.244], G in [0.034, 0.451], D has won below 0.0012.
 *
 * @example
 * ```ts
 * const loss = new LSGAN(); // a = 0, b = 1, c = 1
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-finite target or
 * realTarget / generatorTarget equal to fakeTarget; `INVALID_RANGE` for a target beyond ±1e6.
 */
export class LSGAN implements GanLoss {
  readonly name = 'lsgan';
  readonly output = 'score' as const;
  readonly usesTargets = true;
  readonly needsBothBatches = false;
  readonly realTarget: number;
  readonly fakeTarget: number;
  readonly generatorTarget: number;
  readonly diagnosisBands: LossBands;

  constructor(options?: LSGANOptions | null) {
    const o = optionsObject('LSGAN', options);
    this.realTarget = o.realTarget ?? 1;
    this.fakeTarget = o.fakeTarget ?? 0;
    this.generatorTarget = o.generatorTarget ?? 1;
    // Bounded so that squared errors stay finite in float32.
    assertInRange('LSGAN: realTarget', this.realTarget, -1e6, 1e6);
    assertInRange('LSGAN: fakeTarget', this.fakeTarget, -1e6, 1e6);
    assertInRange('LSGAN: generatorTarget', this.generatorTarget, -1e6, 1e6);
    if (this.realTarget === this.fakeTarget || this.generatorTarget === this.fakeTarget) {
      throw new GanHacksError(
        'INVALID_ARGUMENT',
        `LSGAN: realTarget and generatorTarget must differ from fakeTarget (got a = ${this.fakeTarget}, b = ${this.realTarget}, c = ${this.generatorTarget}); the usual choices are a = 0, b = c = 1 or a = -1, b = 1, c = 0.`,
      );
    }
    this.diagnosisBands = squaredErrorBands(this.realTarget - this.fakeTarget, this.generatorTarget - this.fakeTarget);
  }

  /** ½E(D(x) − b)² and ½E(D(G(z)) − a)² on the given halves; validated on entry as {@link MinimaxGAN.discriminatorLoss}. */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    checkDiscriminatorInput('lsgan.discriminatorLoss', input, true);
    return tf.tidy(() => {
      const terms: Record<string, tf.Scalar> = {};
      if (input.real) terms.real = meanSquare(input.real, input.realTargets ?? filled(input.real, this.realTarget));
      if (input.fake) terms.fake = meanSquare(input.fake, input.fakeTargets ?? filled(input.fake, this.fakeTarget));
      return { total: sumScalars([terms.real, terms.fake]), terms };
    });
  }

  /** ½E(D(G(z)) − c)², c replaced by `targets` when given. */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    checkGeneratorInput('lsgan.generatorLoss', input, true);
    return tf.tidy(() => ({
      total: meanSquare(input.fake, input.targets ?? filled(input.fake, this.generatorTarget)),
      terms: {},
    }));
  }
}
