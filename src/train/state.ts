import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { History } from '../history/index.js';
import type { LatentDistribution } from '../data/latent.js';
import type { GanLoss } from '../losses/types.js';
import type { TrainerCheckpoint } from './checkpoint.js';
import type { TrainState } from './hooks.js';
import type { IterationLogs } from './logs.js';
import { cyclingLabels, generateWith, type Conditioning } from './conditioning.js';

/** What a {@link TrainState} reads live from the run. */
export interface TrainStateSource {
  readonly iteration: number;
  readonly history: History;
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly latentDim: number;
  readonly latentDistribution: LatentDistribution;
  readonly loss: GanLoss;
  readonly generatorOptimizer: tf.Optimizer;
  readonly discriminatorOptimizer: tf.Optimizer;
  readonly conditioning: Conditioning | undefined;
  checkpoint(): Promise<TrainerCheckpoint>;
}

/**
 * The state object hooks receive for one `fit`; `stopReason` is the first
 * reason given to `stop`; `logs()` is the open iteration's logs (between
 * onIterationBegin and the read), where `logScalar` puts its scalars.
 */
export function createTrainState(run: TrainStateSource, logs: () => IterationLogs | undefined, targetIterations: number, iterationsPerEpoch: number): TrainState {
  let stopReason: string | undefined;
  return {
    get iteration() {
      return run.iteration;
    },
    get epoch() {
      return Math.floor(run.iteration / iterationsPerEpoch);
    },
    get history() {
      return run.history;
    },
    get stopReason() {
      return stopReason;
    },
    targetIterations,
    iterationsPerEpoch,
    generator: run.generator,
    discriminator: run.discriminator,
    latentDim: run.latentDim,
    latentDistribution: run.latentDistribution,
    loss: run.loss,
    optimizers: { generator: run.generatorOptimizer, discriminator: run.discriminatorOptimizer },
    stop(reason: string) {
      stopReason ??= reason;
    },
    logScalar(name: string, value: tf.Scalar) {
      const open = logs();
      if (!open) throw new GanHacksError('TRAINING_STATE', 'TrainState.logScalar: call it from onIterationBegin, onDiscriminatorStep or onGeneratorStep.');
      open.add(name, value);
    },
    classes: run.conditioning?.classes,
    sample(latent: tf.Tensor) {
      const classes = run.conditioning?.classes;
      return tf.tidy(() => generateWith(run.generator, latent, classes === undefined ? undefined : cyclingLabels(latent.shape[0], classes), false));
    },
    checkpoint: () => run.checkpoint(),
  };
}
