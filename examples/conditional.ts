/**
 * A class-conditional DCGAN on all ten bundled digits (issue 17, docs/experiments/conditional.md):
 * conditionalGenerator (Mirza & Osindero 2014) against acganDiscriminator with the ACGAN loss
 * (Odena et al. 2017), or with `--discriminator projection` the projection discriminator (Miyato &
 * Koyama 2018) with MinimaxGAN from logits. It draws a 10×10 grid, row d ten fixed latents with
 * label d, and measures with the shipped MNIST classifier the share of 100 samples per digit that
 * it labels as the digit they were drawn for (the issue's goal: at least 80% in every row).
 *
 * `npx tsx examples/conditional.ts [--quick] [--seed N] [--iterations N] [--out DIR] [--threads N]
 *  [--checkpoints DIR] [--discriminator acgan|projection] [--batch N] [--d-dropout RATE] [--no-g-batch-norm] [--ema DECAY]
 *  [--real-class-only]`
 * writes summary.json, samples-final.png (the grid), learning-curves.png/.svg, history.csv and, per epoch, grids/.
 * With `--ema DECAY` an exponential moving average of G's weights runs beside training (checkpointed with it),
 * and the averaged generator is measured and drawn too (samples-final-ema.png, `summary.ema`).
 * `--real-class-only` trains D's class head on real digits only (`new ACGAN({ classifyFakes: false })`).
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import {
  ACGAN,
  MinimaxGAN,
  NaNGuard,
  Trainer,
  acganDiscriminator,
  conditionalGenerator,
  dcganAdam,
  ema,
  imageGrid,
  loadMnist,
  meanPairwiseDistance,
  mnistClassifier,
  projectionDiscriminator,
} from 'gan-hacks';
import { ProgressBar, SampleGrid, writeFileAtomic, writeLearningCurves, writePng } from 'gan-hacks/node';
import { checkpointHooks, exampleArgs, setup, timedFit } from './lib.js';

const args = exampleArgs('conditional', { discriminator: { type: 'string' }, batch: { type: 'string' }, 'd-dropout': { type: 'string' }, 'no-g-batch-norm': { type: 'boolean' }, ema: { type: 'string' }, 'real-class-only': { type: 'boolean' } });
const kind = args.flags.discriminator === 'projection' ? 'projection' : 'acgan';
if (!args.flags.out) args.out = args.out.replace('conditional', `conditional-${kind}`);
const backend = await setup(args);
const classes = 10;
const latentDim = 100;
const batchSize = args.flags.batch !== undefined ? Number(args.flags.batch) : args.quick ? 16 : 64;
const iterations = args.iterations ?? (args.quick ? 4 : 800);
const iterationsPerEpoch = args.quick ? 2 : 100;
const perDigit = args.quick ? 10 : 100;
// Batch norm in G (the DCGAN paper; Brownlee's ACGAN tutorial) and dropout 0.4 on D's features (Brownlee's cGAN
// tutorial). Without batch norm in G, every probe of seed 1 (ACGAN with and without dropout or label smoothing, G's
// learning rate halved, batch 128, the projection D, even the unconditional B pair on all ten digits) drew a blank
// page from iteration 20-60 on, D's losses below 0.05 (docs/experiments/conditional.md).
const gBatchNorm = args.flags['no-g-batch-norm'] !== true;
const dDropout = args.flags['d-dropout'] !== undefined ? Number(args.flags['d-dropout']) : 0.4;
// ACGAN's score swings by 16 points between checkpoints 300 iterations apart (docs/experiments/conditional.md);
// an average of G's weights over the last few hundred steps (Yazıcı et al. 2019) smooths that oscillation.
// D's class head scored 0.9997 on G's fakes but 0.92 on real digits in the first runs: G satisfied a classifier that
// had learned from G's own samples. Without the fake term (StudioGAN's ACGAN), D's classifier knows real digits only.
const classifyFakes = args.flags['real-class-only'] !== true;
const average = args.flags.ema !== undefined ? ema({ decay: Number(args.flags.ema) }) : undefined;

// All ten digits with their labels; --quick keeps 16 of each.
const { images, labels } = await loadMnist({ limit: args.quick ? 160 : undefined });
const trainer = new Trainer({
  generator: conditionalGenerator({ latentDim, classes, batchNorm: gBatchNorm, seed: args.seed }),
  discriminator: kind === 'acgan' ? acganDiscriminator({ classes, dropout: dDropout, seed: args.seed + 1 }) : projectionDiscriminator({ classes, dropout: dDropout, seed: args.seed + 1 }),
  loss: kind === 'acgan' ? new ACGAN({ classifyFakes }) : new MinimaxGAN({ fromLogits: true }),
  latentDim,
  classes,
  optimizers: { generator: dcganAdam(), discriminator: dcganAdam() },
  seed: args.seed,
  hooks: [
    new NaNGuard(),
    ...(average ? [average] : []),
    // A grid per epoch from fixed latents; sample i has label i mod 10, so column d shows digit d.
    ...(args.grids === 'epoch' ? [new SampleGrid({ dir: join(args.out, 'grids'), size: 10, grid: { scale: 2 } })] : []),
    ...checkpointHooks(args),
    new ProgressBar(),
  ],
});

const { history, seconds, resumedFrom } = await timedFit(trainer, { images, labels }, { batchSize, iterations, iterationsPerEpoch }, args);

/** The grid (row d: ten fixed latents with label d) into `png`, and the classifier's verdict on `perDigit` fresh samples of each digit. */
async function evaluate(png: string): Promise<{ confusion: number[][]; diversity: number[] }> {
  const columns = tf.tidy(() => trainer.sampleLatent(10, args.seed + 2000));
  const gridLatents = tf.tidy(() => columns.tile([classes, 1]));
  const rowLabels = Array.from({ length: classes * 10 }, (_, i) => Math.floor(i / 10));
  const grid = trainer.generate(gridLatents, undefined, rowLabels);
  await writePng(imageGrid(grid, { columns: 10, scale: 2 }), join(args.out, png));
  tf.dispose([columns, gridLatents, grid]);
  // Drawn one digit at a time to bound memory.
  const classifier = await mnistClassifier();
  const confusion: number[][] = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const diversity: number[] = [];
  const realOf = labels.dataSync();
  for (let d = 0; d < classes; d++) {
    const z = trainer.sampleLatent(perDigit, args.seed + 3000 + d);
    const fake = trainer.generate(z, undefined, new Array<number>(perDigit).fill(d)) as tf.Tensor4D;
    const predicted = tf.tidy(() => classifier.probabilities(fake).argMax(1));
    for (const p of predicted.dataSync()) confusion[d][p] += 1;
    // Within-digit diversity against real digits of the same class: ACGAN is known to narrow each class.
    const realIdx = Array.from(realOf.keys()).filter((i) => realOf[i] === d).slice(0, perDigit);
    const real = tf.tidy(() => tf.gather(images, tf.tensor1d(realIdx, 'int32')));
    diversity.push(meanPairwiseDistance(fake) / meanPairwiseDistance(real));
    tf.dispose([z, fake, predicted, real]);
  }
  classifier.dispose();
  return { confusion, diversity };
}

