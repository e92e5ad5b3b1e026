import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  History,
  HOOK_METHODS,
  MinimaxGAN,
  NaNGuard,
  Trainer,
  WGAN,
  WGANGP,
  type DiscriminatorLossInput,
  type Hook,
  type TrainerOptions,
} from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from './tiny.js';
import { expectCode, expectCodeAsync } from '../helpers.js';

function trainer(overrides: Partial<TrainerOptions> = {}): Trainer {
  return new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 5, ...overrides });
}

/** Records every hook call (Lightning's test_hooks approach). */
function recorder(): Hook & { calls: string[] } {
  const calls: string[] = [];
  const hook = { calls } as Hook & { calls: string[] };
  for (const m of HOOK_METHODS) {
    (hook as unknown as Record<string, unknown>)[m] = (_state: unknown, event?: { batch?: string; step?: number }) => {
      calls.push(m === 'onDiscriminatorStep' ? `${m}:${event?.step}:${event?.batch}` : m);
    };
  }
  return hook;
}

function countUpdates(optimizer: tf.Optimizer): { count: number } {
  const counter = { count: 0 };
  const original = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (grads) => {
    counter.count++;
    return original(grads);
  };
  return counter;
}

describe('Trainer hooks', () => {
  it('calls hooks in the documented order (separate batches, k = 2, 2 epochs of 2 iterations)', async () => {
    const rec = recorder();
    const data = tinyData(16);
    await trainer({ hooks: [rec], discriminatorSteps: 2 }).fit(data, { batchSize: 8, iterations: 4, iterationsPerEpoch: 2 });
    const iteration = [
      'onIterationBegin',
      'onDiscriminatorStep:0:real',
      'onDiscriminatorStep:0:fake',
      'onDiscriminatorStep:1:real',
      'onDiscriminatorStep:1:fake',
      'onGeneratorStep',
      'onIterationEnd',
    ];
    const epoch = ['onEpochBegin', ...iteration, ...iteration, 'onEpochEnd'];
    expect(rec.calls).toEqual(['onTrainBegin', ...epoch, ...epoch, 'onTrainEnd']);
    data.dispose();
  });

  it('runs several hooks in registration order and lets a hook stop the run with a reason', async () => {
    const order: string[] = [];
    const losses = new Set<unknown>();
    const a: Hook = { onIterationEnd: () => void order.push('a') };
    const b: Hook = {
      onIterationEnd: (state) => {
        order.push('b');
        losses.add(state.loss);
        if (state.iteration === 3) state.stop('enough');
      },
    };
    const rec = recorder();
    const data = tinyData(16);
    const t = trainer({ hooks: [a, b, rec] });
    const h = await t.fit(data, { batchSize: 8, iterations: 10 });
    expect(h.length).toBe(3);
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect([...losses]).toEqual([t.loss]); // hooks see the run's loss strategy (FailureMonitor reads its bands)
    expect(rec.calls.at(-1)).toBe('onTrainEnd');
    data.dispose();
  });
});

describe('Trainer update counts', () => {
  for (const [mode, k, dPerIteration] of [
    ['separate', 1, 2],
    ['separate', 2, 4],
    ['separate', 5, 10],
    ['combined', 1, 1],
    ['combined', 2, 2],
    ['combined', 5, 5],
  ] as const) {
    it(`${mode} batches, k = ${k}: ${dPerIteration} D updates and 1 G update per iteration`, async () => {
      const gOpt = tf.train.adam(0.001);
      const dOpt = tf.train.adam(0.001);
      const g = countUpdates(gOpt);
      const d = countUpdates(dOpt);
      const data = tinyData(16);
      await trainer({ discriminatorStep: mode, discriminatorSteps: k, optimizers: { generator: gOpt, discriminator: dOpt } }).fit(data, { batchSize: 8, iterations: 3 });
      expect(d.count).toBe(3 * dPerIteration);
      expect(g.count).toBe(3);
      data.dispose();
    });
  }

  it("with discriminatorModeInGeneratorStep 'inference', leaves the discriminator untouched by the generator update", async () => {
    let after: Float32Array[] = [];
    let changed = false;
    const hook: Hook = {
      onDiscriminatorStep: (s) => void (after = s.discriminator.getWeights().map((w) => w.dataSync() as Float32Array)),
      onGeneratorStep: (s) => {
        const now = s.discriminator.getWeights().map((w) => w.dataSync());
        if (now.some((w, i) => w.some((v, j) => v !== after[i][j]))) changed = true;
      },
    };
    const data = tinyData(16);
    await trainer({ hooks: [hook], discriminator: tinyDiscriminator(2, { batchNorm: true }), discriminatorModeInGeneratorStep: 'inference' }).fit(data, {
      batchSize: 8,
      iterations: 3,
    });
    expect(changed).toBe(false);
    data.dispose();
  });

  it("with discriminatorModeInGeneratorStep 'training', D's batch-norm statistics move during the G step", async () => {
    let moved = false;
    let before: Float32Array | undefined;
    const movingMean = (s: { discriminator: tf.LayersModel }): Float32Array =>
      s.discriminator.layers.find((l) => l.getClassName() === 'BatchNormalization')!.getWeights()[2].dataSync() as Float32Array;
    const hook: Hook = {
      onDiscriminatorStep: (s) => void (before = movingMean(s)),
      onGeneratorStep: (s) => void (moved ||= movingMean(s).some((v, i) => v !== before![i])),
    };
    const data = tinyData(16);
    await trainer({ hooks: [hook], discriminator: tinyDiscriminator(2, { batchNorm: true }), discriminatorModeInGeneratorStep: 'training' }).fit(data, { batchSize: 8, iterations: 2 });
    expect(moved).toBe(true);
    data.dispose();
  });
});

