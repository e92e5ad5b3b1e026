import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossBands, LossTerms } from './types.js';
import { bce, checkDiscriminatorInput, checkGeneratorInput, checkOutputs, filled } from './functional.js';
import { BCE_BANDS } from './bands.js';
import { GanHacksError } from '../errors/index.js';

/**
 * The loss levels of the relativistic average loss. Each D half is a BCE on a
 * relative logit (C(x_r) − mean C(x_f), or C(x_f) − mean C(x_r)), log 2 ≈ 0.69
 * at balance as BCE is at D = 0.5, and it means the same thing at every level:
 * the probability D gives the right answer, read relatively. So D's bands are
 * BCE's. G's loss is the sum of two such terms with the labels swapped, and when
 * every output sits at its mean both equal BCE's G loss at the same relative
 * logit: G's levels are twice BCE's ([0.6, 6], balance at 2 log 2 ≈ 1.39, rising level 6).
 */
const RELATIVISTIC_BANDS: Readonly<LossBands> = Object.freeze({
  stableDiscriminatorLoss: [...BCE_BANDS.stableDiscriminatorLoss] as [number, number],
  stableGeneratorLoss: [2 * BCE_BANDS.stableGeneratorLoss[0], 2 * BCE_BANDS.stableGeneratorLoss[1]] as [number, number],
  collapsedLoss: BCE_BANDS.collapsedLoss,
  risingLevel: 2 * BCE_BANDS.risingLevel,
  risingSlopePer100: 2 * BCE_BANDS.risingSlopePer100,
});

/** Checks G's `real` input: D's outputs on real samples, shaped like the fake outputs per sample. */
function checkRealInGeneratorStep(fn: string, real: unknown, fake: tf.Tensor): asserts real is tf.Tensor {
  if (real === undefined) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: pass real too: G's loss compares its samples with D's outputs on real samples (run D on a real batch in G's step).`);
  }
  checkOutputs(`${fn}: real`, real);
  if (!tf.util.arraysEqual(real.shape.slice(1), fake.shape.slice(1))) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: real [${real.shape.join(', ')}] and fake [${fake.shape.join(', ')}] outputs must have the same shape per sample (batch sizes may differ); both come from the same discriminator.`,
    );
  }
}

/** Mean BCE of `x − mean(other)` against the constant `target`, on logits. */
function relative(x: tf.Tensor, other: tf.Tensor, target: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = x.sub(other.mean());
    return bce(filled(logits, target), logits, true);
  });
}

/**
 * The relativistic average GAN loss, RaSGAN (Jolicoeur-Martineau 2018, "The
 * relativistic discriminator: a key element missing from standard GAN",
 * {@link https://arxiv.org/abs/1807.00734}; TF-GAN and StudioGAN ship it). D
 * judges whether a real sample is more realistic than the average fake, and a
 * fake less realistic than the average real: with C the raw output,
 * L_D = BCE(C(x_r) − mean C(x_f), 1) + BCE(C(x_f) − mean C(x_r), 0) and
 * L_G = BCE(C(x_f) − mean C(x_r), 1) + BCE(C(x_r) − mean C(x_f), 0), the means
 * over the whole batch of outputs. G's loss reads real samples too, so G
 * learns to make real data look less real as well as fakes more real.
 *
 * - D outputs logits (`output === 'logit'`: no sigmoid on its last layer; the
 *   Trainer refuses a sigmoid D). It reads no targets, so label smoothing and
 *   noise do not apply.
 * - It needs both halves in D's step (`needsBothBatches`: the Trainer uses
 *   the combined step) and D's outputs on real samples in G's step
 *   (`needsRealInGeneratorStep`: the Trainer passes D's outputs on the
 *   iteration's last real batch, half as many as the fakes; the means make
 *   unequal batch sizes fine).
 * - The terms are logged as `dLossReal` and `dLossFake`; each is log 2 at
 *   balance as BCE's are, so `diagnose` reads D with BCE's bands and G, a sum
 *   of two such terms, with twice BCE's ({@link RelativisticGAN.diagnosisBands}).
 *   The loss reads only differences of outputs, so adding a constant to all of
 *   them changes nothing: `dAccReal` / `dAccFake`, read at 0 on the raw
 *   outputs, mean less than with BCE; read the loss columns.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   generator, discriminator: dcganDiscriminator({ inputShape: [28, 28, 1] }), // logits
 *   loss: new RelativisticGAN(), latentDim: 100,
 * });
 * ```
 */
export class RelativisticGAN implements GanLoss {
  readonly name = 'relativistic';
  readonly output = 'logit' as const;
  readonly usesTargets = false;
  readonly needsBothBatches = true;
  readonly needsRealInGeneratorStep = true;
  readonly realTarget = 1;
  readonly fakeTarget = 0;
  /** D's bands are BCE's, G's twice BCE's: [0.6, 6], rising level 6 (see the class summary). */
  readonly diagnosisBands: LossBands = RELATIVISTIC_BANDS;

  /**
   * BCE(C(x_r) − mean C(x_f), 1) as `real` and BCE(C(x_f) − mean C(x_r), 0) as `fake`.
   * @throws GanHacksError `INVALID_ARGUMENT` when a half is missing (both are needed), for a
   * non-tensor, disposed or non-float32 output, or when targets are given (`INCOMPATIBLE_OPTIONS`);
   * `INVALID_SHAPE` for empty outputs or halves of different per-sample shapes.
   */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    const fn = 'relativistic.discriminatorLoss';
    checkDiscriminatorInput(fn, input, false);
    const { real, fake } = input;
    if (real === undefined || fake === undefined) {
      // checkDiscriminatorInput has checked the other half and, when both are given, their per-sample shapes.
      throw new GanHacksError('INVALID_ARGUMENT', `${fn}: pass ${real === undefined ? 'real' : 'fake'} too: the relativistic loss compares each half with the mean of the other (use the combined discriminator step).`);
    }
    return tf.tidy(() => {
      const terms = { real: relative(real, fake, 1), fake: relative(fake, real, 0) };
      return { total: terms.real.add(terms.fake) as tf.Scalar, terms };
    });
  }

  /**
   * BCE(C(x_f) − mean C(x_r), 1) + BCE(C(x_r) − mean C(x_f), 0); `real` is required.
   * @throws GanHacksError `INVALID_ARGUMENT` without `real` (a Trainer passes it because
   * `needsRealInGeneratorStep` is set; a custom loop must run D on a real batch in G's step),
   * for a non-tensor, disposed or non-float32 output, `INCOMPATIBLE_OPTIONS` for targets;
   * `INVALID_SHAPE` as {@link RelativisticGAN.discriminatorLoss}.
   */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    const fn = 'relativistic.generatorLoss';
    checkGeneratorInput(fn, input, false);
    const { real, fake } = input;
    checkRealInGeneratorStep(fn, real, fake);
    return tf.tidy(() => ({ total: relative(fake, real, 1).add(relative(real, fake, 0)) as tf.Scalar, terms: {} }));
  }
}
