import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { instanceNoise, instanceNoiseStd, Trainer, type AugmentationContext } from '../../src/index.js';
import { expectCode, expectNoLeak, stats } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

const ctx = (iteration: number, seed = 1, extra: Partial<AugmentationContext> = {}): AugmentationContext => ({ batch: 'real', step: 'discriminator', iteration, seed, ...extra });

/** The noise an application added: output − input, as numbers. */
function noiseOf(images: tf.Tensor, context: AugmentationContext, options: Parameters<typeof instanceNoise>[0]): Float32Array {
  return tf.tidy(() => instanceNoise(options).apply(images, context).sub(images).dataSync() as Float32Array);
}

describe('instanceNoiseStd', () => {
  it('falls linearly from std to 0 over decay iterations, then stays 0; constant without decay', () => {
    const o = { std: 0.2, decay: 400 };
    // By hand: 0.2 · (1 − t / 400).
    expect(instanceNoiseStd(0, o)).toBeCloseTo(0.2, 12);
    expect(instanceNoiseStd(100, o)).toBeCloseTo(0.15, 12);
    expect(instanceNoiseStd(300, o)).toBeCloseTo(0.05, 12);
    expect(instanceNoiseStd(400, o)).toBe(0);
    expect(instanceNoiseStd(10_000, o)).toBe(0);
    expect(instanceNoiseStd(10_000, { std: 0.3 })).toBe(0.3);
    expect(instanceNoiseStd(5)).toBe(0.1);
    expect(instanceNoiseStd(5, null)).toBe(0.1);
  });

  it('refuses bad iterations and options', () => {
    expectCode(() => instanceNoiseStd(-1), 'INVALID_ARGUMENT');
    expectCode(() => instanceNoiseStd(1.5), 'INVALID_ARGUMENT');
    expectCode(() => instanceNoiseStd(0, { std: -0.1 }), 'INVALID_RANGE');
    expectCode(() => instanceNoiseStd(0, { std: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => instanceNoiseStd(0, { decay: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => instanceNoiseStd(0, 'fast' as never), 'INVALID_ARGUMENT');
  });
});

describe('instanceNoise', () => {
  it('adds Gaussian noise whose measured std follows the schedule', () => {
    const images = tf.randomUniform([200, 10, 10, 1], -1, 1, 'float32', 5);
    const n = images.size;
    const options = { std: 0.3, decay: 1000 };
    for (const [t, seed] of [[0, 11], [250, 12], [600, 13], [900, 14]]) {
      const expected = 0.3 * (1 - t / 1000);
      const s = stats(noiseOf(images, ctx(t, seed), options));
      // Standard errors of a sample's std (σ / √(2n)) and mean (σ / √n): 5 of each.
      expect(Math.abs(s.std - expected)).toBeLessThan((5 * expected) / Math.sqrt(2 * n));
      expect(Math.abs(s.mean)).toBeLessThan((5 * expected) / Math.sqrt(n));
    }
    images.dispose();
  });

  it('draws its noise from the seed: same seed same noise, other seeds other noise, in every batch and step', () => {
    const images = tf.zeros([4, 3, 3, 2]);
    const a = noiseOf(images, ctx(3, 42), {});
    expect(noiseOf(images, ctx(3, 42), {})).toEqual(a);
    const b = noiseOf(images, ctx(3, 43), {});
    expect(b.some((v, i) => v !== a[i])).toBe(true);
    for (const batch of ['real', 'fake'] as const) {
      for (const step of ['discriminator', 'generator'] as const) {
        expect(noiseOf(images, ctx(3, 42, { batch, step }), {})).toEqual(a);
      }
    }
    images.dispose();
  });

  it('returns the batch itself once the noise has decayed, or with std 0', () => {
    const images = tf.ones([2, 2, 2, 1]);
    const noise = instanceNoise({ std: 0.5, decay: 10 });
    const before = tf.memory().numTensors;
    expect(noise.apply(images, ctx(10))).toBe(images);
    expect(noise.apply(images, ctx(11))).toBe(images);
    expect(instanceNoise({ std: 0 }).apply(images, ctx(0))).toBe(images);
    expect(tf.memory().numTensors).toBe(before);
    // One iteration before the end it still adds (0.5 / 10 = 0.05) noise.
    const last = expectNoLeak(() => noise.apply(images, ctx(9)));
    expect(Array.from(last.sub(images).abs().dataSync()).some((v) => v > 0)).toBe(true);
    last.dispose();
    images.dispose();
  });

  it('passes gradients to its input unchanged (the noise is additive)', () => {
    const x = tf.randomNormal([3, 2, 2, 1], 0, 1, 'float32', 2);
    const w = tf.randomNormal([3, 2, 2, 1], 0, 1, 'float32', 3);
    const g = tf.grad((v: tf.Tensor) => instanceNoise().apply(v, ctx(0)).mul(w).sum())(x);
    expect(Array.from(g.dataSync())).toEqual(Array.from(w.dataSync()));
    tf.dispose([x, w, g]);
  });

  it('refuses bad options, batches and contexts', () => {
    expectCode(() => instanceNoise({ std: -1 }), 'INVALID_RANGE');
    expectCode(() => instanceNoise({ std: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => instanceNoise({ decay: -3 }), 'INVALID_ARGUMENT');
    expectCode(() => instanceNoise([] as never), 'INVALID_ARGUMENT');
    expect(instanceNoise(null)).toMatchObject({ std: 0.1, decay: 0, name: 'instanceNoise' });
    const noise = instanceNoise();
    const ints = tf.ones([2, 2], 'int32');
    expectCode(() => noise.apply(ints, ctx(0)), 'INVALID_ARGUMENT');
    const x = tf.ones([2, 2]);
    expectCode(() => noise.apply(x, { ...ctx(0), seed: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => noise.apply(x, { ...ctx(0), iteration: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => noise.apply(x, { ...ctx(0), batch: 'both' as never }), 'INVALID_ARGUMENT');
    expectCode(() => noise.apply(x, undefined as never), 'INVALID_ARGUMENT');
    tf.dispose([ints, x]);
  });

  it('in a Trainer: changes the run, repeats with the seed, resumes exactly, leaks nothing', async () => {
    const data = tinyData();
    const make = (noise = true) =>
      new Trainer({ generator: tinyGenerator(1), discriminator: tinyDiscriminator(2), latentDim: 3, seed: 4, augmentations: noise ? [instanceNoise({ std: 0.5, decay: 20 })] : [] });
    const plain = make(false);
    const hp = await plain.fit(data, { batchSize: 8, iterations: 6 });
    const a = make();
    const ha = await a.fit(data, { batchSize: 8, iterations: 6 });
    expect(ha.records[0].dLossReal).not.toBe(hp.records[0].dLossReal);
    const first = make();
    await first.fit(data, { batchSize: 8, iterations: 3 });
    const resumed = make();
    await resumed.resume(await first.checkpoint());
    const hr = await resumed.fit(data, { batchSize: 8, iterations: 6 });
    for (let i = 0; i < 6; i++) for (const key of ['dLossReal', 'dLossFake', 'gLoss']) expect(hr.records[i][key]).toBe(ha.records[i][key]);
    const before = tf.memory().numTensors;
    await a.fit(data, { batchSize: 8, iterations: 16 });
    expect(tf.memory().numTensors).toBe(before);
    [plain, a, first, resumed].forEach((t) => t.dispose());
    data.dispose();
  });
});
