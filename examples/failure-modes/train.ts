/**
 * Experiment B (docs/experiments/failure-modes.md; Jason Brownlee, "How to Identify and Diagnose GAN
 * Failure Modes"): a small DCGAN on the
 * MNIST eights, 10 "epochs" of 45 iterations at batch 128 (64 real + 64 fake
 * for D, 128 for G), logging every iteration and drawing a 10×10 grid from
 * one fixed latent batch each epoch. Each B script changes one thing.
 */
import * as tf from '@tensorflow/tfjs';
import {
  DiversityProbe,
  NaNGuard,
  Trainer,
  dcganAdam,
  failureModesDiscriminator,
  failureModesGenerator,
  loadMnist,
  type DiscriminatorStepMode,
  type Hook,
} from 'gan-hacks';
import { ProgressBar, SampleGrid } from 'gan-hacks/node';
import { saveModel } from 'gan-hacks/node';
import { exampleArgs, finish, timedFit, checkpointHooks, setup, type RunSummary } from '../lib.js';
import { remedySetup } from './remedies.js';

/** What a B experiment changes from B1. */
export interface FailureModeSetup {
  id: string;
  title: string;
  /** @defaultValue 50 (the source's code) */
  latentDim?: number;
  /** @defaultValue 'separate' */
  discriminatorStep?: DiscriminatorStepMode;
  /** Adam's defaults (lr 0.001, β1 0.9) instead of lr 0.0002, β1 0.5. */
  aggressiveAdam?: boolean;
  /** Batch norm in D (and G), as an earlier revision of the source. */
  batchNorm?: boolean;
}

export async function trainFailureMode(setupOptions: FailureModeSetup): Promise<RunSummary> {
  const args = exampleArgs(setupOptions.id.toLowerCase(), { 'batch-norm': { type: 'boolean' }, 'save-generator': { type: 'string' }, remedy: { type: 'string' } });
  const batchNorm = setupOptions.batchNorm ?? Boolean(args.flags['batch-norm']);
  const iterationsFor = args.iterations ?? (args.quick ? 6 : 450);
  const remedies = remedySetup(args.flags.remedy as string | undefined, iterationsFor);
  const baseId = batchNorm && !setupOptions.batchNorm ? `${setupOptions.id}-bn` : setupOptions.id;
  const id = remedies.names.length > 0 ? `${baseId}+${remedies.names.join('+')}` : baseId;
  const backend = await setup(args);
  const latentDim = setupOptions.latentDim ?? 50;
  const batchSize = args.quick ? 16 : 128;
  const iterations = iterationsFor;
  const iterationsPerEpoch = args.quick ? 3 : 45;

  const { images } = await loadMnist({ digits: [8], limit: args.quick ? 128 : undefined }); // 944 eights in [-1, 1]
  const adam = (): tf.Optimizer => (setupOptions.aggressiveAdam ? tf.train.adam(0.001, 0.9) : dcganAdam());
  const trainer = new Trainer({
    generator: failureModesGenerator({ latentDim, batchNorm, seed: args.seed }),
    discriminator: failureModesDiscriminator({ batchNorm, seed: args.seed + 1, remedies: remedies.discriminator }),
    latentDim,
    discriminatorStep: setupOptions.discriminatorStep ?? 'separate',
    // The source trains G through a frozen Keras D model: with batch norm (the -bn rows) D uses its moving statistics in the G step.
    discriminatorModeInGeneratorStep: 'inference',
    optimizers: { generator: adam(), discriminator: adam() },
    seed: args.seed,
    regularizers: remedies.regularizers,
    augmentations: remedies.augmentations,
    labels: remedies.labels,
    hooks: [
      new NaNGuard(),
      ...(remedies.average ? [remedies.average] : []),
      // With ema, what the run is judged by (diversity, grids) is the averaged generator.
      withAverage(new DiversityProbe({ real: images.slice(0, 200), every: args.quick ? 3 : 25 })),
      ...(args.grids === 'epoch' ? [withAverage(new SampleGrid({ dir: `${args.out}/grids`, size: 10, grid: { scale: 2 } }))] : []),
      ...checkpointHooks(args),
      new ProgressBar(),
    ],
  });
  const fitted = await timedFit(trainer, images, { batchSize, iterations, iterationsPerEpoch }, args);
  const report = (): Promise<RunSummary> => finish({
    experiment: id,
    title: `${setupOptions.title}${batchNorm && !setupOptions.batchNorm ? ' (batch norm)' : ''}${remedies.names.length > 0 ? ` + ${remedies.names.join(' + ')}` : ''}`,
    args,
    trainer,
    ...fitted,
    backend,
    real: images,
    config: {
      latentDim,
      batchSize,
      iterations,
      iterationsPerEpoch,
      discriminatorStep: trainer.discriminatorStep,
      aggressiveAdam: Boolean(setupOptions.aggressiveAdam),
      batchNorm,
      ...(remedies.names.length > 0 ? { remedies: remedies.names } : {}),
      data: `${images.shape[0]} MNIST eights`,
    },
  });
  if (!remedies.average) return report();
  // The averaged generator is the run's result: its samples are measured and it is the generator kept.
  return remedies.average.withAveragedWeights(trainer.generator, async () => {
    if (args.flags['save-generator']) await saveModel(trainer.generator, String(args.flags['save-generator']));
    return report();
  });

  function withAverage<H extends Hook>(hook: H): Hook {
    return remedies.average ? remedies.average.wrap(hook) : hook;
  }
}
