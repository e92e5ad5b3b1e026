import type * as tf from '@tensorflow/tfjs';
import type { EpochLogs, History, IterationRecord } from '../history/index.js';
import type { TrainerCheckpoint } from './checkpoint.js';
import type { GanLoss } from '../losses/types.js';
import type { LatentDistribution } from '../data/latent.js';
import type { RegularizerState } from '../regularizers/types.js';

/** What a hook sees of the run; the same object is passed to every hook call. */
export interface TrainState {
  /** The last finished iteration (0 before the first). */
  readonly iteration: number;
  /** The current epoch, 0-based. */
  readonly epoch: number;
  /** The iteration the run will stop at. */
  readonly targetIterations: number;
  /** Iterations per epoch of this run. */
  readonly iterationsPerEpoch: number;
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly history: History;
  /** Latent size of the generator. */
  readonly latentDim: number;
  /** The distribution the run draws latents from; hooks that draw samples use it by default. */
  readonly latentDistribution: LatentDistribution;
  /** Both players' optimizers (NaNGuard snapshots and restores their state). */
  readonly optimizers: { readonly generator: tf.Optimizer; readonly discriminator: tf.Optimizer };
  /** The run's loss strategy (hooks that diagnose read its {@link GanLoss.diagnosisBands}). */
  readonly loss: GanLoss;
  /** The reason given by the hook that stopped the run, if one did. */
  readonly stopReason: string | undefined;
  /**
   * Asks the run to stop after the current hook call; the loop ends at the
   * next hook boundary and `onTrainEnd` still runs.
   */
  stop(reason: string): void;
  /**
   * Logs a scalar with the current iteration's values: it is read back from
   * the device with them, in the iteration's one read, and appears in the
   * record `onIterationEnd` receives. Call it from `onIterationBegin`,
   * `onDiscriminatorStep` or `onGeneratorStep`; the run owns the scalar from then on.
   * @throws GanHacksError `TRAINING_STATE` outside those hook calls.
   */
  logScalar(name: string, value: tf.Scalar): void;
  /** The number of classes of a class-conditional run; undefined otherwise. */
  readonly classes: number | undefined;
  /**
   * The generator's samples for `latent` ([n, latentDim]) in inference mode, a new tensor the caller
   * owns. In a class-conditional run sample i is of class i mod classes, so a grid of fixed latents
   * shows every class in turn. Sample hooks draw through it.
   */
  sample(latent: tf.Tensor): tf.Tensor;
  /** An in-memory checkpoint of the whole run (models, optimizers, state), as `Trainer.checkpoint()`. */
  checkpoint(): Promise<TrainerCheckpoint>;
}

/** Passed to {@link Hook.onDiscriminatorStep} after each discriminator update. */
export interface DiscriminatorStepEvent {
  /** 0-based index among the iteration's k discriminator steps. */
  step: number;
  /** Which batch the update used. */
  batch: 'real' | 'fake' | 'combined';
}

/** Passed to {@link Hook.onGeneratorStep} after the generator update. */
export interface GeneratorStepEvent {
  /** Number of samples the generator update used. */
  batchSize: number;
}

export type { EpochLogs };

/** A hook's return: nothing, or a promise the Trainer awaits. */
export type Awaitable = void | Promise<void>;

/**
 * A training hook. Every method is optional; hooks run in registration
 * order and are awaited. The order of calls in one run is:
 *
 * `onTrainBegin` → per epoch `onEpochBegin` → per iteration `onIterationBegin`,
 * k × `onDiscriminatorStep` (2k with separate batches), `onGeneratorStep`,
 * `onIterationEnd` → `onEpochEnd` → `onTrainEnd`.
 *
 * `onIterationEnd` receives the record already appended to the history; a
 * hook may add fields to it (later hooks and the history see them).
 *
 * @example
 * ```ts
 * const printer: Hook = {
 *   onIterationEnd(state, logs) {
 *     if (logs.iteration % 50 === 0) console.log(logs.iteration, logs.gLoss);
 *   },
 * };
 * ```
 */
export interface Hook {
  /** Shown in messages about the hook. */
  readonly name?: string;
  onTrainBegin?(state: TrainState): Awaitable;
  onEpochBegin?(state: TrainState): Awaitable;
  onIterationBegin?(state: TrainState): Awaitable;
  onDiscriminatorStep?(state: TrainState, event: DiscriminatorStepEvent): Awaitable;
  onGeneratorStep?(state: TrainState, event: GeneratorStepEvent): Awaitable;
  onIterationEnd?(state: TrainState, logs: IterationRecord): Awaitable;
  onEpochEnd?(state: TrainState, logs: EpochLogs): Awaitable;
  onTrainEnd?(state: TrainState): Awaitable;
  /**
   * Called instead of `onTrainEnd` when `fit` fails (a loss, a hook or the
   * data threw): free what the hook holds; `fit` then rethrows the error.
   */
  onTrainError?(state: TrainState, error: unknown): Awaitable;
  /**
   * The state a checkpoint keeps, for hooks whose state shapes the run (the
   * moving average of `ema`): tensors are copies the receiver owns.
   * `Trainer.checkpoint` calls it; hooks that only observe leave it out.
   */
  saveState?(): RegularizerState;
  /**
   * Restores what `saveState` returned (`Trainer.resume` calls it), taking
   * ownership of the tensors; throws `CHECKPOINT_INVALID` when they do not fit.
   */
  loadState?(state: RegularizerState): void;
}

/** Names of the hook methods, in lifecycle order. */
export const HOOK_METHODS = [
  'onTrainBegin',
  'onEpochBegin',
  'onIterationBegin',
  'onDiscriminatorStep',
  'onGeneratorStep',
  'onIterationEnd',
  'onEpochEnd',
  'onTrainEnd',
  'onTrainError',
] as const;
