import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { minibatchStddev } from '../../src/index.js';
import { expectCode, expectNoLeak } from '../helpers.js';

/**
 * ProGAN's minibatch stddev by hand: sample i is in group i mod m (m = n / g); per group, the
 * population stddev of every feature over the group's g samples (+1e-8 under the root),
 * averaged over the features. Returns one value per sample.
 */
function byHand(values: Float32Array, n: number, groupSize: number): number[] {
  const features = values.length / n;
  const g = Math.min(groupSize, n);
  const m = n / g;
  const perGroup: number[] = [];
  for (let j = 0; j < m; j++) {
    const members = Array.from({ length: g }, (_, k) => j + k * m);
    let total = 0;
    for (let f = 0; f < features; f++) {
      const xs = members.map((i) => values[i * features + f]);
      const mean = xs.reduce((a, b) => a + b, 0) / g;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / g;
      total += Math.sqrt(variance + 1e-8);
    }
    perGroup.push(total / features);
  }
  return Array.from({ length: n }, (_, i) => perGroup[i % m]);
}

describe('minibatchStddev', () => {
  it('appends one channel equal to a hand computation (groups of 2 in a batch of 4)', () => {
    const layer = minibatchStddev({ groupSize: 2 });
    const x = tf.randomNormal([4, 2, 3, 3], 0, 1, 'float32', 7);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([4, 2, 3, 4]);
    const want = byHand(x.dataSync() as Float32Array, 4, 2);
    const out = y.arraySync() as number[][][][];
    const xs = x.arraySync() as number[][][][];
    for (let i = 0; i < 4; i++) {
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 3; c++) {
          expect(out[i][r][c].slice(0, 3)).toEqual(xs[i][r][c]);
          expect(out[i][r][c][3]).toBeCloseTo(want[i], 5);
        }
      }
    }
    // Groups {0, 2} and {1, 3} differ, so a wrong grouping would not pass.
    expect(Math.abs(want[0] - want[1])).toBeGreaterThan(1e-3);
    tf.dispose([x, y]);
  });

  it('takes the whole batch as one group when it is smaller than groupSize; works on [batch, features]', () => {
    const x = tf.tensor2d([[1, 2], [3, 6], [5, 1]]);
    const y = minibatchStddev().apply(x) as tf.Tensor;
    const want = byHand(x.dataSync() as Float32Array, 3, 4);
    expect(y.shape).toEqual([3, 3]);
    (y.arraySync() as number[][]).forEach((row, i) => expect(row[2]).toBeCloseTo(want[i], 5));
    // By hand once more: feature 0 has deviation sqrt(8/3), feature 1 sqrt(14/3).
    expect(want[0]).toBeCloseTo((Math.sqrt(8 / 3) + Math.sqrt(14 / 3)) / 2, 5);
    tf.dispose([x, y]);
  });

  it('works in a sequential model and passes gradients to its input', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [4, 4, 1] }),
        minibatchStddev({ groupSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    expect(model.layers[1].outputShape).toEqual([null, 4, 4, 3]);
    const x = tf.randomNormal([4, 4, 4, 1], 0, 1, 'float32', 1);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(model.apply(input, { training: true }) as tf.Tensor))(x);
    expect(grad.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([x, grad]);
    model.dispose();
  });

  it('leaks no tensor per call', () => {
    const layer = minibatchStddev({ groupSize: 2 });
    const x = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 1);
    tf.dispose(layer.apply(x) as tf.Tensor);
    expectNoLeak(() => {
      for (let i = 0; i < 5; i++) tf.dispose(layer.apply(x) as tf.Tensor);
    });
    tf.dispose(x);
  });

  it('refuses a batch that groupSize does not divide, and bad options', () => {
    const x = tf.zeros([6, 2, 2, 1]);
    expect(() => minibatchStddev({ groupSize: 4 }).apply(x)).toThrow(/batch size \(6\) must be a multiple of groupSize \(4\)/);
    expectNoLeak(() => expectCode(() => minibatchStddev({ groupSize: 4 }).apply(x), 'INVALID_SHAPE'));
    expectCode(() => minibatchStddev({ groupSize: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => minibatchStddev({ groupSize: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => minibatchStddev({ groupSize: 1e6 }), 'INVALID_RANGE');
    expectCode(() => minibatchStddev({ name: '' }), 'INVALID_ARGUMENT');
    expectCode(() => minibatchStddev(4 as never), 'INVALID_ARGUMENT');
    expect(minibatchStddev(null).groupSize).toBe(4);
    tf.dispose(x);
  });
});
