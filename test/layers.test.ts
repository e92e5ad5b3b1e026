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

describe('DCGAN blocks (EXPERIMENTS.md A1-A4)', () => {
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
  });
});

describe('EXPERIMENTS.md D builders', () => {
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
});

describe('B, C and E models', () => {
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
