import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { minibatchDiscrimination } from '../../src/index.js';
import { expectCode, expectNoLeak, stats } from '../helpers.js';

/** Salimans et al.'s features by plain loops: o(x_i)_b = Σ_{j≠i} exp(−Σ_c |M_i,b,c − M_j,b,c|), M = x·T. */
function byHand(x: number[][], t: number[][], kernels: number, dims: number): number[][] {
  const m = x.map((row) => Array.from({ length: kernels * dims }, (_, k) => row.reduce((s, v, f) => s + v * t[f][k], 0)));
  return x.map((_, i) =>
    Array.from({ length: kernels }, (_, b) => {
      let o = 0;
      for (let j = 0; j < x.length; j++) {
        if (j === i) continue;
        let l1 = 0;
        for (let c = 0; c < dims; c++) l1 += Math.abs(m[i][b * dims + c] - m[j][b * dims + c]);
        o += Math.exp(-l1);
      }
      return o;
    }),
  );
}

describe('minibatchDiscrimination', () => {
  it('appends Σ_{j≠i} exp(−‖M_i,b − M_j,b‖₁), equal to a hand computation', () => {
    const layer = minibatchDiscrimination({ kernels: 3, dims: 2, seed: 1 });
    const x = tf.tensor2d([[0.5, -1, 2, 0], [0.6, -1.1, 2, 0.1], [-3, 4, 0, 1]]);
    const t = tf.randomNormal([4, 6], 0, 0.5, 'float32', 3);
    layer.build([null, 4]);
    layer.setWeights([t]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 7]);
    const out = y.arraySync() as number[][];
    const xs = x.arraySync() as number[][];
    const want = byHand(xs, t.arraySync() as number[][], 3, 2);
    out.forEach((row, i) => {
      expect(row.slice(0, 4)).toEqual(xs[i]);
      row.slice(4).forEach((v, b) => expect(v).toBeCloseTo(want[i][b], 5));
    });
    tf.dispose([x, t, y]);
  });

  it('a single sample has no other sample: its features are 0', () => {
    const layer = minibatchDiscrimination({ kernels: 2, dims: 3, seed: 1 });
    const x = tf.tensor2d([[1, 2, 3]]);
    const y = layer.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync()).slice(3)).toEqual([0, 0]);
    tf.dispose([x, y]);
  });

  it('T is trainable, [features, kernels·dims], drawn from N(0, 0.05) reproducibly, and gets gradients', () => {
    const build = (): tf.Sequential =>
      tf.sequential({ layers: [tf.layers.dense({ units: 40, inputShape: [3] }), minibatchDiscrimination({ kernels: 20, dims: 10, seed: 4 }), tf.layers.dense({ units: 1 })] });
    const model = build();
    const layer = model.layers[1];
    expect(layer.outputShape).toEqual([null, 60]);
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[40, 200]]);
    const t = layer.getWeights()[0];
    const s = stats(t.dataSync());
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    expect(s.std).toBeGreaterThan(0.045);
    expect(s.std).toBeLessThan(0.055);
    const again = build();
    expect(Array.from(again.layers[1].getWeights()[0].dataSync())).toEqual(Array.from(t.dataSync()));
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const tVar = layer.trainableWeights[0].read() as tf.Variable;
    const { grads, value } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, [tVar]);
    const g = grads[tVar.name].dataSync();
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
    tf.dispose([x, value, ...Object.values(grads)]);
    model.dispose();
    again.dispose();
  });

  it('leaks no tensor per call', () => {
    const layer = minibatchDiscrimination({ kernels: 4, dims: 3, seed: 1 });
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 1);
    tf.dispose(layer.apply(x) as tf.Tensor);
    expectNoLeak(() => {
      for (let i = 0; i < 5; i++) tf.dispose(layer.apply(x) as tf.Tensor);
    });
    tf.dispose(x);
    layer.dispose();
  });

  it('refuses bad options and inputs that are not [batch, features]', () => {
    expectCode(() => minibatchDiscrimination({ kernels: 0, dims: 5 }), 'INVALID_ARGUMENT');
    expectCode(() => minibatchDiscrimination({ kernels: 5, dims: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => minibatchDiscrimination({ kernels: 1000, dims: 1000 }), 'INVALID_RANGE');
    expectCode(() => minibatchDiscrimination({ kernels: 5, dims: 5, seed: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => minibatchDiscrimination(null as never), 'INVALID_ARGUMENT');
    expectCode(() => minibatchDiscrimination('x' as never), 'INVALID_ARGUMENT');
    expect(() => tf.sequential({ layers: [tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [2, 2, 1] }), minibatchDiscrimination({ kernels: 2, dims: 2 })] })).toThrow(
      /\[batch, features\].*flatten/,
    );
    expectCode(() => tf.sequential({ layers: [tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [2, 2, 1] }), minibatchDiscrimination({ kernels: 2, dims: 2 })] }), 'INVALID_SHAPE');
  });
});
