import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  batchNorm,
  dcganDiscriminator,
  dcganGenerator,
  failureModesDiscriminator,
  failureModesGenerator,
  leakyReLU,
  mlpDiscriminator,
  mlpGenerator,
  modelSummary,
  monitoringDiscriminator,
  monitoringGenerator,
  stridedDownsample,
  stridedUpsample,
} from '../src/index.js';
import { expectCode } from './helpers.js';

describe('DCGAN blocks (docs/experiments/hacks.md, A1-A4)', () => {
  it('A1: Conv2D(64, 3x3, s2) on 64x64x3 gives 32x32x64 with 1,792 parameters', () => {
    const m = tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] })] });
    expect(modelSummary(m)).toMatchObject({ total: 1792, trainable: 1792, outputShape: [32, 32, 64] });
    m.dispose();
  });

  it('A2: Conv2DTranspose(64, 4x4, s2) on 64x64x3 gives 128x128x64 with 3,136 parameters', () => {
    const m = tf.sequential({ layers: [stridedUpsample({ filters: 64, inputShape: [64, 64, 3] })] });
    expect(modelSummary(m)).toMatchObject({ total: 3136, outputShape: [128, 128, 64] });
    m.dispose();
  });

  it('A3: LeakyReLU has no parameters and slope 0.2 (not tfjs default 0.3)', () => {
    const layer = leakyReLU();
    const m = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [2] }), layer] });
    expect(modelSummary(m).total).toBe(0);
    const y = m.predict(tf.tensor2d([[-1, 2]])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([expect.closeTo(-0.2, 6), 2]);
    m.dispose();
  });

  it('A4: conv + batch norm: 2,048 parameters, 1,920 trainable, 128 not', () => {
    const m = tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] }), batchNorm(), leakyReLU()] });
    expect(modelSummary(m)).toMatchObject({ total: 2048, trainable: 1920, nonTrainable: 128 });
    m.dispose();
  });

  it('rejects bad block arguments', () => {
    expectCode(() => stridedDownsample({ filters: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => stridedUpsample({ filters: 8, kernelSize: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => stridedDownsample({ filters: 8, inputShape: [28, 28] as unknown as [number, number, number] }), 'INVALID_SHAPE');
    expectCode(() => stridedDownsample(null as never), 'INVALID_ARGUMENT');
    expectCode(() => stridedDownsample({ filters: 1e9 }), 'INVALID_RANGE');
    expectCode(() => stridedDownsample({ filters: 8, kernelSize: 65 }), 'INVALID_RANGE');
    expectCode(() => stridedDownsample({ filters: 8, kernelInitializer: 'ones' as never }), 'INVALID_ARGUMENT');
    expectCode(() => stridedDownsample({ filters: 8, useBias: 1 as never }), 'INVALID_ARGUMENT');
    expectCode(() => stridedDownsample({ filters: 8, name: '' }), 'INVALID_ARGUMENT');
    expectCode(() => stridedUpsample({ filters: 8, strides: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => stridedUpsample({ filters: 8, activation: 'gelu' as never }), 'INVALID_ARGUMENT');
    expectCode(() => stridedUpsample({ filters: 8, strides: 2, inputShape: [8192, 8, 1] }), 'INVALID_RANGE');
    // 64 x 64 x 8192 x 8192 weights would be 275 G values.
    expectCode(() => stridedDownsample({ filters: 8192, kernelSize: 64, inputShape: [64, 64, 8192] }), 'INVALID_RANGE');
    expect(stridedDownsample({ filters: 2, kernelInitializer: tf.initializers.heNormal({}) }).getClassName()).toBe('Conv2D');
  });

  it('batchNorm refuses an epsilon that would give NaN and a momentum outside [0, 1]', () => {
    // With epsilon = 0 a constant channel is 0 / sqrt(0) = NaN: what the refusal prevents.
    const x = tf.ones([2, 3]);
    const raw = tf.layers.batchNormalization({ epsilon: 0 }).apply(x, { training: true }) as tf.Tensor;
    expect(Number.isNaN(raw.dataSync()[0])).toBe(true);
    for (const epsilon of [0, -1, -0, 1e-50, 1e39, NaN, Infinity]) {
      expectCode(() => batchNorm({ epsilon }), Number.isNaN(epsilon) || !Number.isFinite(epsilon) ? 'INVALID_ARGUMENT' : 'INVALID_RANGE');
    }
    expectCode(() => batchNorm({ momentum: 1.01 }), 'INVALID_RANGE');
    expectCode(() => batchNorm({ momentum: -0.1 }), 'INVALID_RANGE');
    expectCode(() => batchNorm('fast' as never), 'INVALID_ARGUMENT');
    // The smallest float32 epsilon still keeps a constant channel finite.
    const tiny = batchNorm({ epsilon: 1e-44 }).apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(tiny.dataSync()).every(Number.isFinite)).toBe(true);
    expect(batchNorm(null).getConfig()).toMatchObject({ momentum: 0.99, epsilon: 1e-3 });
    tf.dispose([x, raw, tiny]);
  });

  it('leakyReLU takes a slope in [0, 1] and null options', () => {
    expect(leakyReLU(null).getConfig()).toMatchObject({ alpha: 0.2 });
    expect(leakyReLU({ alpha: 0 }).getConfig()).toMatchObject({ alpha: 0 });
    expectCode(() => leakyReLU({ alpha: -0.2 }), 'INVALID_RANGE');
    expectCode(() => leakyReLU({ alpha: 1.5 }), 'INVALID_RANGE');
    expectCode(() => leakyReLU({ alpha: NaN }), 'INVALID_ARGUMENT');
  });
});

describe('the WGAN-GP chapter builders (docs/experiments/wgan-gp.md)', () => {
  it('reproduce the generator parameter counts of the source (817,824 / 804,832)', () => {
    const g = dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1] });
    expect(modelSummary(g)).toEqual({ total: 817_824, trainable: 804_832, nonTrainable: 12_992, outputShape: [28, 28, 1] });
    g.dispose();
  });

  it('reproduce the discriminator parameter counts of the source (1,040,385 / 1,039,489)', () => {
    const d = dcganDiscriminator({ inputShape: [28, 28, 1] });
    expect(modelSummary(d)).toEqual({ total: 1_040_385, trainable: 1_039_489, nonTrainable: 896, outputShape: [1] });
    d.dispose();
  });

  it("normalization 'layer' builds a critic without batch norm, with per-channel gamma and beta", () => {
    const d = dcganDiscriminator({ inputShape: [28, 28, 1], normalization: 'layer' });
    const classes = d.layers.map((l) => l.getClassName());
    expect(classes).not.toContain('BatchNormalization');
    expect(classes.filter((c) => c === 'LayerNormalization')).toHaveLength(3);
    // Same convolutions; layer norm has only trainable gamma/beta.
    expect(modelSummary(d)).toMatchObject({ total: 1_039_489, nonTrainable: 0 });
    d.dispose();
  });

  it('generated images lie in [-1, 1] (tanh)', () => {
    const g = dcganGenerator({ latentDim: 4, outputShape: [8, 8, 1], filters: 8, blocks: 1, seed: 1 });
    const y = g.predict(tf.randomNormal([3, 4])) as tf.Tensor;
    expect(y.shape).toEqual([3, 8, 8, 1]);
    const v = y.dataSync();
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-1);
    g.dispose();
  });

  it('rejects sizes that do not divide by 2^blocks', () => {
    expectCode(() => dcganGenerator({ latentDim: 20, outputShape: [30, 30, 1] }), 'INVALID_SHAPE');
    expectCode(() => dcganDiscriminator({ inputShape: [30, 28, 1], blocks: 2 }), 'INVALID_SHAPE');
    expectCode(() => dcganDiscriminator({ inputShape: [28, 28, 1], normalization: 'group' as never }), 'INVALID_ARGUMENT');
    expectCode(() => dcganGenerator({ latentDim: 0, outputShape: [28, 28, 1] }), 'INVALID_ARGUMENT');
  });

  it('refuses null args, caps and bad options before building anything', () => {
    const before = tf.memory().numTensors;
    expectCode(() => dcganGenerator(null as never), 'INVALID_ARGUMENT');
    expectCode(() => dcganDiscriminator(undefined as never), 'INVALID_SHAPE');
    expectCode(() => dcganGenerator({ latentDim: 1e9, outputShape: [28, 28, 1] }), 'INVALID_RANGE');
    expectCode(() => dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1], filters: 1e6 }), 'INVALID_RANGE');
    expectCode(() => dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1], blocks: 40 }), 'INVALID_RANGE');
    expectCode(() => dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1], seed: NaN }), 'INVALID_ARGUMENT');
    // 4096 x 4096 x 128 weights in the dense layer: above 2^27.
    expectCode(() => dcganGenerator({ latentDim: 4096, outputShape: [128, 128, 1] }), 'INVALID_RANGE');
    expectCode(() => dcganGenerator({ latentDim: 20, outputShape: [28, 28, 0] }), 'INVALID_SHAPE');
    expectCode(() => dcganDiscriminator({ inputShape: [28, 28, 1], dropout: 1 }), 'INVALID_RANGE');
    expectCode(() => dcganDiscriminator({ inputShape: [28, 28, 1], dropout: -0.1 }), 'INVALID_RANGE');
    expectCode(() => dcganDiscriminator({ inputShape: [32, 32, 1], filters: 8192, blocks: 4 }), 'INVALID_RANGE');
    expectCode(() => dcganDiscriminator({ inputShape: [28, 28, NaN] as never }), 'INVALID_SHAPE');
    expectCode(() => failureModesGenerator({ latentDim: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => failureModesGenerator({ batchNorm: 'yes' as never }), 'INVALID_ARGUMENT');
    expectCode(() => failureModesDiscriminator({ inputShape: [-28, 28, 1] }), 'INVALID_SHAPE');
    expectCode(() => monitoringGenerator({ latentDim: 1e9 }), 'INVALID_RANGE');
    expectCode(() => monitoringDiscriminator({ seed: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => mlpGenerator({ outputShape: [28, 28] as never }), 'INVALID_SHAPE');
    expectCode(() => mlpGenerator({ hidden: [256, 0] }), 'INVALID_ARGUMENT');
    expectCode(() => mlpGenerator({ hidden: [65_536, 65_536] }), 'INVALID_RANGE');
    // 64 layers of 8,192 x 8,192: each under 2^27 weights, 4.3e9 in all.
    expectCode(() => mlpDiscriminator({ hidden: new Array(64).fill(8192) }), 'INVALID_RANGE');
    expectCode(() => mlpDiscriminator({ inputShape: [1, 1] as never }), 'INVALID_SHAPE');
    expectCode(() => mlpDiscriminator({ hidden: 'wide' as never }), 'INVALID_ARGUMENT');
    expectCode(() => modelSummary(null as never), 'INVALID_ARGUMENT');
    expectCode(() => modelSummary(tf.sequential()), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the failure-modes, monitoring and survey models', () => {
  it('B: the failure-modes pair maps a 50-d latent to 28x28x1 and an image to a probability', () => {
    const g = failureModesGenerator();
    const d = failureModesDiscriminator();
    expect(g.inputs[0].shape).toEqual([null, 50]);
    expect(g.outputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(d.outputs[0].shape).toEqual([null, 1]);
    expect(d.layers[d.layers.length - 1].getConfig().activation).toBe('sigmoid');
    // Dense(50 -> 6272) + 2 ConvT(128, 4x4) + Conv(1, 7x7)
    expect(modelSummary(g).total).toBe(50 * 6272 + 6272 + 2 * (16 * 128 * 128 + 128) + 49 * 128 + 1);
    expect(modelSummary(d).total).toBe(16 * 64 + 64 + 16 * 64 * 64 + 64 + 3136 + 1);
    g.dispose();
    d.dispose();
  });

  it('B: batchNorm: true adds batch norm after every convolution', () => {
    const d = failureModesDiscriminator({ batchNorm: true });
    expect(d.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(2);
    d.dispose();
    // null options are the defaults
    const g = failureModesGenerator(null);
    expect(g.inputs[0].shape).toEqual([null, 50]);
    g.dispose();
  });

  it('C: the monitoring pair uses a 3x3 output convolution and latent 128 by default', () => {
    const g = monitoringGenerator();
    expect(g.inputs[0].shape).toEqual([null, 128]);
    const last = g.layers[g.layers.length - 1].getConfig() as { kernelSize: number[] };
    expect(last.kernelSize).toEqual([3, 3]);
    expect(modelSummary(monitoringDiscriminator()).total).toBe(16 * 64 + 64 + 16 * 64 * 64 + 64 + 3136 + 1);
    g.dispose();
  });

  it('E: the fully connected pair is 100 -> 256 -> 512 -> 784', () => {
    const g = mlpGenerator();
    expect(modelSummary(g).total).toBe(100 * 256 + 256 + 256 * 512 + 512 + 512 * 784 + 784);
    expect(g.outputs[0].shape).toEqual([null, 28, 28, 1]);
    const d = mlpDiscriminator();
    expect(d.outputs[0].shape).toEqual([null, 1]);
    expectCode(() => mlpGenerator({ hidden: [] }), 'INVALID_ARGUMENT');
    g.dispose();
    d.dispose();
  });

  it('the same seed builds the same weights; another seed other weights', () => {
    const a = failureModesDiscriminator({ seed: 7 });
    const b = failureModesDiscriminator({ seed: 7 });
    const c = failureModesDiscriminator({ seed: 8 });
    const w = (m: tf.LayersModel): number[] => Array.from(m.getWeights()[0].dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});
