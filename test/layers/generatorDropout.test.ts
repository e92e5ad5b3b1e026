import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dcganGenerator, failureModesGenerator, monitoringGenerator } from '../../src/index.js';
import { expectCode } from '../helpers.js';

const classes = (model: tf.Sequential): string[] => model.layers.map((l) => l.getClassName());
const withoutDropout = (model: tf.Sequential): string[] => classes(model).filter((c) => c !== 'Dropout');

/** Outputs of two training calls and two predict calls on the same latent batch. */
function fourCalls(model: tf.Sequential, z: tf.Tensor): Float32Array[] {
  return tf.tidy(() => [
    model.apply(z, { training: true }) as tf.Tensor,
    model.apply(z, { training: true }) as tf.Tensor,
    model.predict(z) as tf.Tensor,
    model.predict(z) as tf.Tensor,
  ].map((t) => t.dataSync() as Float32Array));
}

describe('dropout in the generator builders', () => {
  it('dcganGenerator: the default is the architecture as before; dropout adds blocks + 1 Dropout layers and no parameter', () => {
    const args = { latentDim: 4, outputShape: [8, 8, 1] as [number, number, number], filters: 8, blocks: 2, kernelSize: 3, seed: 1 };
    const plain = dcganGenerator(args);
    // The builder's documented structure: Dense, BN, LeakyReLU, Reshape, then (1 + blocks) × [Conv2DTranspose, BN, LeakyReLU], then the output Conv2DTranspose.
    const block = ['Conv2DTranspose', 'BatchNormalization', 'LeakyReLU'];
    expect(classes(plain)).toEqual(['Dense', 'BatchNormalization', 'LeakyReLU', 'Reshape', ...block, ...block, ...block, 'Conv2DTranspose']);
    expect(classes(dcganGenerator({ ...args, dropout: 0 }))).toEqual(classes(plain));
    const dropped = dcganGenerator({ ...args, dropout: 0.5 });
    expect(classes(dropped).filter((c) => c === 'Dropout')).toHaveLength(3);
    expect(withoutDropout(dropped)).toEqual(classes(plain));
    expect(classes(dropped).slice(4, 8)).toEqual([...block, 'Dropout']);
    expect(dropped.countParams()).toBe(plain.countParams());
    // Same seed, same weights: the Dropout layers draw none.
    const a = plain.getWeights();
    dropped.getWeights().forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(a[i].dataSync())));
    plain.dispose();
    dropped.dispose();
  });

  it('dcganGenerator: dropout acts in training calls, not in predict; without it training calls agree', () => {
    const args = { latentDim: 4, outputShape: [8, 8, 1] as [number, number, number], filters: 8, blocks: 1, kernelSize: 3, seed: 2 };
    const z = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const [t1, t2, p1, p2] = fourCalls(dcganGenerator({ ...args, dropout: 0.5 }), z);
    expect(Array.from(t1)).not.toEqual(Array.from(t2));
    expect(Array.from(p1)).toEqual(Array.from(p2));
    const [u1, u2] = fourCalls(dcganGenerator(args), z);
    expect(Array.from(u1)).toEqual(Array.from(u2));
    tf.dispose(z);
  });

  it('failureModesGenerator: two Dropout layers after the upsampling blocks, same parameters, active in training calls only', () => {
    const plain = failureModesGenerator({ latentDim: 2, seed: 3 });
    expect(classes(plain)).toEqual(['Dense', 'LeakyReLU', 'Reshape', 'Conv2DTranspose', 'LeakyReLU', 'Conv2DTranspose', 'LeakyReLU', 'Conv2D']);
    expect(classes(failureModesGenerator({ latentDim: 2, dropout: 0 }))).toEqual(classes(plain));
    const dropped = failureModesGenerator({ latentDim: 2, dropout: 0.3, seed: 3 });
    expect(classes(dropped)).toEqual(['Dense', 'LeakyReLU', 'Reshape', 'Conv2DTranspose', 'LeakyReLU', 'Dropout', 'Conv2DTranspose', 'LeakyReLU', 'Dropout', 'Conv2D']);
    expect(dropped.countParams()).toBe(plain.countParams());
    // One sample and three calls: this generator's full-size convolutions are slow on the CPU backend.
    const z = tf.randomNormal([1, 2], 0, 1, 'float32', 4);
    const [t1, t2, p1, q] = tf.tidy(() =>
      [dropped.apply(z, { training: true }), dropped.apply(z, { training: true }), dropped.predict(z), plain.predict(z)].map((t) => (t as tf.Tensor).dataSync()),
    );
    expect(Array.from(t1)).not.toEqual(Array.from(t2));
    expect(Array.from(p1)).toEqual(Array.from(q)); // inference ignores dropout: the same outputs as without it
    // The monitoring builder shares the implementation and has no dropout layer.
    expect(classes(monitoringGenerator({ latentDim: 2 }))).not.toContain('Dropout');
    tf.dispose(z);
    plain.dispose();
    dropped.dispose();
  });

  it('refuses a rate outside [0, 1)', () => {
    const args = { latentDim: 4, outputShape: [8, 8, 1] as [number, number, number], filters: 8, blocks: 1 };
    expectCode(() => dcganGenerator({ ...args, dropout: 1 }), 'INVALID_RANGE');
    expectCode(() => dcganGenerator({ ...args, dropout: -0.1 }), 'INVALID_RANGE');
    expectCode(() => dcganGenerator({ ...args, dropout: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => failureModesGenerator({ dropout: 1 }), 'INVALID_RANGE');
    expectCode(() => failureModesGenerator({ dropout: '0.5' as never }), 'INVALID_ARGUMENT');
    expect(() => failureModesGenerator({ dropout: 1 })).toThrow(/failureModesGenerator: dropout must lie in \[0, 1\)/);
  });
});
