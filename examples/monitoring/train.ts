/**
 * The experiment of EXPERIMENTS.md C (sources/002, PyTorch): the small DCGAN on all digits, BCE,
 * Adam(0.0002, (0.5, 0.999)), k D-steps per G-step, losses logged per epoch and a grid of 64 images
 * from one fixed noise batch after every epoch. Each C script changes one thing.
 *
 * The source runs full MNIST at batch 1024 for 100 epochs. Defaults here: the 10,000 bundled digits,
 * batch 128 (64 real + 64 fake per D step, as the Trainer splits it), 10 epochs of 45 iterations.
 */
import * as tf from '@tensorflow/tfjs';
import { DiversityProbe, NaNGuard, Trainer, loadMnist, monitoringDiscriminator, monitoringGenerator } from 'gan-hacks';
import { ProgressBar, SampleGrid, saveModel } from 'gan-hacks/node';
import { exampleArgs, finish, setup, type RunSummary } from '../lib.js';

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
  /** Epochs of the default run (the source's C3 runs twice as long). @defaultValue 10 */
  epochs?: number;
}

export async function trainMonitoring(s: MonitoringSetup): Promise<RunSummary> {
  const args = exampleArgs(s.id.toLowerCase(), { 'save-generator': { type: 'string' }, k: { type: 'string' } });
  const backend = await setup(args);
  const latentDim = s.latentDim ?? 128;
  const k = args.flags.k !== undefined ? Number(args.flags.k) : (s.k ?? 1);
  const [beta1, beta2] = s.betas ?? [0.5, 0.999];
  const lr = s.learningRate ?? 0.0002;
  const batchSize = args.quick ? 16 : 128;
  const iterationsPerEpoch = args.quick ? 3 : 45;
  const iterations = args.iterations ?? (args.quick ? 6 : (s.epochs ?? 10) * iterationsPerEpoch);

  const { images } = await loadMnist({ limit: args.quick ? 256 : undefined });
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
      new DiversityProbe({ real: images.slice(0, 300), every: args.quick ? 3 : 45 }),
      ...(args.grids === 'epoch' ? [new SampleGrid({ dir: `${args.out}/grids`, size: 8, grid: { scale: 2 } })] : []),
      new ProgressBar(),
    ],
  });
  const start = performance.now();
  const history = await trainer.fit(images, { batchSize, iterations, iterationsPerEpoch });
  const seconds = (performance.now() - start) / 1000;
  if (args.flags['save-generator']) await saveModel(trainer.generator, String(args.flags['save-generator']));
  return finish({
    experiment: s.id,
    title: s.title,
    args,
    trainer,
    history,
    backend,
    seconds,
    real: images,
    bins: 50,
    gridSize: 64,
    config: { latentDim, k, learningRate: lr, betas: [beta1, beta2], batchSize, iterations, iterationsPerEpoch, discriminatorStep: 'combined', data: `${images.shape[0]} MNIST digits` },
  });
}
