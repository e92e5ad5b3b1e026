import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ACGAN, HingeGAN, Trainer, acganDiscriminator, conditionalGenerator, projectionDiscriminator } from '../../src/index.js';
import { expectCode, expectNoLeakAsync } from '../helpers.js';

const count = (shape: readonly (number | null)[]): number => shape.reduce<number>((a, b) => a * (b ?? 1), 1);
const trainableCount = (m: tf.LayersModel): number => m.trainableWeights.reduce((s, w) => s + count(w.shape), 0);
const labels2d = (values: number[]): tf.Tensor2D => tf.tensor2d(values, [values.length, 1], 'int32');

/** Plain-JS forward pass of tfjs' Conv2D (kernel [kh, kw, cin, cout], 'same' padding) on one image [h][w][c]. */
function conv2dSame(x: number[][][], kernel: number[][][][], bias: number[], stride: number): number[][][] {
  const [h, w] = [x.length, x[0].length];
  const [kh, kw, cin, cout] = [kernel.length, kernel[0].length, kernel[0][0].length, kernel[0][0][0].length];
  const [oh, ow] = [Math.ceil(h / stride), Math.ceil(w / stride)];
  // TensorFlow's 'same': total padding max((out - 1)·stride + k − in, 0), the smaller half before.
  const top = Math.floor(Math.max((oh - 1) * stride + kh - h, 0) / 2);
  const left = Math.floor(Math.max((ow - 1) * stride + kw - w, 0) / 2);
  const out: number[][][] = [];
  for (let i = 0; i < oh; i++) {
    out.push([]);
    for (let j = 0; j < ow; j++) {
      const cell: number[] = [];
      for (let o = 0; o < cout; o++) {
        let s = bias[o];
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const [r, c] = [i * stride + a - top, j * stride + b - left];
            if (r < 0 || r >= h || c < 0 || c >= w) continue;
            for (let k = 0; k < cin; k++) s += x[r][c][k] * kernel[a][b][k][o];
          }
        }
        cell.push(s);
      }
      out[i].push(cell);
    }
  }
  return out;
}

const leaky = (t: number[][][]): number[][][] => t.map((row) => row.map((cell) => cell.map((v) => (v > 0 ? v : 0.2 * v))));

function weightsOf(model: tf.LayersModel, name: string): number[][] {
  return model.getLayer(name).getWeights().map((t) => Array.from(t.dataSync()));
}

/** Labelled random 8x8 "images" in [-1, 1]. */
function tinyLabelled(n: number, classes: number, seed: number): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  return {
    images: tf.randomUniform([n, 8, 8, 1], -1, 1, 'float32', seed) as tf.Tensor4D,
    labels: tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32'),
  };
}

