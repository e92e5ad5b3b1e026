import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MinimaxGAN, Trainer, WGANGP, type Hook } from '../../src/index.js';
import { ACGAN, classCrossEntropy } from '../../src/losses/acgan.js';
import { tinyData } from './tiny.js';

const CLASSES = 3;

/** G([z, label]): the label's embedding joins the latent. */
function conditionalG(seed = 1): tf.LayersModel {
  const z = tf.input({ shape: [3] });
  const label = tf.input({ shape: [1], dtype: 'int32' });
  const e = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: CLASSES, outputDim: 3, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }).apply(label)) as tf.SymbolicTensor;
  const h = tf.layers.concatenate().apply([z, e]) as tf.SymbolicTensor;
  const d = tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }) }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.reshape({ targetShape: [4, 4, 1] }).apply(d) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, label], outputs: out });
}

/** D([x, label]) (concatenated label embedding), or, with `classify`, D(x) → [source, class logits]. */
function conditionalD(seed = 2, classify = false): tf.LayersModel {
  const x = tf.input({ shape: [4, 4, 1] });
  const flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const init = () => tf.initializers.glorotNormal({ seed });
  if (classify) {
    const h = tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init() }).apply(flat) as tf.SymbolicTensor;
    const source = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
    const classes = tf.layers.dense({ units: CLASSES, kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
    return tf.model({ inputs: x, outputs: [source, classes] });
  }
  const label = tf.input({ shape: [1], dtype: 'int32' });
  const e = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: CLASSES, outputDim: 4, embeddingsInitializer: tf.initializers.randomNormal({ seed }) }).apply(label)) as tf.SymbolicTensor;
  const h = tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init() }).apply(tf.layers.concatenate().apply([flat, e]) as tf.SymbolicTensor) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [x, label], outputs: out });
}

function labelled(n = 48): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  return { images: tinyData(n), labels: tf.tensor1d(Array.from({ length: n }, (_, i) => i % CLASSES), 'int32') };
}

