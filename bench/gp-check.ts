/**
 * Writes a tiny critic's weights, a real and a fake batch, the interpolation weights and
 * gan-hacks' gradient penalty to bench/gp-case.json, for bench/gp_torch.py to recompute in
 * PyTorch with the same numbers. Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { dcganDiscriminator, gradientPenalty } from 'gan-hacks';

await tf.setBackend('cpu');
const critic = dcganDiscriminator({ inputShape: [8, 8, 1], filters: 4, blocks: 1, dropout: 0, kernelSize: 3, normalization: 'layer', seed: 3 });
const real = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 1);
const fake = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 2);
const alpha = tf.tensor1d([0.1, 0.4, 0.6, 0.95]);
const gp = gradientPenalty(critic, real, fake, { alpha }).dataSync()[0];
const layers = critic.layers.map((l) => ({ class: l.getClassName(), config: l.getConfig(), weights: l.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })) }));
writeFileSync(new URL('./gp-case.json', import.meta.url), JSON.stringify({ layers, real: real.arraySync(), fake: fake.arraySync(), alpha: Array.from(alpha.dataSync()), gp }));
console.log(JSON.stringify({ ganHacksGradientPenalty: gp }));
