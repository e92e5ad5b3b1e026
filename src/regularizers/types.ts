import type * as tf from '@tensorflow/tfjs';

/** Which player's loss a regularizer adds to. */
export type Player = 'generator' | 'discriminator';

/** What a regularizer may look at when computing its penalty. */
export interface RegularizerContext {
  /** The model whose loss the penalty joins (generator or discriminator). */
  model: tf.LayersModel;
  /** The discriminator, for penalties that look inside it (feature matching). */
  discriminator?: tf.LayersModel;
  /** A real batch of the current iteration. */
  real?: tf.Tensor;
  /** A generated batch of the current step (still attached to the generator's graph). */
  fake?: tf.Tensor;
}

/**
 * What a stateful regularizer needs to continue after a checkpoint: tensors
 * (copies: the receiver owns and disposes them) and plain numbers.
 */
export interface RegularizerState {
  tensors: tf.Tensor[];
  values: Record<string, number>;
}

/**
 * A term added to one player's loss inside its gradient tape. The Trainer
 * calls `penalty` during that player's step and `afterUpdate` after its
 * optimizer step; both can also be called by hand in a custom loop.
 */
export interface Regularizer {
  /** Column name of the penalty in the training log. */
  readonly name: string;
  /** The player whose loss the penalty joins. */
  readonly target: Player;
  /**
   * The half of D's input the penalty looks at, for discriminator penalties
   * that need one (R1: `'real'`, R2: `'fake'`): the Trainer then adds and logs
   * it only in updates that hold that half (with separate D steps, not in the
   * other half's step, where it would log a 0 and halve the column's mean).
   * @defaultValue undefined (every update of the target)
   */
  readonly half?: 'real' | 'fake';
  /**
   * When true, the penalty replaces the loss strategy's generator loss
   * instead of adding to it (feature matching as Salimans et al. use it).
   */
  readonly replacesLoss?: boolean;
  /** The weighted penalty, a scalar differentiable w.r.t. the target's weights. */
  penalty(context: RegularizerContext): tf.Scalar;
  /** Updates internal state after the target's optimizer step. */
  afterUpdate?(context: RegularizerContext): void;
  /**
   * The state to save in a checkpoint, for regularizers that keep some
   * (historical averaging's running mean); `Trainer.checkpoint` calls it.
   */
  saveState?(): RegularizerState;
  /**
   * Restores what `saveState` returned (`Trainer.resume` calls it); takes
   * ownership of the tensors. Throws `CHECKPOINT_INVALID` when they do not fit.
   */
  loadState?(state: RegularizerState): void;
  /** Frees tensors the regularizer holds. */
  dispose?(): void;
}
