import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  DiversityProbe,
  EarlyStopping,
  FailureMonitor,
  Trainer,
  meanPairwiseDistance,
  medianNearestNeighborDistance,
  nearestNeighborRatio,
  pairwiseSquaredDistances,
  sampleDiversity,
} from '../src/index.js';
import { expectCode } from './helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from './train/tiny.js';

describe('DiversityProbe: a real batch without spread', () => {
  it('refuses an all-zero real batch when built (it used to log Infinity), leaking nothing', () => {
    const zeros = tf.zeros([10, 4, 4, 1]);
    const before = tf.memory().numTensors;
    expectCode(() => new DiversityProbe({ real: zeros, samples: 10 }), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    zeros.dispose();
  });

  it('refuses a batch that is mostly duplicates: median nearest-neighbour distance 0', () => {
    // Rows 0,0,0,1,1,1: mean pairwise distance 9/15 > 0, but every row has a twin.
    const dup = tf.tensor2d([[0], [0], [0], [1], [1], [1]]);
    expect(meanPairwiseDistance(dup)).toBeCloseTo((9 * 2) / 30, 6);
    expect(medianNearestNeighborDistance(dup)).toBe(0);
    expectCode(() => new DiversityProbe({ real: dup, samples: 6 }), 'INVALID_ARGUMENT');
    dup.dispose();
  });

  it('validates every option in the constructor', () => {
    const real = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
    const nan = tf.tensor2d([[0, 1], [NaN, 2]]);
    const gone = tf.ones([4, 2]);
    gone.dispose();
    const before = tf.memory().numTensors;
    expectCode(() => new DiversityProbe(null as never), 'INVALID_ARGUMENT');
    expectCode(() => new DiversityProbe({} as never), 'INVALID_ARGUMENT');
    expectCode(() => new DiversityProbe({ real: gone }), 'INVALID_ARGUMENT');
    expectCode(() => new DiversityProbe({ real, samples: 9 }), 'INVALID_SHAPE');
    expectCode(() => new DiversityProbe({ real, samples: 1 }), 'INVALID_RANGE');
    expectCode(() => new DiversityProbe({ real, samples: 1e9 }), 'INVALID_RANGE');
    expectCode(() => new DiversityProbe({ real, samples: 4, every: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new DiversityProbe({ real, samples: 4, seed: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new DiversityProbe({ real, samples: 4, latentDistribution: 'cauchy' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new DiversityProbe({ real: nan, samples: 2 }), 'NON_FINITE_INPUT');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, nan]);
  });

  it('logs finite ratios during training on a distinct real batch', async () => {
    const data = tinyData(16);
    const probe = new DiversityProbe({ real: data, samples: 8, every: 2 });
    const t = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 1, hooks: [probe] });
    const h = await t.fit(data, { batchSize: 8, iterations: 4 });
    const measured = h.column('diversity').filter((v) => !Number.isNaN(v));
    expect(measured).toHaveLength(2);
    for (const v of [...measured, ...h.column('nearestNeighborRatio').filter((v) => !Number.isNaN(v))]) {
      expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    data.dispose();
  });
});

describe('diversity ratios and distances', () => {
  it('sampleDiversity and nearestNeighborRatio refuse a zero-spread real batch instead of returning Infinity or NaN', () => {
    const real = tf.zeros([4, 3]);
    const fake = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
    expectCode(() => sampleDiversity(fake, real), 'INVALID_ARGUMENT');
    expectCode(() => sampleDiversity(real, real), 'INVALID_ARGUMENT'); // was 0 / 0 = NaN
    expectCode(() => nearestNeighborRatio(fake, real), 'INVALID_ARGUMENT');
    expectCode(() => sampleDiversity(fake, null as never), 'INVALID_ARGUMENT');
    expectCode(() => nearestNeighborRatio(null as never, real), 'INVALID_ARGUMENT');
    expect(sampleDiversity(real, fake)).toBe(0);
    tf.dispose([real, fake]);
  });

  it('distances stay finite for values whose squares leave float32 (1e20, 1e-30)', () => {
    // Two points on a line: the one distance is the gap, mean over the ordered pairs = gap.
    for (const gap of [1e20, 1e-30, 3e38]) {
      const x = tf.tensor2d([[0], [gap]]);
      expect(meanPairwiseDistance(x) / gap).toBeCloseTo(1, 5);
      expect(medianNearestNeighborDistance(x) / gap).toBeCloseTo(1, 5);
      x.dispose();
    }
    const a = tf.tensor2d([[0, 0], [1e20, 0]]);
    const b = tf.tensor2d([[0, 0]]);
    const d = pairwiseSquaredDistances(a, b);
    // 1e40 exceeds float32: Infinity (the true value overflows), not NaN (Infinity - Infinity).
    expect(Array.from(d.dataSync())).toEqual([0, Infinity]);
    tf.dispose([a, b, d]);
  });

  it('pairwiseSquaredDistances checks ranks, columns and the 4,096-row cap', () => {
    const a = tf.ones([2, 3]);
    const b = tf.ones([2, 4]);
    const v = tf.ones([3]);
    const e = tf.zeros([0, 3]);
    expectCode(() => pairwiseSquaredDistances(a as tf.Tensor2D, b as tf.Tensor2D), 'INVALID_SHAPE');
    expectCode(() => pairwiseSquaredDistances(v as never, a as tf.Tensor2D), 'INVALID_SHAPE');
    expectCode(() => pairwiseSquaredDistances(e as tf.Tensor2D, a as tf.Tensor2D), 'INVALID_SHAPE');
    expectCode(() => meanPairwiseDistance(tf.zeros([4097, 1])), 'INVALID_RANGE');
    tf.dispose([a, b, v, e]);
  });
});

describe('EarlyStopping and FailureMonitor options', () => {
  it('are validated when the hook is built, not at its first check mid-run', () => {
    expect(new EarlyStopping(null)).toBeInstanceOf(EarlyStopping);
    expect(new FailureMonitor(null).every).toBe(50);
    expectCode(() => new EarlyStopping({ on: [] }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping({ on: ['diverged' as never] }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping({ on: 'mode-collapse' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping({ every: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping({ patience: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping({ minIterations: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping({ window: 1e12 }), 'INVALID_RANGE');
    expectCode(() => new EarlyStopping({ diagnose: 5 as never }), 'INVALID_ARGUMENT');
    expectCode(() => new EarlyStopping('often' as never), 'INVALID_ARGUMENT');
    expectCode(() => new FailureMonitor({ every: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new FailureMonitor({ window: -3 }), 'INVALID_ARGUMENT');
    expectCode(() => new FailureMonitor({ onChange: 'log' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new FailureMonitor([] as never), 'INVALID_ARGUMENT');
  });
});

describe('hooks that draw samples use the trainer latent distribution by default', () => {
  it("DiversityProbe without latentDistribution measures samples of the trainer's 'uniform' latents", async () => {
    const data = tinyData(16);
    const real = tf.randomNormal([12, 4, 4, 1], 0, 1, 'float32', 3);
    const measure = async (probeDistribution?: 'gaussian' | 'uniform'): Promise<number> => {
      const probe = new DiversityProbe({ real, samples: 12, every: 1, ...(probeDistribution ? { latentDistribution: probeDistribution } : {}) });
      const t = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, latentDistribution: 'uniform', seed: 4, hooks: [probe] });
      const h = await t.fit(data, { batchSize: 8, iterations: 1 });
      t.dispose();
      t.generator.dispose();
      t.discriminator.dispose();
      return h.records[0].diversity;
    };
    const byDefault = await measure();
    expect(byDefault).toBe(await measure('uniform'));
    expect(byDefault).not.toBe(await measure('gaussian'));
    tf.dispose([data, real]);
  });
});
