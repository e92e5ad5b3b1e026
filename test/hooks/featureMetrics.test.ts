import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FeatureMetrics, Trainer, densityCoverage, frechetDistance, kernelDistance, precisionRecall, sampleLatent, type FeatureExtractor } from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';
import { expectCode } from '../helpers.js';

/** Pixels as features: an extractor anyone can recompute by hand. */
const flatten: FeatureExtractor = (images) => tf.tidy(() => images.reshape([images.shape[0], -1]) as tf.Tensor2D);

/** The parts of TrainState that measure reads. */
function trainerState(trainer: Trainer): Parameters<FeatureMetrics['measure']>[0] {
  const sample = (z: tf.Tensor) => trainer.generator.apply(z, { training: false }) as tf.Tensor;
  return { generator: trainer.generator, latentDim: 3, latentDistribution: 'gaussian', sample } as unknown as Parameters<FeatureMetrics['measure']>[0];
}

describe('FeatureMetrics', () => {
  it('logs the six scores every N iterations, equal to the metric functions on the same fixed batch', async () => {
    const real = tinyData(64, 5);
    const hook = new FeatureMetrics({ real, features: flatten, every: 3, samples: 40, batchSize: 16, seed: 2 });
    const trainer = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 1, hooks: [hook] });
    const history = await trainer.fit(tinyData(), { batchSize: 16, iterations: 6 });
    for (const c of ['fid', 'kid', 'precision', 'recall', 'density', 'coverage']) {
      const logged = history.column(c).flatMap((v, i) => (Number.isNaN(v) ? [] : [i + 1]));
      expect(logged, c).toEqual([3, 6]);
    }
    // The generator now is the one iteration 6 measured: recompute its scores independently.
    const [r, f] = tf.tidy(() => [flatten(real), flatten(trainer.generator.apply(sampleLatent(40, 3, { seed: 2 }), { training: false }) as tf.Tensor4D)]) as [tf.Tensor2D, tf.Tensor2D];
    const expected = {
      fid: frechetDistance(r, f),
      kid: kernelDistance(r, f, { subsets: 10, seed: 2 }).mean,
      ...precisionRecall(r, f, { k: 3 }),
      ...densityCoverage(r, f, { k: 5 }),
    };
    tf.dispose([r, f]);
    const last = history.last!;
    expect({ fid: last.fid, kid: last.kid, precision: last.precision, recall: last.recall, density: last.density, coverage: last.coverage }).toEqual(expected);
    expect(hook.measure(trainerState(trainer))).toEqual(expected);
    expect(expected.fid).toBeGreaterThan(0);
    trainer.dispose();
    hook.dispose();
  });

  it('leaves no tensor behind over a fit and after dispose, and logs only the chosen columns', async () => {
    const real = tinyData(32, 5);
    const data = tinyData();
    const g = tinyGenerator();
    const d = tinyDiscriminator();
    const before = tf.memory().numTensors;
    const hook = new FeatureMetrics({ real, features: flatten, every: 2, samples: 20, metrics: ['fid', 'recall'] });
    const trainer = new Trainer({ generator: g, discriminator: d, latentDim: 3, seed: 1, hooks: [hook] });
    const history = await trainer.fit(data, { batchSize: 16, iterations: 6 });
    expect(history.columns()).toEqual(expect.arrayContaining(['fid', 'recall']));
    expect(history.columns()).not.toContain('kid');
    trainer.dispose();
    hook.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expectCode(() => hook.measure(trainerState(trainer)), 'TRAINING_STATE');
    tf.dispose([real, data]);
    g.dispose();
    d.dispose();
  });

  it('refuses bad options and a network that does not return [n, d], leaving nothing', () => {
    const real = tinyData(16, 5);
    const flat = real.reshape([16, 16]);
    const before = tf.memory().numTensors;
    expectCode(() => new FeatureMetrics({ features: flatten } as never), 'INVALID_ARGUMENT');
    expectCode(() => new FeatureMetrics({ real } as never), 'INVALID_ARGUMENT');
    expectCode(() => new FeatureMetrics({ real, features: 'net' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new FeatureMetrics({ real, features: flatten, samples: 1 }), 'INVALID_RANGE');
    expectCode(() => new FeatureMetrics({ real, features: flatten, samples: 17 }), 'INVALID_SHAPE');
    expectCode(() => new FeatureMetrics({ real, features: flatten, every: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new FeatureMetrics({ real, features: flatten, samples: 8, metrics: [] }), 'INVALID_ARGUMENT');
    expectCode(() => new FeatureMetrics({ real, features: flatten, samples: 8, metrics: ['is' as never] }), 'INVALID_ARGUMENT');
    expectCode(() => new FeatureMetrics({ real: flat as never, features: flatten, samples: 8 }), 'INVALID_SHAPE');
    expectCode(() => new FeatureMetrics({ real, features: (x) => x as never, samples: 8 }), 'INVALID_SHAPE');
    expectCode(() => new FeatureMetrics({ real, features: (x) => tf.zeros([x.shape[0] + 1, 3]) as tf.Tensor2D, samples: 8 }), 'INVALID_SHAPE');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, flat]);
  });
});
