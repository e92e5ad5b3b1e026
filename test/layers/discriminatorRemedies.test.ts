import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { failureModesDiscriminator } from '../../src/index.js';

const classes = (m: tf.LayersModel): string[] => m.layers.map((l) => l.getClassName());

describe('failureModesDiscriminator remedies', () => {
  it('builds the documented layers for each remedy and leaves the default as it was', () => {
    const plain = failureModesDiscriminator({ inputShape: [8, 8, 1], seed: 1 });
    expect(classes(plain)).toEqual(['Conv2D', 'LeakyReLU', 'Conv2D', 'LeakyReLU', 'Flatten', 'Dense']);
    const sn = failureModesDiscriminator({ inputShape: [8, 8, 1], seed: 1, remedies: { spectralNormalization: true } });
    expect(classes(sn)).toEqual(['SpectralNormalization', 'LeakyReLU', 'SpectralNormalization', 'LeakyReLU', 'Flatten', 'SpectralNormalization']);
    // Same trainable parameters; u vectors (64, 64, 1) are the only extra weights.
    expect(sn.countParams() - plain.countParams()).toBe(64 + 64 + 1);
    const mb = failureModesDiscriminator({ inputShape: [8, 8, 1], seed: 1, remedies: { minibatchStddev: true, minibatchDiscrimination: { kernels: 4, dims: 3 } } });
    expect(classes(mb)).toEqual(['Conv2D', 'LeakyReLU', 'Conv2D', 'LeakyReLU', 'MinibatchStddev', 'Flatten', 'MinibatchDiscrimination', 'Dense']);
    // Stddev adds one 2x2 feature map (65 channels), discrimination 4 features: dense input 2·2·65 + 4.
    expect(mb.layers.at(-1)!.getWeights()[0].shape).toEqual([2 * 2 * 65 + 4, 1]);
    const x = tf.randomNormal([8, 8, 8, 1], 0, 1, 'float32', 3);
    for (const m of [plain, sn, mb]) {
      const y = m.apply(x, { training: true }) as tf.Tensor;
      expect(y.shape).toEqual([8, 1]);
      y.dispose();
      m.dispose();
    }
    x.dispose();
  });

  it('refuses remedies that are not booleans or options', () => {
    expect(() => failureModesDiscriminator({ remedies: { spectralNormalization: 'yes' as never } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => failureModesDiscriminator({ remedies: { minibatchStddev: 4 as never } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => failureModesDiscriminator({ remedies: 'sn' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
