/**
 * Experiment D (docs/experiments/wgan-gp.md): WGAN-GP with the DCGAN builders. G: dcganGenerator(z 20), uniform
 * latents in [-1, 1]; critic: dcganDiscriminator with batch norm (the source, which diverged: G loss
 * ~7,300 after 100 epochs) or layer norm (`--critic layer`, as the WGAN-GP paper advises). Adam(0.0002)
 * with default betas, one critic and one G update per batch, λ = 10. WGANGP warns about the
 * batch-normalised critic.
 *
 * Defaults keep the source's scale: batch 128 (128 real + 128 fake per critic step: Trainer batchSize
 * 256), 100 epochs over the digits given (`--mnist-idx DIR` for the full 60,000, ~47,000 iterations;
 * else the 10,000 bundled ones). `--scale reduced` is what the committed runs used on 2 CPU cores:
 * the 10,000 bundled digits, batch 64 (32 real + 32 fake), 300 iterations in epochs of 30. (At batch
 * 128 the layer-normalised critic's penalty step outgrew the WASM backend's 4 GB heap: 1.2 GB at 32.)
 *
 * `npx tsx examples/wgan-gp/wgan-gp.ts --critic batch|layer [--scale reduced] [--iterations N] [--quick]`
 */
import * as tf from '@tensorflow/tfjs';
import { DiversityProbe, NaNGuard, Trainer, WGANGP, dcganDiscriminator, dcganGenerator } from 'gan-hacks';
import { ProgressBar, SampleGrid, writeFileAtomic } from 'gan-hacks/node';
import { exampleArgs, finish, timedFit, checkpointHooks, loadDigits, setup } from '../lib.js';

const args = exampleArgs('wgan-gp', { critic: { type: 'string' }, 'save-generator': { type: 'string' } });
const critic = args.flags.critic === 'layer' ? 'layer' : 'batch';
if (!args.flags.out) args.out = args.out.replace('wgan-gp', `wgan-gp-${critic}`);
const backend = await setup(args);
const latentDim = 20;
const small = args.quick;
const reduced = args.scale === 'reduced';
const images = await loadDigits(args, { limit: small ? 64 : undefined });
const batchSize = small ? 8 : reduced ? 64 : 256;
const iterationsPerEpoch = small ? 2 : reduced ? 30 : Math.floor(images.shape[0] / (batchSize / 2));
const iterations = args.iterations ?? (small ? 4 : reduced ? 300 : 100 * iterationsPerEpoch);

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
  // The committed runs scored fakes with the critic frozen in the G step (Keras's recipe): dropout off, batch norm on its moving statistics.
  discriminatorModeInGeneratorStep: 'inference',
  optimizers: { generator: tf.train.adam(0.0002), discriminator: tf.train.adam(0.0002) },
  seed: args.seed,
  hooks: [
    new NaNGuard(),
    new DiversityProbe({ real: images.slice(0, 300), every: iterationsPerEpoch, latentDistribution: 'uniform' }),
    ...(args.grids === 'epoch' ? [new SampleGrid({ dir: `${args.out}/grids`, size: 5, latentDistribution: 'uniform', grid: { scale: 2 } })] : []),
    ...checkpointHooks(args),
    new ProgressBar(),
  ],
});
const fitted = await timedFit(trainer, images, { batchSize, iterations, iterationsPerEpoch }, args);
console.warn = warn;
const summary = await finish({
  experiment: `D-${critic}`,
  title: `WGAN-GP, ${critic === 'batch' ? 'batch-normalised' : 'layer-normalised'} critic`,
  args,
  trainer,
  ...fitted,
  backend,
  real: images,
  bins: 50,
  gridSize: 25,
  config: { scale: args.scale, critic, latentDim, latentDistribution: 'uniform', gradientPenaltyWeight: 10, batchSize, iterations, iterationsPerEpoch, adam: [0.0002, 0.9, 0.999], data: `${images.shape[0]} MNIST digits` },
});
await writeFileAtomic(`${args.out}/warnings.json`, `${JSON.stringify({ warnings, verdict: summary.diagnosis.verdict }, null, 2)}\n`);
