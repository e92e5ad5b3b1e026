/**
 * The library's DCGAN builders on new data with the Trainer's defaults: `dcganGenerator` +
 * `dcganDiscriminator` (batch norm in both, dropout in D, a logit output) on one Fashion-MNIST
 * class, nothing set but the models, the latent size and the seed: the default loss (minimax on
 * D's logits, following its linear output), Adam 0.0002 / β1 0.5 for both players, separate real
 * and fake D updates, and D in training mode inside G's step (batch statistics of the fake batch).
 * Batch 64 (32 real + 32 fake per D step), 300 iterations in epochs of 30, a grid every epoch.
 *
 * The data are Debian's Fashion-MNIST files (`apt-get install dataset-fashion-mnist`), read with
 * `loadIdx(..., { classes: [c] })`: 6,000 images of class c (default 1, trousers).
 *
 *   npx tsx examples/fashion-mnist.ts [--class 1] [--seed 1] [--iterations 300] [--out DIR] [--quick]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiversityProbe, NaNGuard, Trainer, dcganDiscriminator, dcganGenerator } from 'gan-hacks';
import { ProgressBar, SampleGrid, loadIdx } from 'gan-hacks/node';
import { checkpointHooks, exampleArgs, finish, setup, timedFit } from './lib.js';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const args = exampleArgs('fashion-mnist', { class: { type: 'string' }, 'idx-dir': { type: 'string' }, 'save-generator': { type: 'string' } });
const cls = Number(args.flags.class ?? 1);
const dir = String(args.flags['idx-dir'] ?? '/usr/share/datasets/fashion-mnist');
const imagesPath = join(dir, 'train-images-idx3-ubyte.gz');
if (!existsSync(imagesPath)) {
  console.log(`fashion-mnist: ${imagesPath} not found; install Debian's dataset-fashion-mnist or pass --idx-dir. Skipped.`);
  process.exit(0);
}
const backend = await setup(args);
const small = args.quick;
const { images, labels } = await loadIdx(imagesPath, join(dir, 'train-labels-idx1-ubyte.gz'), { classes: [cls], limit: small ? 64 : undefined });
labels.dispose();
const latentDim = 100;
const batchSize = small ? 8 : 64;
const iterationsPerEpoch = small ? 2 : 30;
const iterations = args.iterations ?? (small ? 4 : 300);

const trainer = new Trainer({
  generator: dcganGenerator({ latentDim, outputShape: [28, 28, 1], filters: small ? 16 : undefined, seed: args.seed }),
  discriminator: dcganDiscriminator({ inputShape: [28, 28, 1], filters: small ? 8 : undefined, seed: args.seed + 1 }),
  latentDim,
  seed: args.seed,
  hooks: [
    new NaNGuard(),
    new DiversityProbe({ real: images.slice(0, 200), every: small ? 2 : 25 }),
    ...(args.grids === 'epoch' ? [new SampleGrid({ dir: `${args.out}/grids`, size: 8, grid: { scale: 2 } })] : []),
    ...checkpointHooks(args),
    new ProgressBar(),
  ],
});
const fitted = await timedFit(trainer, images, { batchSize, iterations, iterationsPerEpoch }, args);
await finish({
  experiment: 'fashion-mnist',
  title: `DCGAN builders, Trainer defaults, Fashion-MNIST ${CLASSES[cls] ?? cls}`,
  args,
  trainer,
  history: fitted.history,
  backend,
  seconds: fitted.seconds,
  timedIterations: fitted.timedIterations,
  resumedFrom: fitted.resumedFrom,
  config: { class: cls, className: CLASSES[cls], latentDim, batchSize, iterations, iterationsPerEpoch, loss: trainer.loss.name, lossOutput: trainer.loss.output, discriminatorModeInGeneratorStep: trainer.discriminatorModeInGeneratorStep },
  real: images,
});