describe('class-conditional training', () => {
  it('feeds labels to G and a label-taking D: seeded runs repeat, resume exactly, and leak nothing', async () => {
    const data = labelled();
    const make = () => new Trainer({ generator: conditionalG(), discriminator: conditionalD(), latentDim: 3, classes: CLASSES, seed: 3 });
    const a = make();
    const ha = await a.fit(data, { batchSize: 8, iterations: 6 });
    expect(ha.records.every((r) => Number.isFinite(r.gLoss) && Number.isFinite(r.dLossReal))).toBe(true);
    const b = make();
    await b.fit(data, { batchSize: 8, iterations: 3 });
    const c = make();
    await c.resume(await b.checkpoint());
    const hc = await c.fit(data, { batchSize: 8, iterations: 6 });
    expect(hc.records.map((r) => r.gLoss)).toEqual(ha.records.map((r) => r.gLoss));
    const before = tf.memory().numTensors;
    await a.fit(data, { batchSize: 8, iterations: 10 });
    expect(tf.memory().numTensors).toBe(before);
    [a, b, c].forEach((t) => t.dispose());
    tf.dispose([data.images, data.labels]);
  });

  it('the label reaches G: the same latent with two labels gives two samples; generate checks its labels', async () => {
    const data = labelled();
    const t = new Trainer({ generator: conditionalG(), discriminator: conditionalD(), latentDim: 3, classes: CLASSES, seed: 3 });
    await t.fit(data, { batchSize: 8, iterations: 2 });
    const z = t.sampleLatent(2, 1).slice([0, 0], [1, 3]).tile([2, 1]);
    const two = t.generate(z, undefined, [0, 2]);
    const [first, second] = tf.split(two, 2);
    expect(Array.from(first.dataSync())).not.toEqual(Array.from(second.dataSync()));
    expect(() => t.generate(z)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => t.generate(z, undefined, [0, 3])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => t.generate(z, undefined, tf.tensor1d([0, 1]))).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    tf.dispose([z, two, first, second]);
    t.dispose();
    tf.dispose([data.images, data.labels]);
  });

  it('sample hooks draw through state.sample: sample i is of class i mod classes', async () => {
    const data = labelled();
    let seen: number[] = [];
    const probe: Hook = {
      onTrainEnd(state) {
        const z = tf.zeros([4, 3]);
        const samples = state.sample(z);
        const direct = state.generator.apply([z, tf.tensor2d([0, 1, 2, 0], [4, 1], 'int32')], { training: false }) as tf.Tensor;
        seen = Array.from(samples.sub(direct).abs().max().dataSync());
        tf.dispose([z, samples, direct]);
      },
    };
    const t = new Trainer({ generator: conditionalG(), discriminator: conditionalD(), latentDim: 3, classes: CLASSES, seed: 3, hooks: [probe] });
    await t.fit(data, { batchSize: 8, iterations: 1 });
    expect(seen).toEqual([0]);
    t.dispose();
    tf.dispose([data.images, data.labels]);
  });

  it('ACGAN: D classifies, its class terms are logged and equal the cross-entropy by hand', async () => {
    const data = labelled();
    const t = new Trainer({ generator: conditionalG(), discriminator: conditionalD(2, true), loss: new ACGAN(), latentDim: 3, classes: CLASSES, seed: 3 });
    const h = await t.fit(data, { batchSize: 8, iterations: 4 });
    for (const key of ['dClassReal', 'dClassFake', 'gClass', 'dClassAccReal', 'dClassAccFake']) expect(h.records.every((r) => Number.isFinite(r[key]))).toBe(true);
    // Cross-entropy by hand: -log softmax(logits)[label].
    const logits = [
      [2, 0.5, -1],
      [0, 0, 0],
    ];
    const labels = [0, 2];
    const byHand = -logits.map((row, i) => row[labels[i]] - Math.log(row.reduce((s, v) => s + Math.exp(v), 0))).reduce((a, b) => a + b) / 2;
    const ce = classCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'));
    expect(ce.dataSync()[0]).toBeCloseTo(byHand, 6);
    ce.dispose();
    t.dispose();
    tf.dispose([data.images, data.labels]);
  });

  it('ACGAN classifyFakes: false reaches D\'s update: no fake class term, the fakes\' accuracy still logged, other weights, no leak', async () => {
    const data = labelled();
    const run = async (classifyFakes: boolean) => {
      const t = new Trainer({ generator: conditionalG(), discriminator: conditionalD(2, true), loss: new ACGAN({ classifyFakes }), latentDim: 3, classes: CLASSES, seed: 3 });
      const before = tf.memory().numTensors;
      const h = await t.fit(data, { batchSize: 8, iterations: 3 });
      const leaked = tf.memory().numTensors - before;
      const weights = t.discriminator.getWeights().map((w) => Array.from(w.dataSync()));
      t.dispose();
      return { h, leaked, weights };
    };
    const paper = await run(true);
    const realOnly = await run(false);
    expect(realOnly.leaked).toBe(paper.leaked);
    expect(realOnly.h.records.every((r) => r.dClassFake === undefined && Number.isFinite(r.dClassAccFake) && Number.isFinite(r.dClassReal))).toBe(true);
    expect(paper.h.records.every((r) => Number.isFinite(r.dClassFake))).toBe(true);
    // The first D step sees the same batches in both runs; only the fake class term differs.
    expect(realOnly.h.records[0].dClassReal).toBe(paper.h.records[0].dClassReal);
    expect(realOnly.weights.flat()).not.toEqual(paper.weights.flat());
    tf.dispose([data.images, data.labels]);
  });

  it('refuses mismatched setups and data on entry', async () => {
    const data = labelled();
    const g = conditionalG();
    const d = conditionalD();
    const dc = conditionalD(2, true);
    expect(() => new Trainer({ generator: g, discriminator: d, latentDim: 3 })).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_OPTIONS' }));
    expect(() => new Trainer({ generator: g, discriminator: dc, latentDim: 3, classes: CLASSES })).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_OPTIONS' }));
    expect(() => new Trainer({ generator: g, discriminator: dc, latentDim: 3, classes: 4, loss: new ACGAN() })).toThrow(expect.objectContaining({ code: 'INVALID_SHAPE' }));
    expect(() => new Trainer({ generator: g, discriminator: d, latentDim: 3, classes: CLASSES, loss: new WGANGP() })).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_OPTIONS' }));
    expect(() => new Trainer({ generator: g, discriminator: d, latentDim: 3, classes: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    const t = new Trainer({ generator: g, discriminator: d, latentDim: 3, classes: CLASSES, loss: new MinimaxGAN() });
    await expect(t.fit(data.images, { batchSize: 8, iterations: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const wrong = tf.tensor1d(Array.from({ length: 48 }, () => 3), 'int32');
    await expect(t.fit({ images: data.images, labels: wrong }, { batchSize: 8, iterations: 1 })).rejects.toMatchObject({ code: 'INVALID_RANGE' });
    const floats = tf.zeros([48]) as tf.Tensor1D;
    await expect(t.fit({ images: data.images, labels: floats }, { batchSize: 8, iterations: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(t.iteration).toBe(0);
    tf.dispose([wrong, floats, data.images, data.labels]);
    t.dispose();
  });
});