describe('conditionalGenerator', () => {
  it('takes [latent, label] and gives 28x28x1 by default, with the parameters counted by hand', () => {
    const [L, K, E, f] = [100, 10, 50, 128];
    const g = conditionalGenerator({ latentDim: L, classes: K });
    expect(g.inputs.map((i) => [i.shape, i.dtype])).toEqual([
      [[null, L], 'float32'],
      [[null, 1], 'int32'],
    ]);
    expect(g.outputs[0].shape).toEqual([null, 28, 28, 1]);
    // Embedding K·E; Dense (L + E)·f·7·7 + f·7·7; two ConvTranspose 4·4·f·f + f; output Conv 7·7·f·1 + 1.
    const byHand = K * E + ((L + E) * f * 49 + f * 49) + 2 * (16 * f * f + f) + (49 * f + 1);
    expect(trainableCount(g)).toBe(byHand);
    // The frozen one-hot table adds K² values that no optimizer sees.
    expect(g.countParams()).toBe(byHand + K * K);
    const table = g.getLayer('label_one_hot');
    expect(table.trainableWeights).toHaveLength(0);
    expect(table.getWeights()[0].arraySync()).toEqual(tf.tidy(() => tf.eye(K).arraySync()));
    expect(g.weights.filter((w) => w.trainable).length).toBe(g.trainableWeights.length);
    g.dispose();
  });

  it('outputShape, embeddingDim and filters size the model; the label changes the sample drawn from one latent', () => {
    const [L, K, E, f] = [4, 3, 2, 8];
    const g = conditionalGenerator({ latentDim: L, classes: K, embeddingDim: E, outputShape: [8, 12, 2], filters: f, seed: 5 });
    expect(g.outputs[0].shape).toEqual([null, 8, 12, 2]);
    expect(trainableCount(g)).toBe(K * E + ((L + E) * f * 6 + f * 6) + 2 * (16 * f * f + f) + (49 * f * 2 + 2));
    const z = tf.randomNormal([1, L], 0, 1, 'float32', 7).tile([K, 1]);
    const out = tf.tidy(() => g.predict([z, labels2d([0, 1, 2])]) as tf.Tensor);
    const [a, b, c] = tf.split(out, K).map((t) => Array.from(t.dataSync()));
    expect(a).not.toEqual(b);
    expect(b).not.toEqual(c);
    expect(Math.max(...a, ...b, ...c)).toBeLessThanOrEqual(1);
    expect(Math.min(...a, ...b, ...c)).toBeGreaterThanOrEqual(-1);
    // Same label, same latent: the same sample (the label alone made the difference).
    const again = tf.tidy(() => Array.from((g.predict([z.slice([0, 0], [1, L]), labels2d([1])]) as tf.Tensor).dataSync()));
    again.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));
    // Same seed, same weights.
    const twin = conditionalGenerator({ latentDim: L, classes: K, embeddingDim: E, outputShape: [8, 12, 2], filters: f, seed: 5 });
    twin.getWeights().forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(g.getWeights()[i].dataSync())));
    tf.dispose([z, out]);
    g.dispose();
    twin.dispose();
  });

  it('batchNorm puts a BatchNormalization between each transposed convolution and its LeakyReLU', () => {
    const args = { latentDim: 4, classes: 3, embeddingDim: 2, outputShape: [8, 8, 1] as [number, number, number], filters: 8 };
    const plain = conditionalGenerator(args);
    const normed = conditionalGenerator({ ...args, batchNorm: true });
    const kinds = (m: tf.LayersModel): string[] => m.layers.map((l) => l.getClassName()).filter((k) => ['Conv2DTranspose', 'BatchNormalization', 'LeakyReLU', 'Conv2D'].includes(k));
    expect(kinds(plain)).toEqual(['LeakyReLU', 'Conv2DTranspose', 'LeakyReLU', 'Conv2DTranspose', 'LeakyReLU', 'Conv2D']);
    expect(kinds(normed)).toEqual(['LeakyReLU', 'Conv2DTranspose', 'BatchNormalization', 'LeakyReLU', 'Conv2DTranspose', 'BatchNormalization', 'LeakyReLU', 'Conv2D']);
    // gamma and beta train (2 × 2f), the moving mean and variance do not (2 × 2f).
    expect(trainableCount(normed)).toBe(trainableCount(plain) + 2 * 2 * 8);
    expect(normed.countParams()).toBe(plain.countParams() + 4 * 2 * 8);
    expectCode(() => conditionalGenerator({ ...args, batchNorm: 'yes' as never }), 'INVALID_ARGUMENT');
    plain.dispose();
    normed.dispose();
  });

  it('refuses bad options with a code', () => {
    expectCode(() => conditionalGenerator(null as never), 'INVALID_ARGUMENT');
    expectCode(() => conditionalGenerator({ latentDim: 4, classes: 1 }), 'INVALID_RANGE');
    expectCode(() => conditionalGenerator({ latentDim: 4, classes: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => conditionalGenerator({ latentDim: 4, classes: 20_000 }), 'INVALID_RANGE');
    expectCode(() => conditionalGenerator({ latentDim: 0, classes: 10 }), 'INVALID_ARGUMENT');
    expectCode(() => conditionalGenerator({ latentDim: 4, classes: 10, outputShape: [30, 28, 1] }), 'INVALID_SHAPE');
    expectCode(() => conditionalGenerator({ latentDim: 4, classes: 10, embeddingDim: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => conditionalGenerator({ latentDim: 4, classes: 10, seed: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => conditionalGenerator({ latentDim: 60_000, classes: 10 }), 'INVALID_RANGE');
    expect(() => conditionalGenerator({ latentDim: 4, classes: 1 })).toThrow(/classes must be at least 2/);
  });
});

describe('projectionDiscriminator', () => {
  it('D(x, y) = ψ(φ(x)) + <embed(y), φ(x)>: the output equals a plain-JS forward pass from its weights', () => {
    const [K, f] = [3, 2];
    const d = projectionDiscriminator({ classes: K, inputShape: [8, 8, 1], filters: f, seed: 9 });
    // Weights far from dcganNormal's 0.02, so the projection term is of the same size as ψ's.
    d.trainableWeights.forEach((w, i) => {
      const value = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 100 + i);
      w.write(value);
      value.dispose();
    });
    const convs = d.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs).toHaveLength(2);
    const [k1, b1] = convs[0].getWeights().map((t) => t.arraySync()) as [number[][][][], number[]];
    const [k2, b2] = convs[1].getWeights().map((t) => t.arraySync()) as [number[][][][], number[]];
    const [psiKernel, psiBias] = weightsOf(d, 'psi');
    const embedding = d.getLayer('projection_embedding').getWeights()[0].arraySync() as number[][];
    const images = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 11) as tf.Tensor4D;
    const labels = [0, 2, 1, 2];
    const got = tf.tidy(() => Array.from((d.predict([images, labels2d(labels)]) as tf.Tensor).dataSync()));
    const x = images.arraySync();
    const byHand = x.map((img, n) => {
      const phi = leaky(conv2dSame(leaky(conv2dSame(img, k1, b1, 2)), k2, b2, 2)).flat(2);
      expect(phi).toHaveLength(2 * 2 * f);
      const psi = phi.reduce((s, v, i) => s + v * psiKernel[i], psiBias[0]);
      const projection = phi.reduce((s, v, i) => s + v * embedding[labels[n]][i], 0);
      expect(Math.abs(projection)).toBeGreaterThan(1e-3);
      return psi + projection;
    });
    got.forEach((v, i) => expect(v).toBeCloseTo(byHand[i], 4));
    tf.dispose(images);
    d.dispose();
  });

  it('shapes and parameters by hand at 28x28; ends in a linear Activation, so the Trainer picks MinimaxGAN from logits', () => {
    const [K, f] = [10, 64];
    const d = projectionDiscriminator({ classes: K });
    expect(d.inputs.map((i) => i.shape)).toEqual([
      [null, 28, 28, 1],
      [null, 1],
    ]);
    expect(d.outputs[0].shape).toEqual([null, 1]);
    const F = 7 * 7 * f;
    const trunk = 16 * 1 * f + f + (16 * f * f + f);
    expect(trainableCount(d)).toBe(trunk + (F + 1) + K * F);
    expect(d.countParams()).toBe(trunk + (F + 1) + K * F + K * K);
    expect(d.layers.at(-1)!.getClassName()).toBe('Activation');
    const g = conditionalGenerator({ latentDim: 4, classes: K, filters: 8 });
    const t = new Trainer({ generator: g, discriminator: d, latentDim: 4, classes: K });
    expect(t.loss.name).toBe('minimax');
    expect(t.loss.output).toBe('logit');
    t.dispose();
  });

  it('dropout adds one Dropout on φ(x), no parameter, active in training calls only', () => {
    const args = { classes: 3, inputShape: [8, 8, 1] as [number, number, number], filters: 2, seed: 6 };
    for (const build of [projectionDiscriminator, acganDiscriminator]) {
      const plain = build(args);
      const dropped = build({ ...args, dropout: 0.5 });
      const kinds = (m: tf.LayersModel): string[] => m.layers.map((l) => l.getClassName());
      expect(kinds(plain)).not.toContain('Dropout');
      expect(kinds(dropped).filter((k) => k === 'Dropout')).toHaveLength(1);
      expect(dropped.countParams()).toBe(plain.countParams());
      const images = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 13);
      const y = labels2d([0, 2]);
      const input = build === projectionDiscriminator ? [images, y] : images;
      const first = (o: tf.Tensor | tf.Tensor[]): number[] => Array.from((Array.isArray(o) ? o[0] : o).dataSync());
      const [t1, t2, p1, p2] = tf.tidy(() => [dropped.apply(input, { training: true }), dropped.apply(input, { training: true }), dropped.predict(input), dropped.predict(input)].map((o) => first(o as tf.Tensor | tf.Tensor[])));
      expect(t1).not.toEqual(t2);
      expect(p1).toEqual(p2);
      tf.dispose([images, y]);
      plain.dispose();
      dropped.dispose();
    }
    expectCode(() => acganDiscriminator({ ...args, dropout: 1 }), 'INVALID_RANGE');
  });

  it('refuses bad options with a code', () => {
    expectCode(() => projectionDiscriminator(null as never), 'INVALID_ARGUMENT');
    expectCode(() => projectionDiscriminator({ classes: 1 }), 'INVALID_RANGE');
    expectCode(() => projectionDiscriminator({ classes: 10, inputShape: [28, 28] as never }), 'INVALID_SHAPE');
    expectCode(() => projectionDiscriminator({ classes: 10, filters: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => acganDiscriminator({ classes: 10, name: '' }), 'INVALID_ARGUMENT');
    expectCode(() => acganDiscriminator({ classes: 3.5 }), 'INVALID_ARGUMENT');
  });
});

describe('acganDiscriminator', () => {
  it('gives [source probability, class logits], each head a Dense on the trunk, with the parameters by hand', () => {
    const [K, f] = [10, 64];
    const d = acganDiscriminator({ classes: K });
    expect(d.inputs).toHaveLength(1);
    expect(d.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, K],
    ]);
    const F = 7 * 7 * f;
    expect(d.countParams()).toBe(16 * f + f + (16 * f * f + f) + (F + 1) + (F * K + K));
    expect(trainableCount(d)).toBe(d.countParams());
    d.dispose();
    // Both heads read the same features: the logits are the source's pre-activation's sibling.
    const small = acganDiscriminator({ classes: 3, inputShape: [8, 8, 1], filters: 2, seed: 4 });
    const images = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 12);
    const [source, logits] = small.predict(images) as tf.Tensor[];
    const features = tf.model({ inputs: small.inputs, outputs: small.getLayer('source').input as tf.SymbolicTensor }).predict(images) as tf.Tensor;
    const phi = features.arraySync() as number[][];
    const [sk, sb] = weightsOf(small, 'source');
    const [ck, cb] = weightsOf(small, 'class_logits');
    const s = source.dataSync();
    const c = logits.arraySync() as number[][];
    phi.forEach((row, n) => {
      const z = row.reduce((acc, v, i) => acc + v * sk[i], sb[0]);
      expect(s[n]).toBeCloseTo(1 / (1 + Math.exp(-z)), 5);
      for (let k = 0; k < 3; k++) expect(c[n][k]).toBeCloseTo(row.reduce((acc, v, i) => acc + v * ck[i * 3 + k], cb[k]), 5);
    });
    tf.dispose([images, source, logits, features]);
    small.dispose();
  });
});

