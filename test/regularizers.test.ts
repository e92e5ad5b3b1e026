import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { featureMatching, historicalAveraging } from '../src/index.js';
import { expectCode, expectNoLeak } from './helpers.js';

function discriminator(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [2], name: 'features', kernelInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
}

describe('featureMatching', () => {
  it('is the squared distance between the batch means of the chosen layer on real and fake', () => {
    const d = discriminator();
    const real = tf.tensor2d([[1, 2], [3, -1]]);
    const fake = tf.tensor2d([[0, 0], [-2, 1], [1, 1]]);
    const fm = featureMatching({ layer: 'features', weight: 2 });
    const value = expectNoLeak(() => fm.penalty({ model: d, discriminator: d, real, fake })).dataSync()[0];
    // Independent: the layer is linear, so compute it from its weights on the host.
    const [w, b] = d.layers[0].getWeights().map((t) => t.arraySync() as number[][] | number[]);
    const feat = (x: number[]): number[] => [0, 1, 2].map((j) => x[0] * (w as number[][])[0][j] + x[1] * (w as number[][])[1][j] + (b as number[])[j]);
    const meanOf = (rows: number[][]): number[] => [0, 1, 2].map((j) => rows.reduce((s, r) => s + feat(r)[j], 0) / rows.length);
    const mr = meanOf(real.arraySync() as number[][]);
    const mf = meanOf(fake.arraySync() as number[][]);
    const expected = 2 * mr.reduce((s, v, j) => s + (v - mf[j]) ** 2, 0);
    expect(value).toBeCloseTo(expected, 4);
    // By index too.
    expect(featureMatching({ layer: 0, weight: 2 }).penalty({ model: d, discriminator: d, real, fake }).dataSync()[0]).toBeCloseTo(expected, 4);
    tf.dispose([real, fake]);
    d.dispose();
  });

  it('names the available layers when the layer is unknown', () => {
    const d = discriminator();
    const x = tf.zeros([1, 2]);
    expect(() => featureMatching({ layer: 'nope' }).penalty({ model: d, discriminator: d, real: x, fake: x })).toThrow(/features/);
    expectCode(() => featureMatching({} as never), 'INVALID_ARGUMENT');
    x.dispose();
    d.dispose();
  });

  it('validates options and the context on entry, leaking nothing', () => {
    expectCode(() => featureMatching(null as never), 'INVALID_ARGUMENT');
    expectCode(() => featureMatching({ layer: '' }), 'INVALID_ARGUMENT');
    expectCode(() => featureMatching({ layer: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => featureMatching({ layer: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => featureMatching({ layer: 0, weight: -1 }), 'INVALID_RANGE');
    expectCode(() => featureMatching({ layer: 0, weight: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => featureMatching({ layer: 0, replaceLoss: 'yes' as never }), 'INVALID_ARGUMENT');
    const d = discriminator();
    const fm = featureMatching({ layer: 'features' });
    const ok = tf.zeros([2, 2]);
    const wrong = tf.zeros([2, 3]);
    const empty = tf.zeros([0, 2]);
    const before = tf.memory().numTensors;
    expectCode(() => fm.penalty(null as never), 'INVALID_ARGUMENT');
    expectCode(() => fm.penalty({ model: d, discriminator: 'd' as never, real: ok, fake: ok }), 'INVALID_ARGUMENT');
    expectCode(() => fm.penalty({ model: d, discriminator: d, real: ok, fake: wrong }), 'INVALID_SHAPE');
    expectCode(() => fm.penalty({ model: d, discriminator: d, real: empty, fake: ok }), 'INVALID_SHAPE');
    expectCode(() => fm.penalty({ model: d, discriminator: d, real: [[0, 0]] as never, fake: ok }), 'INVALID_ARGUMENT');
    expectCode(() => featureMatching({ layer: 7 }).penalty({ model: d, discriminator: d, real: ok, fake: ok }), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ok, wrong, empty]);
    d.dispose();
  });
});

describe('historicalAveraging', () => {
  it('penalises the distance to the running mean of past parameters', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', biasInitializer: 'zeros' })] });
    const ha = historicalAveraging({ weight: 0.5, target: 'discriminator' });
    expect(ha.name).toBe('dHistoricalAveraging');
    expect(ha.penalty({ model }).dataSync()[0]).toBe(0);
    // Parameters after three updates: (1, 1), (2, 0), (3, -1) for (kernel, bias).
    const history = [
      [1, 1],
      [2, 0],
      [3, -1],
    ];
    ha.afterUpdate({ model }); // snapshot of the initial (0, 0)... already averaged once
    for (const [k, b] of history) {
      model.setWeights([tf.tensor2d([[k]]), tf.tensor1d([b])]);
      ha.afterUpdate({ model });
    }
    // Snapshots: (0,0) initial, (0,0) first call, then the three above.
    const snaps = [[0, 0], [0, 0], ...history];
    const avg = [0, 1].map((i) => snaps.reduce((s, p) => s + p[i], 0) / snaps.length);
    expect(ha.snapshots).toBe(5);
    model.setWeights([tf.tensor2d([[4]]), tf.tensor1d([2])]);
    const expected = 0.5 * ((4 - avg[0]) ** 2 + (2 - avg[1]) ** 2);
    expect(expectNoLeak(() => ha.penalty({ model })).dataSync()[0]).toBeCloseTo(expected, 5);
    const before = tf.memory().numTensors;
    ha.dispose();
    expect(tf.memory().numTensors).toBe(before - 2);
    model.dispose();
  });

  it('saveState / loadState carry the running mean to a new instance; inconsistent state is refused', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', biasInitializer: 'zeros' })] });
    const a = historicalAveraging();
    a.afterUpdate({ model });
    model.setWeights([tf.tensor2d([[3]]), tf.tensor1d([-1])]);
    a.afterUpdate({ model }); // mean of (0, 0) and (3, -1)
    const b = historicalAveraging();
    b.loadState(a.saveState());
    expect(b.snapshots).toBe(2);
    expect(b.averagesOf().map((t) => Array.from(t.dataSync()))).toEqual([[1.5], [-0.5]]);
    a.dispose();
    expect(b.averagesOf()[0].isDisposed).toBe(false); // b holds its own copies
    model.setWeights([tf.tensor2d([[1.5]]), tf.tensor1d([-0.5])]);
    expect(b.penalty({ model }).dataSync()[0]).toBe(0);
    expectCode(() => b.loadState({ tensors: [], values: { snapshots: 3 } }), 'CHECKPOINT_INVALID');
    expect(b.snapshots).toBe(2); // refused state leaves it as it was
    b.dispose();
    model.dispose();
  });

  it('rejects a bad target', () => {
    expectCode(() => historicalAveraging({ target: 'both' as never }), 'INVALID_ARGUMENT');
  });

  it('validates options, contexts and checkpoint states on entry; null options are the defaults', () => {
    expect(historicalAveraging(null).weight).toBe(1);
    expectCode(() => historicalAveraging({ weight: -0.1 }), 'INVALID_RANGE');
    expectCode(() => historicalAveraging({ weight: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => historicalAveraging({ weight: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => historicalAveraging('w' as never), 'INVALID_ARGUMENT');
    const ha = historicalAveraging();
    expectCode(() => ha.penalty(null as never), 'INVALID_ARGUMENT');
    expectCode(() => ha.penalty({ model: {} as never }), 'INVALID_ARGUMENT');
    expectCode(() => ha.afterUpdate({ model: undefined as never }), 'INVALID_ARGUMENT');
    expectCode(() => ha.loadState(null as never), 'CHECKPOINT_INVALID');
    expectCode(() => ha.loadState({ tensors: 'x', values: {} } as never), 'CHECKPOINT_INVALID');
    const t = tf.ones([1]);
    expectCode(() => ha.loadState({ tensors: [t], values: null } as never), 'CHECKPOINT_INVALID');
    expect(t.isDisposed).toBe(true); // ownership was taken, even when refused
    // A model whose weights change shape under the same regularizer.
    const small = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    const wide = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [1] })] });
    ha.afterUpdate({ model: small });
    expectCode(() => ha.penalty({ model: wide }), 'TRAINING_STATE');
    // No trainable weights: nothing to average, penalty 0.
    const frozen = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], trainable: false })] });
    const p = expectNoLeak(() => historicalAveraging().penalty({ model: frozen }));
    expect(p.dataSync()[0]).toBe(0);
    tf.dispose(p);
    ha.dispose();
    [small, wide, frozen].forEach((m) => m.dispose());
  });
});
