/**
 * Prints every fact of docs/experiments/hacks.md (experiment A), as the source's snippets did.
 * `npx tsx examples/hacks-tour.ts` (CPU backend, a few seconds)
 */
import * as tf from '@tensorflow/tfjs';
import {
  batchNorm,
  dcganAdam,
  dcganNormal,
  leakyReLU,
  modelSummary,
  noisyLabels,
  sampleLatent,
  scaleImages,
  smoothNegativeLabels,
  smoothPositiveLabels,
  stridedDownsample,
  stridedUpsample,
  unscaleImages,
} from 'gan-hacks';

await tf.setBackend('cpu');
const moments = (t: tf.Tensor): string => {
  const { mean, variance } = tf.moments(t);
  return `mean ${mean.dataSync()[0].toFixed(4)}, std ${Math.sqrt(variance.dataSync()[0]).toFixed(4)}`;
};
const range = (t: tf.Tensor): string => `min ${t.min().dataSync()[0].toFixed(3)}, max ${t.max().dataSync()[0].toFixed(3)}`;
const show = (label: string, m: tf.LayersModel): void => {
  const s = modelSummary(m);
  console.log(`${label}: output ${JSON.stringify(s.outputShape)}, ${s.total.toLocaleString('en')} params (${s.trainable.toLocaleString('en')} trainable, ${s.nonTrainable} non-trainable)`);
};

show('A1 Conv2D(64, 3x3, strides 2) on 64x64x3', tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] })] }));
show('A2 Conv2DTranspose(64, 4x4, strides 2) on 64x64x3', tf.sequential({ layers: [stridedUpsample({ filters: 64, inputShape: [64, 64, 3] })] }));
show('A3 ... + LeakyReLU(0.2)', tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] }), leakyReLU()] }));
show('A4 Conv2D + BatchNormalization + LeakyReLU', tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] }), batchNorm(), leakyReLU()] }));
console.log(`A5 10,000 weights from dcganNormal(): ${moments(dcganNormal({ seed: 1 }).apply([100, 100]))}`);
const adam = dcganAdam().getConfig();
console.log(`A6 dcganAdam(): learningRate ${adam.learningRate}, beta1 ${adam.beta1}, beta2 ${adam.beta2}`);
const scaled = scaleImages(new Uint8Array([0, 127, 128, 255]));
console.log(`A7 scaleImages([0, 127, 128, 255]) = [${Array.from(scaled).map((v) => v.toFixed(4)).join(', ')}]; unscaleImages back: [${Array.from(unscaleImages(scaled)).join(', ')}]`);
console.log(`A8 sampleLatent(500, 100): ${moments(sampleLatent(500, 100, { seed: 1 }))}`);
console.log('A9 separate batches: new Trainer({ discriminatorStep: "separate" }) is the default (see examples/failure-modes/b3-combined-batch.ts for "combined")');
console.log(`A10 smoothPositiveLabels(ones(1000)): ${range(smoothPositiveLabels(tf.ones([1000, 1]), { seed: 1 }))}; smoothNegativeLabels(zeros(1000)): ${range(smoothNegativeLabels(tf.zeros([1000, 1]), { seed: 1 }))}`);
const flipped = noisyLabels(tf.ones([1000, 1]), { pFlip: 0.05, seed: 1 });
console.log(`A11 noisyLabels(ones(1000), { pFlip: 0.05 }): ${1000 - flipped.sum().dataSync()[0]} labels flipped (exactly round(0.05 * 1000))`);