describe('conditional builders in a Trainer and on disk', () => {
  const tinyG = (K: number): tf.LayersModel => conditionalGenerator({ latentDim: 4, classes: K, embeddingDim: 3, outputShape: [8, 8, 1], filters: 8, seed: 1 });

  for (const pair of ['projection', 'acgan'] as const) {
    it(`${pair}: 2 iterations with finite losses, then 2 more with a flat tensor count`, async () => {
      const K = 3;
      const data = tinyLabelled(24, K, 2);
      const discriminator = pair === 'acgan' ? acganDiscriminator({ classes: K, inputShape: [8, 8, 1], filters: 4, seed: 3 }) : projectionDiscriminator({ classes: K, inputShape: [8, 8, 1], filters: 4, seed: 3 });
      const t = new Trainer({ generator: tinyG(K), discriminator, latentDim: 4, classes: K, seed: 5, ...(pair === 'acgan' ? { loss: new ACGAN() } : {}) });
      const before = t.discriminator.getWeights().map((w) => Array.from(w.dataSync()));
      const h = await t.fit(data, { batchSize: 8, iterations: 2 });
      expect(h.records).toHaveLength(2);
      const keys = ['dLossReal', 'dLossFake', 'gLoss', ...(pair === 'acgan' ? ['dClassReal', 'dClassFake', 'gClass'] : [])];
      for (const r of h.records) for (const key of keys) expect(Number.isFinite(r[key]), key).toBe(true);
      // The trainable weights moved, the frozen one-hot table did not.
      const after = t.discriminator.getWeights().map((w) => Array.from(w.dataSync()));
      const names = t.discriminator.weights.map((w) => w.originalName);
      after.forEach((w, i) => (names[i].includes('label_one_hot') ? expect(w).toEqual(before[i]) : expect(w).not.toEqual(before[i])));
      await expectNoLeakAsync(() => t.fit(data, { batchSize: 8, iterations: 2 }).then(() => undefined));
      t.dispose();
      tf.dispose([data.images, data.labels]);
    });
  }

  it('the projection D also trains with HingeGAN, its paper loss', async () => {
    const K = 2;
    const data = tinyLabelled(16, K, 3);
    const t = new Trainer({ generator: tinyG(K), discriminator: projectionDiscriminator({ classes: K, inputShape: [8, 8, 1], filters: 4 }), latentDim: 4, classes: K, loss: new HingeGAN(), seed: 1 });
    const h = await t.fit(data, { batchSize: 8, iterations: 2 });
    expect(h.records.every((r) => Number.isFinite(r.gLoss) && Number.isFinite(r.dLossReal))).toBe(true);
    t.dispose();
    tf.dispose([data.images, data.labels]);
  });

  it('saved and reloaded with tf.loadLayersModel (standard layers only), the models give the same outputs', async () => {
    const K = 3;
    const models = [tinyG(K), projectionDiscriminator({ classes: K, inputShape: [8, 8, 1], filters: 4, seed: 2 }), acganDiscriminator({ classes: K, inputShape: [8, 8, 1], filters: 4, seed: 2 })];
    const z = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const images = tf.randomUniform([3, 8, 8, 1], -1, 1, 'float32', 2);
    const y = labels2d([2, 0, 1]);
    const inputsOf = [[z, y], [images, y], images];
    for (const [i, model] of models.entries()) {
      let saved: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      const [a, b] = [model.predict(inputsOf[i]), loaded.predict(inputsOf[i])].map((o) => (Array.isArray(o) ? o : [o]));
      a.forEach((t, k) => expect(Array.from(b[k].dataSync())).toEqual(Array.from(t.dataSync())));
      tf.dispose([...a, ...b]);
      loaded.dispose();
      model.dispose();
    }
    tf.dispose([z, images, y]);
  });
});
