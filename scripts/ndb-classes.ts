/**
 * Reads an NDB result by digit: runs NDB between the first N bundled MNIST digits (all ten classes, as
 * the C and D examples load them) and N samples of a saved generator, labels each bin with the majority
 * digit of its reference samples, and prints the generated share per digit against the reference share.
 * A bins-JS finding says "whole regions are missing or over-produced"; this says which ones, e.g. a
 * generator that dropped whole digits (mode dropping) or one whose broken strokes all land in the bins
 * of thin digits. `npx tsx scripts/ndb-classes.ts GENERATOR_DIR LATENT_DIM [gaussian|uniform] [N] [BINS] [SEED] [GRID.png]`
 * (defaults: gaussian, 1000, 50, 1); seed + 1000 draws the latents, as the examples' finish() does.
 * GRID.png, when given, gets a 10×10 grid of the first 100 samples.
 */
import * as tf from '@tensorflow/tfjs';
import { imageGrid, loadMnist, ndb, sampleLatent } from 'gan-hacks';
import { loadModel, writePng } from 'gan-hacks/node';

const [dir, latentArg, distArg, nArg, binsArg, seedArg, gridPath] = process.argv.slice(2);
if (!dir || !latentArg) throw new Error('usage: npx tsx scripts/ndb-classes.ts GENERATOR_DIR LATENT_DIM [gaussian|uniform] [N] [BINS] [SEED] [GRID.png]');
const distribution = distArg === 'uniform' ? 'uniform' : 'gaussian';
const n = Number(nArg ?? 1000);
const bins = Number(binsArg ?? 50);
const seed = Number(seedArg ?? 1);

const generator = await loadModel(dir);
const { images, labels } = await loadMnist({ limit: n });
const z = sampleLatent(n, Number(latentArg), { distribution, seed: seed + 1000 });
const fake = generator.predict(z) as tf.Tensor4D;
const result = ndb(images, fake, { bins, seed });
if (gridPath) await writePng(gridPath, imageGrid(fake.slice(0, 100), { columns: 10 }));

// Bin of each reference sample: its nearest centroid, the rule ndb() uses for both sets.
const centroids = tf.tensor2d(result.centroids);
const flat = images.reshape([n, -1]) as tf.Tensor2D;
const d2 = flat.square().sum(1, true).sub(flat.matMul(centroids, false, true).mul(2)).add(centroids.square().sum(1).expandDims(0));
const binOf = await d2.argMin(1).data();
const labelOf = await labels.data();
const counts = Array.from({ length: result.bins }, () => new Array<number>(10).fill(0));
binOf.forEach((b, i) => counts[b][labelOf[i]]++);
const majority = counts.map((c) => c.indexOf(Math.max(...c)));

const share = (props: number[]): number[] => {
  const perDigit = new Array<number>(10).fill(0);
  props.forEach((p, b) => (perDigit[majority[b]] += p));
  return perDigit;
};
const ref = share(result.referenceProportions);
const gen = share(result.generatedProportions);
console.log(`NDB ${result.ndb}/${result.bins} (${result.ndbRatio.toFixed(2)}), bins JS ${result.jsDivergence.toFixed(3)}; bins per digit ${JSON.stringify(majority.reduce((a, m) => (a[m]++, a), new Array<number>(10).fill(0)))}`);
console.log('digit  reference  generated');
for (let d = 0; d < 10; d++) console.log(`${d}      ${(ref[d] * 100).toFixed(1).padStart(5)}%    ${(gen[d] * 100).toFixed(1).padStart(5)}%`);
const top = result.generatedProportions.map((p, b) => ({ b, p, r: result.referenceProportions[b] })).sort((a, c) => c.p - c.r - (a.p - a.r)).slice(0, 5);
console.log(`most over-produced bins: ${top.map((t) => `bin ${t.b} (digit ${majority[t.b]}): ${(t.p * 100).toFixed(1)}% vs ${(t.r * 100).toFixed(1)}%`).join('; ')}`);
generator.dispose();
tf.dispose([images, labels, z, fake, centroids, flat, d2]);