const { confusion, diversity } = await evaluate('samples-final.png');
const averaged = average ? await average.withAveragedWeights(trainer.generator, () => evaluate('samples-final-ema.png')) : undefined;

const round = (v: number, digits = 4): number | null => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);
const scores = (m: number[][]) => {
  const perDigitShare = m.map((row, d) => row[d] / perDigit);
  const all = perDigitShare.reduce((a, b) => a + b, 0) / classes;
  return { overall: round(all), perDigit: perDigitShare.map((a) => round(a)), minPerDigit: round(Math.min(...perDigitShare)), goal: 0.8, everyRowMeetsGoal: perDigitShare.every((a) => a >= 0.8) };
};
const accuracy = confusion.map((row, d) => row[d] / perDigit);
const overall = accuracy.reduce((a, b) => a + b, 0) / classes;
const recent = history.records.slice(-100);
const mean = (key: string): number | null => {
  const values = recent.map((r) => r[key]).filter(Number.isFinite);
  return values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : null;
};
await writeLearningCurves(history, args.out, { title: `Conditional DCGAN, ${kind === 'acgan' ? 'ACGAN' : 'projection D'} (seed ${args.seed})` });
await writeFileAtomic(join(args.out, 'history.csv'), history.toCSV());
const summary = {
  experiment: `conditional-${kind}`,
  title: `Class-conditional DCGAN on the ten bundled digits, ${kind === 'acgan' ? 'ACGAN' : 'projection discriminator, MinimaxGAN from logits'}`,
  config: {
    latentDim,
    classes,
    batchSize,
    iterations,
    iterationsPerEpoch,
    discriminator: kind,
    generatorBatchNorm: gBatchNorm,
    discriminatorDropout: dDropout,
    ...(kind === 'acgan' ? { classifyFakes } : {}),
    loss: trainer.loss.name,
    optimizers: 'dcganAdam (lr 0.0002, beta1 0.5) for both',
    data: `${images.shape[0]} MNIST digits bundled with the mnist package, all ten classes`,
  },
  backend,
  seed: args.seed,
  iterations: history.length,
  seconds: round(seconds, 1),
  secondsPerIteration: round(seconds / Math.max(1, history.length - (resumedFrom ?? 0)), 3),
  ...(resumedFrom !== undefined ? { resumedFrom } : {}),
  last100: Object.fromEntries(['dLossReal', 'dLossFake', 'gLoss', 'dClassReal', 'dClassFake', 'gClass', 'dClassAccReal', 'dClassAccFake'].map((k) => [k, mean(k)])),
  classifier: { name: 'gan-hacks-mnist-cnn-v1 (mnistClassifier(), argmax of probabilities)', samplesPerDigit: perDigit },
  accuracy: scores(confusion),
  // confusion[d][p]: samples drawn for digit d that the classifier labelled p.
  confusion,
  diversityPerDigit: diversity.map((v) => round(v, 3)),
  // The averaged generator (--ema), measured the same way on the same latents.
  ...(averaged && average ? { ema: { decay: average.decay, updates: average.updates, accuracy: scores(averaged.confusion), confusion: averaged.confusion, diversityPerDigit: averaged.diversity.map((v) => round(v, 3)) } } : {}),
};
await writeFileAtomic(join(args.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
trainer.dispose();
tf.dispose([images, labels]);
console.log(`\n${summary.title} (seed ${args.seed}): ${history.length} iterations, ${summary.secondsPerIteration} s/iteration`);
console.log(`  classifier agrees with the label: ${(overall * 100).toFixed(1)}% overall; per digit ${accuracy.map((a, d) => `${d}: ${(a * 100).toFixed(0)}%`).join(', ')}`);
if (summary.ema) console.log(`  averaged generator (ema ${summary.ema.decay}): ${((summary.ema.accuracy.overall ?? 0) * 100).toFixed(1)}% overall; per digit ${summary.ema.accuracy.perDigit.map((a, d) => `${d}: ${((a ?? 0) * 100).toFixed(0)}%`).join(', ')}`);
console.log(`  outputs in ${args.out}`);
