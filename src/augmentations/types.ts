import type * as tf from '@tensorflow/tfjs';
import type { RegularizerState } from '../regularizers/types.js';

/** Which half of the discriminator's input a batch is. */
export type AugmentedBatch = 'real' | 'fake';

/** Which update the discriminator's output feeds: its own step, or the generator's. */
export type AugmentedStep = 'discriminator' | 'generator';

/** What an {@link Augmentation} is told about the batch it transforms. */
export interface AugmentationContext {
  /** Whether the batch holds real or generated samples. */
  batch: AugmentedBatch;
  /** The discriminator's own update, or the generator's (where only fakes pass through D). */
  step: AugmentedStep;
  /** Iterations finished before this one (0 in the first); schedules (instance noise's decay) read it. */
  iteration: number;
  /** A seed drawn from the run's random stream for this call, so a seeded run repeats and resumes exactly. */
  seed: number;
}

/**
 * A transformation of the discriminator's inputs, applied by the Trainer to
 * every batch on its way into D: real and fake batches in D's update, the
 * fake batch in G's update (inside the gradient tape, so a differentiable
 * augmentation passes G's gradient through). Instance noise, DiffAugment and
 * the replay buffer are augmentations; the Trainer owns none of them.
 *
 * The discriminator's penalties and regularizers (the gradient penalty, R1)
 * see the augmented batches of D's update, as D does; the generator-side
 * regularizers (feature matching) see G's samples as they are.
 *
 * A stateful augmentation (the replay buffer) saves and restores its state
 * with the run's checkpoints, as a stateful regularizer does.
 *
 * @example
 * ```ts
 * const flip: Augmentation = {
 *   name: 'flip',
 *   apply: (images) => tf.reverse(images, 2), // mirror every batch D sees
 * };
 * new Trainer({ generator, discriminator, latentDim: 50, augmentations: [flip] });
 * ```
 */
export interface Augmentation {
  /** Shown in messages; also the key of its state in checkpoints. */
  readonly name: string;
  /**
   * The batch D sees instead of `images`: a new tensor (the caller owns it), or `images` itself when this
   * call leaves the batch as it is. Must keep the batch's sample shape; may change the batch size only for
   * fakes in D's step (the replay buffer does not).
   */
  apply(images: tf.Tensor, context: AugmentationContext): tf.Tensor;
  /** The state a checkpoint keeps (tensors are copies the receiver owns). */
  saveState?(): RegularizerState;
  /** Restores what `saveState` returned, taking ownership of the tensors; throws `CHECKPOINT_INVALID` when they do not fit. */
  loadState?(state: RegularizerState): void;
  /** Frees tensors the augmentation holds (`trainer.dispose()` calls it). */
  dispose?(): void;
}
