import type * as tf from '@tensorflow/tfjs';

/**
 * What a discriminator's output means, which decides which final activation
 * D must have and how accuracy is read from it:
 *
 * - `'probability'`: D ends in a sigmoid, outputs in (0, 1); accuracy at 0.5
 *   (`MinimaxGAN`, `NonSaturatingGAN({ fromLogits: false })`).
 * - `'logit'`: D has no final activation (linear); the sign is the decision,
 *   accuracy at 0 (`MinimaxGAN({ fromLogits: true })`, `NonSaturatingGAN`, `HingeGAN`).
 * - `'score'`: D has no final activation; an unbounded critic or regression
 *   score, accuracy at the midpoint of the targets when the loss has targets
 *   (`LSGAN`), none otherwise (`WGAN`, `WGANGP`).
 *
 * A loss cannot see D's activation (telling logits from probabilities would
 * need a device read per call), so a mismatch gives a wrong loss with no
 * error; the Trainer checks the model against `loss.output` when constructed.
 */
export type DiscriminatorOutput = 'probability' | 'logit' | 'score';

/** A loss value with its named parts, all scalars owned by the caller. */
export interface LossTerms {
  /** What the optimizer minimises. */
  total: tf.Scalar;
  /**
   * Named parts that sum (with their weights) to `total`; each becomes a
   * column of the training log. The discriminator's parts on real and fake
   * data are always named `real` and `fake`.
   */
  terms: Record<string, tf.Scalar>;
  /**
   * Values logged with the terms that are not part of the loss (WGANGP's
   * `realFakeDistance`, which `diagnose` reads the critic's Lipschitz ratio from).
   */
  metrics?: Record<string, tf.Scalar>;
}

/** Inputs of {@link GanLoss.discriminatorLoss}: either half may be absent (separate batches). */
export interface DiscriminatorLossInput {
  /** D's outputs on real samples. */
  real?: tf.Tensor;
  /** D's outputs on generated samples. */
  fake?: tf.Tensor;
  /** Targets for the real outputs (smoothed or noisy labels); defaults to the loss's own. */
  realTargets?: tf.Tensor;
  /** Targets for the fake outputs; defaults to the loss's own. */
  fakeTargets?: tf.Tensor;
  /** Class labels of the real samples (int32 [n]), in a class-conditional run. */
  realLabels?: tf.Tensor1D;
  /** Class labels the fakes were generated for (int32 [n]), in a class-conditional run. */
  fakeLabels?: tf.Tensor1D;
  /** D's class logits on the real samples ([n, classes]), when D has an auxiliary classifier. */
  realClassLogits?: tf.Tensor;
  /** D's class logits on the fakes, when D has an auxiliary classifier. */
  fakeClassLogits?: tf.Tensor;
}

/** Inputs of {@link GanLoss.generatorLoss}. */
export interface GeneratorLossInput {
  /** D's outputs on generated samples. */
  fake: tf.Tensor;
  /**
   * D's outputs on real samples of the iteration, given when the loss sets
   * {@link GanLoss.needsRealInGeneratorStep} (relativistic losses).
   */
  real?: tf.Tensor;
  /** Class labels the fakes were generated for, in a class-conditional run. */
  fakeLabels?: tf.Tensor1D;
  /** D's class logits on the fakes, when D has an auxiliary classifier. */
  fakeClassLogits?: tf.Tensor;
  /** Targets the generator aims for; defaults to the loss's "real" target. */
  targets?: tf.Tensor;
}

/** What a loss needs to add a penalty that looks inside the discriminator. */
export interface PenaltyContext {
  /** The discriminator (critic), applied to interpolates. */
  discriminator: tf.LayersModel;
  /** Real batch. */
  real: tf.Tensor;
  /** Generated batch, same shape. */
  fake: tf.Tensor;
  /** Seed for the interpolation weights. */
  seed?: number;
}

/**
 * The loss levels {@link diagnose} reads a run by, for one loss family. The
 * defaults of `diagnose` are BCE's; a loss whose values live on another scale
 * (least squares, hinge) declares its own, and `diagnose({ loss })`, the
 * `FailureMonitor` and `EarlyStopping` use them.
 *
 * @example
 * ```ts
 * diagnose(history, { loss: new LSGAN() }); // reads D halves against [0.024, 0.244], not BCE's [0.25, 1.2]
 * ```
 */
export interface LossBands {
  /** Band of each mean D loss (real half, fake half) when neither player dominates. */
  stableDiscriminatorLoss: [number, number];
  /** Band of the mean G loss when neither player dominates. */
  stableGeneratorLoss: [number, number];
  /** A D loss below this on a half means D classifies that half (almost) perfectly. */
  collapsedLoss: number;
  /** A G loss above this means D rejects (almost) every fake (BCE: D(G(z)) ≈ 0.05, loss 3). */
  risingLevel: number;
  /** A G loss rising faster than this per 100 iterations counts as rising (BCE: 0.5, a sixth of `risingLevel`). */
  risingSlopePer100: number;
}

/**
 * A GAN loss strategy: the pair of discriminator and generator losses of one
 * GAN family (as TF-GAN's `*_discriminator_loss` / `*_generator_loss` pairs).
 *
 * Implementations are small classes holding only their settings; every method
 * is a pure function of its tensor inputs, called inside a gradient tape.
 *
 * Every method validates its inputs on entry without reading tensors back
 * from the device (shapes, dtypes, disposed or empty tensors: `GanHacksError`).
 * Values are not read, so NaN or infinite outputs, and outputs so large that
 * the loss overflows float32, propagate into the returned scalars; the
 * Trainer's NaN guard stops such a run.
 */
export interface GanLoss {
  /** Short identifier, e.g. `'minimax'`, `'wgan-gp'`. */
  readonly name: string;
  /** What the discriminator must output, hence its final activation (see {@link DiscriminatorOutput}). */
  readonly output: DiscriminatorOutput;
  /**
   * Whether the loss reads real/fake targets, so that label smoothing and
   * label noise can act on it. Wasserstein and hinge losses do not.
   */
  readonly usesTargets: boolean;
  /** Whether the discriminator loss needs the real and the fake batch in the same step. */
  readonly needsBothBatches: boolean;
  /**
   * Whether the generator loss reads D's outputs on real samples too
   * (relativistic losses): the Trainer then runs D on the iteration's real
   * batch in G's step and passes it as `real`. @defaultValue false
   */
  readonly needsRealInGeneratorStep?: boolean;
  /**
   * Whether the loss trains an auxiliary classifier (ACGAN): the
   * discriminator then has a second output, class logits, and the Trainer
   * passes them with the labels. @defaultValue false
   */
  readonly usesClassOutputs?: boolean;
  /** Default target of real samples (1 for BCE); used to fill targets when none are given. */
  readonly realTarget: number;
  /** Default target of fake samples (0 for BCE). */
  readonly fakeTarget: number;
  /** The discriminator's loss on whichever halves are given. */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms;
  /** The generator's loss. */
  generatorLoss(input: GeneratorLossInput): LossTerms;
  /** An extra discriminator term that needs the model itself (the gradient penalty). */
  discriminatorPenalty?(context: PenaltyContext): LossTerms;
  /** Called after each discriminator update (weight clipping). */
  afterDiscriminatorUpdate?(discriminator: tf.LayersModel): void;
  /**
   * The loss levels that mean balance, a winning D and a losing G, when they
   * differ from BCE's (the defaults of `diagnose`). Critic losses leave it out:
   * `diagnose` reads them by their growth instead.
   */
  readonly diagnosisBands?: LossBands;
}
