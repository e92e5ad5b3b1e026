/**
 * Experiment C (docs/experiments/monitoring.md; the neptune.ai article "GANs Failure Modes: How to
 * Identify and Monitor Them", PyTorch): the small DCGAN on all digits, BCE,
 * Adam(0.0002, (0.5, 0.999)), k D-steps per G-step, losses logged per epoch and a grid of 64 images
 * from one fixed noise batch after every epoch. Each C script changes one thing.
 *
 * Defaults keep the source's scale: batch 1024 (1024 real + 1024 fake per D step: Trainer batchSize
 * 2048), 100 epochs (C3: 200) over the digits given (`--mnist-idx DIR` for the full 60,000; else the
 * 10,000 bundled ones). `--scale reduced` is what the committed runs used on 2 CPU cores: the 10,000
 * bundled digits, batch 128 (64 real + 64 fake), 10 epochs (C3: 20) of 45 iterations.
 */
import * as tf from '@tensorflow/tfjs';
import { DiversityProbe, NaNGuard, Trainer, monitoringDiscriminator, monitoringGenerator } from 'gan-hacks';
import { ProgressBar, SampleGrid } from 'gan-hacks/node';
import { exampleArgs, finish, timedFit, checkpointHooks, loadDigits, setup, type RunSummary } from '../lib.js';

export interface MonitoringSetup {
  id: string;
  title: string;
  /** @defaultValue 128 */
  latentDim?: number;
  /** @defaultValue 0.0002 */
  learningRate?: number;
  /** @defaultValue [0.5, 0.999] */
  betas?: [number, number];
  /** D steps per G step. @defaultValue 1 */
  k?: number;
  /** Epochs at the source's scale (its C3 runs twice as long); the reduced run does a tenth. @defaultValue 100 */
  epochs?: number;
}

export async function trainMonitoring(s: MonitoringSetup): Promise<RunSummary> {
  const args = exampleArgs(s.id.toLowerCase(), { 'save-generator': { type: 'string' }, k: { type: 'string' } });
  const backend = await setup(args);
  const latentDim = s.latentDim ?? 128;
  const k = args.flags.k !== undefined ? Number(args.flags.k) : (s.k ?? 1);
  const [beta1, beta2] = s.betas ?? [0.5, 0.999];
  const lr = s.learningRate ?? 0.0002;
  const images = await loadDigits(args, { limit: args.quick ? 256 : undefined });
  const reduced = args.scale === 'reduced';
  const epochs = (s.epochs ?? 100) / (reduced ? 10 : 1);
  const batchSize = args.quick ? 16 : reduced ? 128 : 2048;
  const iterationsPerEpoch = args.quick ? 3 : reduced ? 45 : Math.max(1, Math.floor(images.shape[0] / (batchSize / 2)));
  const iterations = args.iterations ?? (args.quick ? 6 : epochs * iterationsPerEpoch);

  const trainer = new Trainer({
    generator: monitoringGenerator({ latentDim, seed: args.seed }),
    discriminator: monitoringDiscriminator({ seed: args.seed + 1 }),
    latentDim,
    // The source sums the real and fake losses into one D update per step.
    discriminatorStep: 'combined',
    discriminatorSteps: k,
    optimizers: { generator: tf.train.adam(lr, beta1, beta2), discriminator: tf.train.adam(lr, beta1, beta2) },
    seed: args.seed,
    hooks: [
      new NaNGuard(),
      new DiversityProbe({ real: images.slice(0, 300), every: iterationsPerEpoch }),
      ...(args.grids === 'epoch' ? [new SampleGrid({ dir: `${args.out}/grids`, size: 8, grid: { scale: 2 } })] : []),
      ...checkpointHooks(args),
      // In a log, one line per epoch with the epoch's mean losses: the source's per-epoch log (also epochs.csv).
      new ProgressBar(),
    ],
  });
  const fitted = await timedFit(trainer, images, { batchSize, iterations, iterationsPerEpoch }, args);
  return finish({
    experiment: s.id,
    title: s.title,
    args,
    trainer,
    ...fitted,
    backend,
    real: images,
    bins: 50,
    gridSize: 64,
    config: { scale: args.scale, latentDim, k, learningRate: lr, betas: [beta1, beta2], batchSize, iterations, iterationsPerEpoch, discriminatorStep: 'combined', data: `${images.shape[0]} MNIST digits` },
  });
}
