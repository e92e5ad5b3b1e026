/**
 * Reads an NDB result bin by bin. Runs NDB between the first N bundled MNIST digits (round-robin over the
 * digits asked for, as the examples load them) and N samples of a saved generator, then prints:
 * - with several digits, the generated share per digit against the reference share, each bin labelled with
 *   the majority digit of its reference samples (a generator that dropped whole digits shows here);
 * - the bins most over- and under-produced, and with `--centroids FILE.png` their centres as images
 *   (top row over-produced, bottom row under-produced), which is how to read a bins-JS finding on one digit.
 * A bins-JS finding says "whole regions are missing or over-produced"; this says which ones.
 *
 * `npx tsx scripts/ndb-classes.ts GENERATOR_DIR --latent-dim 20 [--distribution gaussian|uniform] [--digits 0-9|8]
 *   [--n 1000] [--bins 50] [--seed 1] [--grid FILE.png] [--centroids FILE.png]`
 * The latents are drawn with seed + 1000, as the examples' finish() does, so the run's NDB is re-derived.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { imageGrid, loadMnist, ndb, sampleLatent } from 'gan-hacks';
import { loadModel, writePng } from 'gan-hacks/node';
import { nearestCenters } from '../src/metrics/kmeans.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'latent-dim': { type: 'string' },
    distribution: { type: 'string', default: 'gaussian' },
    digits: { type: 'string', default: '0-9' },
    n: { type: 'string', default: '1000' },
    bins: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    grid: { type: 'string' },
    centroids: { type: 'string' },
  },
});
const dir = positionals[0];
if (!dir || !values['latent-dim']) throw new Error('usage: npx tsx scripts/ndb-classes.ts GENERATOR_DIR --latent-dim N [options]; see the comment at the top');
const digits = values.digits === '0-9' ? undefined : values.digits!.split(',').map(Number);
const seed = Number(values.seed);
const bins = Number(values.bins);

const generator = await loadModel(dir);
const { images, labels } = await loadMnist({ digits, limit: Number(values.n) });
const n = images.shape[0];
const z = sampleLatent(n, Number(values['latent-dim']), { distribution: values.distribution === 'uniform' ? 'uniform' : 'gaussian', seed: seed + 1000 });
const fake = generator.predict(z) as tf.Tensor4D;
const result = ndb(images, fake, { bins, seed });
if (values.grid) await writePng(imageGrid(fake.slice(0, 100), { columns: 10 }), values.grid);
console.log(`${n} real, ${n} generated: NDB ${result.ndb}/${result.bins} (${result.ndbRatio.toFixed(2)}), bins JS ${result.jsDivergence.toFixed(3)}`);

// Bin of each reference sample, by the function ndb() itself assigns bins with.
const flat = images.reshape([n, -1]) as tf.Tensor2D;
const binOf = nearestCenters(flat, Float32Array.from(result.centroids.flat()), result.bins);
const labelOf = await labels.data();
const counts = Array.from({ length: result.bins }, () => new Array<number>(10).fill(0));
binOf.forEach((b, i) => counts[b][labelOf[i]]++);
const majority = counts.map((c) => c.indexOf(Math.max(...c)));

if (!digits || digits.length > 1) {
  const share = (props: number[]): number[] => {
    const perDigit = new Array<number>(10).fill(0);
    props.forEach((p, b) => (perDigit[majority[b]] += p));
    return perDigit;
  };
  const ref = share(result.referenceProportions);
  const gen = share(result.generatedProportions);
  console.log('digit  bins  reference  generated');
  for (let d = 0; d < 10; d++) {
    const nBins = majority.filter((m) => m === d).length;
    console.log(`${d}      ${String(nBins).padStart(4)}  ${(ref[d] * 100).toFixed(1).padStart(8)}%  ${(gen[d] * 100).toFixed(1).padStart(8)}%`);
  }
}

const byExcess = result.generatedProportions.map((p, b) => ({ b, p, r: result.referenceProportions[b] })).sort((a, c) => c.p - c.r - (a.p - a.r));
const describe = (t: { b: number; p: number; r: number }): string => `bin ${t.b}${digits?.length === 1 ? '' : ` (digit ${majority[t.b]})`}: ${(t.p * 100).toFixed(1)}% vs ${(t.r * 100).toFixed(1)}%`;
const over = byExcess.slice(0, 5);
const under = byExcess.slice(-5).reverse();
console.log(`most over-produced (generated vs real): ${over.map(describe).join('; ')}`);
console.log(`most under-produced: ${under.map(describe).join('; ')}`);
if (values.centroids) {
  const rows = [...over, ...under].map((t) => result.centroids[t.b]);
  const [h, w, c] = images.shape.slice(1) as [number, number, number];
  const picture = tf.tensor4d(rows.flat(), [rows.length, h, w, c]);
  await writePng(imageGrid(picture, { columns: 5, scale: 2 }), values.centroids);
  picture.dispose();
}
generator.dispose();
tf.dispose([images, labels, z, fake, flat]);
