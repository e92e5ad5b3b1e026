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
} from 'gan-hacks';
import { ProgressBar, SampleGrid } from 'gan-hacks/node';
import { exampleArgs, finish, timedFit, checkpointHooks, setup, type RunSummary } from '../lib.js';

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
  const args = exampleArgs(setupOptions.id.toLowerCase(), { 'batch-norm': { type: 'boolean' }, 'save-generator': { type: 'string' } });
  const batchNorm = setupOptions.batchNorm ?? Boolean(args.flags['batch-norm']);
  const id = batchNorm && !setupOptions.batchNorm ? `${setupOptions.id}-bn` : setupOptions.id;
  const backend = await setup(args);
  const latentDim = setupOptions.latentDim ?? 50;
  const batchSize = args.quick ? 16 : 128;
  const iterations = args.iterations ?? (args.quick ? 6 : 450);
  const iterationsPerEpoch = args.quick ? 3 : 45;

  const { images } = await loadMnist({ digits: [8], limit: args.quick ? 128 : undefined }); // 944 eights in [-1, 1]
  const adam = (): tf.Optimizer => (setupOptions.aggressiveAdam ? tf.train.adam(0.001, 0.9) : dcganAdam());
  const trainer = new Trainer({
    generator: failureModesGenerator({ latentDim, batchNorm, seed: args.seed }),
    discriminator: failureModesDiscriminator({ batchNorm, seed: args.seed + 1 }),
    latentDim,
    discriminatorStep: setupOptions.discriminatorStep ?? 'separate',
    // The source trains G through a frozen Keras D model: with batch norm (the -bn rows) D uses its moving statistics in the G step.
    discriminatorModeInGeneratorStep: 'inference',
    optimizers: { generator: adam(), discriminator: adam() },
    seed: args.seed,
    hooks: [
      new NaNGuard(),
      new DiversityProbe({ real: images.slice(0, 200), every: args.quick ? 3 : 25 }),
      ...(args.grids === 'epoch' ? [new SampleGrid({ dir: `${args.out}/grids`, size: 10, grid: { scale: 2 } })] : []),
      ...checkpointHooks(args),
      new ProgressBar(),
    ],
  });
  const fitted = await timedFit(trainer, images, { batchSize, iterations, iterationsPerEpoch }, args);
  return finish({
    experiment: id,
    title: `${setupOptions.title}${batchNorm && !setupOptions.batchNorm ? ' (batch norm)' : ''}`,
    args,
    trainer,
    ...fitted,
    backend,
    real: images,
    config: { latentDim, batchSize, iterations, iterationsPerEpoch, discriminatorStep: trainer.discriminatorStep, aggressiveAdam: Boolean(setupOptions.aggressiveAdam), batchNorm, data: `${images.shape[0]} MNIST eights` },
  });
}
