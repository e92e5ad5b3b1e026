/**
 * Experiment E (docs/experiments/survey.md, the Russian GAN survey): the fully connected generator (100 -> 256 -> 512 -> 784,
 * ReLU, Tanh) and its discriminator, trained on the bundled digits with each loss family of the
 * survey's table: minimax BCE, least squares, hinge, and Wasserstein with gradient penalty.
 * One run per loss; each writes its summary, learning curves and a sample grid.
 *
 * `npx tsx examples/survey/mlp-losses.ts [--iterations N] [--quick]`
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { DiversityProbe, HingeGAN, LSGAN, MinimaxGAN, NaNGuard, Trainer, WGANGP, dcganAdam, loadMnist, mlpDiscriminator, mlpGenerator, type GanLoss } from 'gan-hacks';
import { exampleArgs, finish, setup } from '../lib.js';

const args = exampleArgs('survey');
const backend = await setup(args);
const { images } = await loadMnist({ limit: args.quick ? 256 : undefined });
const iterations = args.iterations ?? (args.quick ? 4 : 2000);
const batchSize = args.quick ? 16 : 128;

// The critic of WGAN-GP and the LSGAN and hinge discriminators output raw scores: drop the sigmoid.
const scoreDiscriminator = (seed: number): tf.Sequential => {
  const d = mlpDiscriminator({ seed });
  const out = tf.sequential({ name: 'mlp_critic' });
  d.layers.slice(0, -1).forEach((l) => out.add(l));
  out.add(tf.layers.dense({ units: 1 }));
  return out;
};
// Each loss brings its own diagnosis bands (GanLoss.diagnosisBands): LSGAN's and hinge's are BCE's carried over.
const runs: { id: string; title: string; loss: GanLoss; sigmoid: boolean }[] = [
  { id: 'minimax', title: 'E: minimax BCE', loss: new MinimaxGAN(), sigmoid: true },
  { id: 'lsgan', title: 'E: least squares (LSGAN)', loss: new LSGAN(), sigmoid: false },
  { id: 'hinge', title: 'E: hinge', loss: new HingeGAN(), sigmoid: false },
  { id: 'wgan-gp', title: 'E: Wasserstein + gradient penalty', loss: new WGANGP(), sigmoid: false },
];
for (const run of runs) {
  const out = join(args.out, run.id);
  const latentDim = 100;
  const trainer = new Trainer({
    generator: mlpGenerator({ latentDim, seed: args.seed }),
    discriminator: run.sigmoid ? mlpDiscriminator({ seed: args.seed + 1 }) : scoreDiscriminator(args.seed + 1),
    loss: run.loss,
    latentDim,
    optimizers: { generator: dcganAdam(), discriminator: dcganAdam() },
    seed: args.seed,
    hooks: [new NaNGuard(), new DiversityProbe({ real: images.slice(0, 300), every: args.quick ? 2 : 100 })],
  });
  const start = performance.now();
  const history = await trainer.fit(images, { batchSize, iterations });
  await finish({
    experiment: `E-${run.id}`,
    title: run.title,
    args: { ...args, out },
    trainer,
    history,
    backend,
    seconds: (performance.now() - start) / 1000,
    real: images,
    bins: 50,
    config: { loss: run.loss.name, latentDim, batchSize, iterations, models: 'mlpGenerator / mlpDiscriminator (100-256-512-784)', data: `${images.shape[0]} MNIST digits` },
  });
}