describe('Trainer label hacks', () => {
  it("smoothing and flipping reach D's targets, never G's", async () => {
    const seen: { real: number[]; fake: number[] } = { real: [], fake: [] };
    class Spy extends MinimaxGAN {
      override discriminatorLoss(input: DiscriminatorLossInput) {
        if (input.realTargets) seen.real.push(...input.realTargets.dataSync());
        if (input.fakeTargets) seen.fake.push(...input.fakeTargets.dataSync());
        return super.discriminatorLoss(input);
      }
    }
    const data = tinyData(40);
    await trainer({ loss: new Spy(), labels: { smoothPositive: true, smoothNegative: { max: 0.2 }, flip: 0.1 } }).fit(data, { batchSize: 20, iterations: 4 });
    expect(seen.real).toHaveLength(40);
    // Per batch of 10: exactly one flipped label (1 - y), the rest smoothed.
    const flippedReal = seen.real.filter((v) => v < 0.5);
    expect(flippedReal).toHaveLength(4);
    expect(seen.real.filter((v) => v >= 0.5).every((v) => v >= 0.7 && v <= 1.2)).toBe(true);
    expect(flippedReal.every((v) => v >= -0.2 && v <= 0.3)).toBe(true);
    expect(seen.fake.filter((v) => v > 0.5)).toHaveLength(4);
    expect(seen.fake.filter((v) => v <= 0.5).every((v) => v >= 0 && v <= 0.2)).toBe(true);
    data.dispose();
  });

  it('refuses label hacks with a loss that has no targets', () => {
    expectCode(() => trainer({ loss: new WGAN(), discriminator: tinyDiscriminator(2, { output: 'linear' }), labels: { smoothPositive: true } }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => trainer({ labels: { flip: 2 } }), 'INVALID_RANGE');
  });
});

async function run(iterations: number, t = trainer()): Promise<History> {
  const data = tinyData(32, 9);
  const h = await t.fit(data, { batchSize: 8, iterations });
  data.dispose();
  return h;
}

describe('Trainer reproducibility, checkpoints and safety', () => {
  it('the same seed twice gives identical histories and weights (initial weights included)', async () => {
    const a = trainer();
    const b = trainer();
    const ha = await run(6, a);
    const hb = await run(6, b);
    expect(ha.toJSON()).toEqual(hb.toJSON());
    expect(a.generator.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(b.generator.getWeights().map((w) => Array.from(w.dataSync())));
    const hc = await run(6, trainer({ seed: 6 }));
    expect(hc.toJSON()).not.toEqual(ha.toJSON());
  });

  it('10 iterations, checkpoint, resume in a new trainer, 10 more equals 20 straight', async () => {
    const straight = trainer();
    const h20 = await run(20, straight);
    const first = trainer();
    await run(10, first);
    const checkpoint = await first.checkpoint();
    const second = trainer();
    await second.resume(checkpoint);
    expect(second.iteration).toBe(10);
    const resumed = await run(20, second);
    expect(resumed.length).toBe(20);
    for (let i = 0; i < 20; i++) {
      for (const key of ['dLossReal', 'dLossFake', 'gLoss']) {
        expect(resumed.records[i][key]).toBeCloseTo(h20.records[i][key], 5);
      }
    }
    const w1 = straight.generator.getWeights().map((w) => Array.from(w.dataSync()));
    const w2 = second.generator.getWeights().map((w) => Array.from(w.dataSync()));
    w1.forEach((w, i) => w.forEach((v, j) => expect(w2[i][j]).toBeCloseTo(v, 5)));
  });

  it('refuses a checkpoint that does not fit, leaving the trainer unchanged', async () => {
    const t = trainer();
    await run(2, t);
    const good = await t.checkpoint();
    const other = new Trainer({ generator: tinyGenerator(1, 4), discriminator: tinyDiscriminator(), latentDim: 4, seed: 5 });
    const before = other.generator.getWeights().map((w) => Array.from(w.dataSync()));
    await expectCodeAsync(() => other.resume({ ...good, state: { ...good.state, latentDim: 4 } }), 'CHECKPOINT_INVALID');
    expect(other.generator.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(other.iteration).toBe(0);
    const truncated = { ...good, generator: { ...good.generator, weightData: (good.generator.weightData as ArrayBuffer).slice(0, 10) } };
    await expectCodeAsync(() => trainer().resume(truncated), 'CHECKPOINT_INVALID');
    await expectCodeAsync(() => trainer().resume({ ...good, state: { ...good.state, version: 99 } }), 'CHECKPOINT_INVALID');
  });

  it('a NaN injected by a hook stops the run and restores the weights after the last finite iteration', async () => {
    let good: number[][] = [];
    const inject: Hook = {
      onIterationBegin: (s) => {
        if (s.iteration === 3) {
          // Iteration 3 ended finite: its weights are the last good ones.
          good = s.generator.getWeights().map((w) => Array.from(w.dataSync()));
          // Poison G: every later loss becomes NaN.
          s.generator.setWeights(s.generator.getWeights().map((w) => tf.fill(w.shape, NaN)));
        }
      },
    };
    const guard = new NaNGuard();
    const t = trainer({ hooks: [inject, guard] });
    const h = await run(10, t);
    expect(guard.stoppedAt).toBe(4);
    expect(h.length).toBe(4);
    expect(Number.isNaN(h.records[3].gLoss)).toBe(true);
    // Restored: the weights iteration 3 ended with (iteration 4 started from poisoned ones).
    expect(t.generator.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(good);
  });

  it('keeps tf.memory().numTensors constant from iteration 5 to 200', async () => {
    const counts: number[] = [];
    const hook: Hook = { onIterationEnd: (s) => void (s.iteration >= 5 && counts.push(tf.memory().numTensors)) };
    await run(200, trainer({ hooks: [hook, new NaNGuard()], labels: { smoothPositive: true, flip: 0.05 } }));
    expect(counts).toHaveLength(196);
    expect(new Set(counts).size).toBe(1);
  });
});

describe('Trainer inputs and options', () => {
  it('accepts a tf.data.Dataset and an async iterable of batches', async () => {
    const data = tinyData(32);
    const ds = tf.data.array(tf.unstack(data)).batch(4) as tf.data.Dataset<tf.Tensor>;
    const h1 = await trainer().fit(ds, { batchSize: 8, iterations: 5 });
    expect(h1.length).toBe(5);
    async function* batches(): AsyncGenerator<tf.Tensor> {
      for (;;) yield data.slice(0, 4);
    }
    const h2 = await trainer().fit(batches(), { batchSize: 8, epochs: 2, iterationsPerEpoch: 3 });
    expect(h2.length).toBe(6);
    expect(h2.records.map((r) => r.epoch)).toEqual([0, 0, 0, 1, 1, 1]);
    data.dispose();
  });

  it('uses the combined step by default for WGAN-GP and logs the penalty; no accuracy for critics', async () => {
    const t = trainer({ loss: new WGANGP(), discriminator: tinyDiscriminator(2, { output: 'linear' }) });
    expect(t.discriminatorStep).toBe('combined');
    const h = await run(2, t);
    expect(h.records[0].gradientPenalty).toBeGreaterThanOrEqual(0);
    // Logged with the loss, not part of it: the paired samples' distance (4x4 images in [-1, 1]: at most 8).
    expect(h.records[0].realFakeDistance).toBeGreaterThan(0);
    expect(h.records[0].realFakeDistance).toBeLessThanOrEqual(8);
    expect(Number.isNaN(h.records[0].dAccReal)).toBe(true);
    expectCode(() => trainer({ loss: new WGANGP(), discriminatorStep: 'separate' }), 'INCOMPATIBLE_OPTIONS');
  });

  it('rejects bad options and data with clear errors', async () => {
    expectCode(() => trainer({ latentDim: 4 }), 'INVALID_SHAPE');
    expectCode(() => new Trainer({ generator: tinyGenerator(), discriminator: {} as tf.LayersModel, latentDim: 3 }), 'INVALID_ARGUMENT');
    expectCode(() => trainer({ discriminatorSteps: 0 }), 'INVALID_ARGUMENT');
    const opt = tf.train.adam();
    expectCode(() => trainer({ optimizers: { generator: opt, discriminator: opt } }), 'INCOMPATIBLE_OPTIONS');
    const data = tinyData(8);
    await expectCodeAsync(() => trainer().fit(data, { batchSize: 7, iterations: 1 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => trainer().fit(data, { batchSize: 8 }), 'INVALID_ARGUMENT');
    const wrong = tf.zeros([8, 5, 5, 1]);
    await expectCodeAsync(() => trainer().fit(wrong, { batchSize: 8, iterations: 1 }), 'INVALID_SHAPE');
    // Raw bytes for a tanh generator: the discriminator would win trivially.
    const bytes = tinyData(8).add(1).mul(127.5);
    await expectCodeAsync(() => trainer().fit(bytes, { batchSize: 8, iterations: 1 }), 'INVALID_RANGE');
    tf.dispose([data, wrong, bytes]);
  });

  it('history exports CSV and JSON that round-trip (NaN accuracies included)', async () => {
    const h = await run(3, trainer({ loss: new WGANGP(), discriminator: tinyDiscriminator(2, { output: 'linear' }) }));
    const csv = h.toCSV().trim().split('\n');
    expect(csv[0].split(',').slice(0, 7)).toEqual(['iteration', 'epoch', 'dLossReal', 'dLossFake', 'gLoss', 'dAccReal', 'dAccFake']);
    expect(csv).toHaveLength(4);
    const back = History.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.records[2].gLoss).toBe(h.records[2].gLoss);
    expect(Number.isNaN(back.records[2].dAccReal)).toBe(true);
    expectCode(() => History.fromJSON({ records: [{}] } as never), 'FILE_FORMAT');
  });

  it('History.fromCSV reads toCSV back: absent cells stay absent, NaN stays NaN; bad CSV is refused', () => {
    const h = new History([
      { iteration: 1, epoch: 0, dLossReal: 0.5, dLossFake: 0.25, gLoss: 1.5, dAccReal: NaN, dAccFake: 1 },
      { iteration: 2, epoch: 0, dLossReal: 0.125, dLossFake: 0.75, gLoss: 2, dAccReal: NaN, dAccFake: 0, diversity: 0.9 },
    ]);
    const back = History.fromCSV(h.toCSV());
    expect(back.records[1]).toEqual(h.records[1]);
    expect('diversity' in back.records[0]).toBe(false);
    expect(Number.isNaN(back.records[0].dAccReal)).toBe(true);
    expectCode(() => History.fromCSV('epoch,gLoss\n0,1\n'), 'FILE_FORMAT');
    expectCode(() => History.fromCSV('iteration,epoch\n1,0,3\n'), 'FILE_FORMAT');
  });

  it('per-epoch means: each column over the records that have it, as onEpochEnd receives them', async () => {
    const rec = (iteration: number, epoch: number, gLoss: number, extra: Record<string, number> = {}) => ({ iteration, epoch, dLossReal: 0.5, dLossFake: 0.7, gLoss, dAccReal: NaN, dAccFake: 1, ...extra });
    const h = new History([rec(1, 0, 1), rec(2, 0, 2), rec(3, 0, 4, { diversity: 0.9 }), rec(4, 1, 10)]);
    const e0 = h.epochMean(0);
    expect(e0.gLoss).toBeCloseTo(7 / 3, 10); // (1 + 2 + 4) / 3 by hand
    expect(e0.diversity).toBe(0.9); // measured once in the epoch: kept, not divided by 3
    expect(Number.isNaN(e0.dAccReal)).toBe(true);
    expect(h.epochMeans().map((e) => [e.epoch, e.gLoss])).toEqual([
      [0, e0.gLoss],
      [1, 10],
    ]);
    // The Trainer hands the same means to onEpochEnd.
    const seen: Record<string, number>[] = [];
    const data = tinyData(16);
    const t = trainer({ hooks: [{ onEpochEnd: (_s, logs) => void seen.push(logs) }] });
    const hist = await t.fit(data, { batchSize: 8, iterations: 4, iterationsPerEpoch: 2 });
    expect(seen).toEqual([hist.epochMean(0), hist.epochMean(1)]);
    expect(seen[1].gLoss).toBeCloseTo((hist.records[2].gLoss + hist.records[3].gLoss) / 2, 6);
    data.dispose();
  });
});
