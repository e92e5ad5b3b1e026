import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MinimaxGAN, NaNGuard, Trainer, WGANGP, type Hook, type TrainerOptions } from '../../src/index.js';
import { loadCheckpoint, writeCheckpoint } from '../../src/node/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from './tiny.js';
import { expectCode, expectCodeAsync } from '../helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The run of the issue: batch norm and dropout in D, label smoothing and flipping, the default Adam. */
function hackedTrainer(overrides: Partial<TrainerOptions> = {}): Trainer {
  return new Trainer({
    generator: tinyGenerator(1),
    discriminator: tinyDiscriminator(2, { batchNorm: true, dropout: 0.3 }),
    latentDim: 3,
    labels: { smoothPositive: true, smoothNegative: true, flip: 0.1 },
    seed: 11,
    ...overrides,
  });
}

/** Every number the run's future depends on: both models' weights (batch-norm statistics included) and both optimizers' state. */
async function everything(t: Trainer): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const m of [t.generator, t.discriminator]) for (const w of m.weights) out.push(w.read().dataSync() as Float32Array);
  const ckpt = await t.checkpoint();
  // Every entry is 4 bytes (float32 slots and β products, the int32 step count): compare the raw bits.
  out.push(new Float32Array(ckpt.optimizers.generator.data), new Float32Array(ckpt.optimizers.discriminator.data));
  return out;
}

/** Bitwise equality of float arrays (NaN == NaN, +0 != -0): the promise is exactness. */
function bits(arrays: Float32Array[]): string[] {
  return arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));
}

describe('exact resume with the default Adam', () => {
  it('13 + 12 iterations through a checkpoint on disk and a new Trainer equal 25 straight, bit for bit (batch norm, dropout, label hacks)', async () => {
    const data = tinyData(48);
    const straight = hackedTrainer();
    const h = await straight.fit(data, { batchSize: 8, iterations: 25 });

    const first = hackedTrainer();
    await first.fit(data, { batchSize: 8, iterations: 13 });
    const dir = await mkdtemp(join(tmpdir(), 'gh-exact-'));
    dirs.push(dir);
    await writeCheckpoint(await first.checkpoint(), dir);
    // A new trainer with fresh models (other initial weights) and fresh optimizers: everything comes from disk.
    const second = hackedTrainer({ generator: tinyGenerator(7), discriminator: tinyDiscriminator(8, { batchNorm: true, dropout: 0.3 }) });
    await second.resume(await loadCheckpoint(dir));
    const resumed = await second.fit(data, { batchSize: 8, iterations: 25 });

    expect(bits(await everything(second))).toEqual(bits(await everything(straight)));
    expect(JSON.stringify(resumed.toJSON())).toBe(JSON.stringify(h.toJSON()));
    for (const t of [straight, first, second]) t.dispose();
    data.dispose();
  });

  it('also at other split points (every split of a 12-iteration run)', async () => {
    const data = tinyData(32);
    const straight = hackedTrainer();
    await straight.fit(data, { batchSize: 8, iterations: 12 });
    const want = bits(await everything(straight));
    for (const split of [1, 2, 3, 5, 7, 9, 10, 11]) {
      const a = hackedTrainer();
      await a.fit(data, { batchSize: 8, iterations: split });
      const b = hackedTrainer();
      await b.resume(await a.checkpoint());
      await b.fit(data, { batchSize: 8, iterations: 12 });
      expect(bits(await everything(b)), `split at ${split}`).toEqual(want);
      a.dispose();
      b.dispose();
    }
    straight.dispose();
    data.dispose();
  });
});

describe('no tensor leaks', () => {
  it('200 checkpoints leave the tensor count flat', async () => {
    const data = tinyData(16);
    const t = hackedTrainer();
    await t.fit(data, { batchSize: 8, iterations: 2 });
    await t.checkpoint();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) await t.checkpoint();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    data.dispose();
  });

  it('a Trainer refused at construction allocates nothing', () => {
    const before = tf.memory().numTensors;
    const g = tinyGenerator(1, 4); // latent size 4, but latentDim 3 below
    const d = tinyDiscriminator();
    const models = tf.memory().numTensors;
    expectCode(() => new Trainer({ generator: g, discriminator: d, latentDim: 3 }), 'INVALID_SHAPE');
    expect(tf.memory().numTensors).toBe(models);
    g.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a refused resume leaks nothing and changes nothing', async () => {
    const data = tinyData(16);
    const t = hackedTrainer();
    await t.fit(data, { batchSize: 8, iterations: 3 });
    const good = await t.checkpoint();
    const other = hackedTrainer();
    await other.fit(data, { batchSize: 8, iterations: 1 });
    const weights = bits(await everything(other));
    const before = tf.memory().numTensors;
    // Weights and optimizer state decode fine; the history is damaged: refused after decoding.
    await expectCodeAsync(() => other.resume({ ...good, state: { ...good.state, history: { records: [{ iteration: 'x' }] } as never } }), 'CHECKPOINT_INVALID');
    // A weight file with a NaN in it.
    const poisoned = good.generator.weightData as ArrayBuffer;
    const copy = poisoned.slice(0);
    new Float32Array(copy)[3] = NaN;
    await expectCodeAsync(() => other.resume({ ...good, generator: { ...good.generator, weightData: copy } }), 'CHECKPOINT_INVALID');
    await expectCodeAsync(() => other.resume({ ...good, state: { ...good.state, dataCursor: { order: [0, 1], position: NaN } } }), 'CHECKPOINT_INVALID');
    expect(tf.memory().numTensors).toBe(before);
    expect(bits(await everything(other))).toEqual(weights);
    expect(other.iteration).toBe(1);
    for (const x of [t, other]) x.dispose();
    data.dispose();
  });

  it('an error inside a training step leaks nothing', async () => {
    const data = tinyData(16);
    const loss = new MinimaxGAN();
    let calls = 0;
    const original = loss.discriminatorLoss.bind(loss);
    loss.discriminatorLoss = (input) => {
      const out = original(input);
      if (++calls === 5) throw new Error('boom');
      return out;
    };
    const t = hackedTrainer({ loss, hooks: [new NaNGuard()] });
    await t.fit(data, { batchSize: 8, iterations: 1 }); // warm-up: optimizer slots exist
    const before = tf.memory().numTensors;
    await expect(t.fit(data, { batchSize: 8, iterations: 5 })).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    data.dispose();
  });

  it('dispose() frees the optimizers the Trainer made, and only those', async () => {
    const data = tinyData(16);
    const base = tf.memory().numTensors;
    const g = tinyGenerator();
    const d = tinyDiscriminator();
    const t = new Trainer({ generator: g, discriminator: d, latentDim: 3 });
    await t.fit(data, { batchSize: 8, iterations: 3 });
    t.dispose();
    g.dispose();
    d.dispose();
    expect(tf.memory().numTensors).toBe(base);

    const mine = tf.train.adam();
    const g2 = tinyGenerator();
    const d2 = tinyDiscriminator();
    const t2 = new Trainer({ generator: g2, discriminator: d2, latentDim: 3, optimizers: { generator: mine } });
    await t2.fit(data, { batchSize: 8, iterations: 2 });
    t2.dispose();
    // The caller's optimizer still works.
    const { value, grads } = tf.variableGrads(() => (g2.apply(tf.ones([1, 3])) as tf.Tensor).mean() as tf.Scalar, g2.trainableWeights.map((w) => w.read() as tf.Variable));
    mine.applyGradients(grads as tf.NamedTensorMap as never);
    tf.dispose([value, ...Object.values(grads)]);
    mine.dispose();
    g2.dispose();
    d2.dispose();
    data.dispose();
  });
});

describe('NaN', () => {
  it('a NaN written into a weight at iteration 7: the guard stops, weights and optimizer state are restored, and 10 more iterations are finite', async () => {
    const data = tinyData(16);
    let good: string[] = [];
    let t: Trainer;
    const inject: Hook = {
      onIterationBegin: async (s) => {
        if (s.iteration === 6) {
          good = bits(await everything(t));
          const w = s.discriminator.weights[0];
          w.write(tf.tidy(() => w.read().mul(tf.scalar(NaN))));
        }
      },
    };
    const guard = new NaNGuard();
    t = hackedTrainer({ hooks: [inject, guard] });
    await t.fit(data, { batchSize: 8, iterations: 20 });
    expect(guard.stoppedAt).toBe(7);
    expect(bits(await everything(t))).toEqual(good);
    const more = await t.fit(data, { batchSize: 8, iterations: 17 });
    expect(more.records.slice(7).every((r) => [r.dLossReal, r.dLossFake, r.gLoss].every(Number.isFinite))).toBe(true);
    expect(more.length).toBe(17);
    t.dispose();
    data.dispose();
  });

  it('NaN in batch-norm moving statistics is detected although every loss stays finite', async () => {
    const data = tinyData(16);
    const poison: Hook = {
      onGeneratorStep: (s) => {
        if (s.iteration !== 3) return;
        const bn = s.discriminator.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
        const movingMean = bn.weights.find((w) => w.name.includes('moving_mean'))!;
        movingMean.write(tf.fill(movingMean.shape as number[], NaN));
      },
    };
    const guard = new NaNGuard();
    const t = hackedTrainer({ hooks: [poison, guard] });
    const h = await t.fit(data, { batchSize: 8, iterations: 10 });
    expect(guard.stoppedAt).toBe(4);
    expect(Number.isFinite(h.records[3].dLossReal) && Number.isFinite(h.records[3].gLoss)).toBe(true);
    expect(h.records[3].nonFiniteWeights).toBeGreaterThan(0);
    const stats = t.discriminator.weights.map((w) => w.read().dataSync());
    expect(stats.every((a) => a.every(Number.isFinite))).toBe(true);
    t.dispose();
    data.dispose();
  });
});

describe('bad data and options are refused on entry', () => {
  it('fit refuses an empty tensor, non-finite values, and a resumed cursor cannot hang it', async () => {
    const t = hackedTrainer();
    const empty = tf.zeros([0, 4, 4, 1]);
    await expectCodeAsync(() => t.fit(empty, { batchSize: 8, iterations: 1 }), 'INVALID_SHAPE');
    const nan = tf.tidy(() => tinyData(16).mul(tf.scalar(NaN)));
    await expectCodeAsync(() => t.fit(nan, { batchSize: 8, iterations: 1 }), 'INVALID_RANGE');
    await expectCodeAsync(() => t.fit(tinyData(16), { batchSize: 1e9, iterations: 1 }), 'INVALID_RANGE');
    await expectCodeAsync(() => t.fit(tinyData(16), null as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => t.fit(tinyData(16), { batchSize: 8, iterations: 2, epochs: 1 }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => t.generate(1e9), 'INVALID_RANGE');
    expectCode(() => t.sampleLatent(0), 'INVALID_ARGUMENT');
    tf.dispose([empty, nan]);
    t.dispose();
  });

  it('every Trainer option is checked at construction, not in fit', () => {
    const g = tinyGenerator();
    const d = tinyDiscriminator();
    const base = { generator: g, discriminator: d, latentDim: 3 };
    const bad: [Partial<TrainerOptions> | null, string][] = [
      [{ loss: 'abc' as never }, 'INVALID_ARGUMENT'],
      [{ latentDistribution: 'normal' as never }, 'INVALID_ARGUMENT'],
      [{ discriminatorSteps: 0 }, 'INVALID_ARGUMENT'],
      [{ discriminatorSteps: 1e6 }, 'INVALID_RANGE'],
      [{ discriminatorModeInGeneratorStep: 'eval' as never }, 'INVALID_ARGUMENT'],
      [{ seed: NaN }, 'INVALID_ARGUMENT'],
      [{ hooks: [42 as never] }, 'INVALID_ARGUMENT'],
      [{ hooks: [{ onIterationEnd: 'x' } as never] }, 'INVALID_ARGUMENT'],
      [{ regularizers: [{}] as never }, 'INVALID_ARGUMENT'],
      [{ optimizers: { generator: 'adam' as never } }, 'INVALID_ARGUMENT'],
      [{ labels: { flip: 2 } }, 'INVALID_RANGE'],
      [{ labels: { smoothPositive: { min: 1.5, max: 1 } } }, 'INVALID_RANGE'],
      [{ labels: 7 as never }, 'INVALID_ARGUMENT'],
      [{ latentDim: 4 }, 'INVALID_SHAPE'],
    ];
    for (const [opts, code] of bad) expectCode(() => new Trainer({ ...base, ...opts } as TrainerOptions), code);
    expectCode(() => new Trainer(null as never), 'INVALID_ARGUMENT');
    g.dispose();
    d.dispose();
  });

  it('refuses a loss whose output does not match the discriminator final activation, naming the loss that fits', () => {
    const g = tinyGenerator();
    const logits = tinyDiscriminator(2, { output: 'linear' });
    const probs = tinyDiscriminator(2, { output: 'sigmoid' });
    expect(() => new Trainer({ generator: g, discriminator: logits, latentDim: 3, loss: new MinimaxGAN() })).toThrow(/fromLogits: true/);
    expectCode(() => new Trainer({ generator: g, discriminator: logits, latentDim: 3, loss: new MinimaxGAN() }), 'INCOMPATIBLE_OPTIONS');
    // The default loss follows the discriminator: logits for a linear output, probabilities for a sigmoid.
    const adapted = new Trainer({ generator: g, discriminator: logits, latentDim: 3 });
    expect([adapted.loss.name, adapted.loss.output]).toEqual(['minimax', 'logit']);
    expect(new Trainer({ generator: g, discriminator: probs, latentDim: 3 }).loss.output).toBe('probability');
    expectCode(() => new Trainer({ generator: g, discriminator: probs, latentDim: 3, loss: new MinimaxGAN({ fromLogits: true }) }), 'INCOMPATIBLE_OPTIONS');
    expectCode(() => new Trainer({ generator: g, discriminator: probs, latentDim: 3, loss: new WGANGP() }), 'INCOMPATIBLE_OPTIONS');
    new Trainer({ generator: g, discriminator: logits, latentDim: 3, loss: new MinimaxGAN({ fromLogits: true }) }).dispose();
    for (const m of [g, logits, probs]) m.dispose();
  });
});

describe('the loop hands control back', () => {
  it('with yieldEvery: 0 timers fire during fit; with the Node default they do not', async () => {
    const data = tinyData(16);
    const ticks = async (yieldEvery?: 0): Promise<number> => {
      let n = 0;
      const timer = setInterval(() => n++, 0);
      const t = hackedTrainer();
      await t.fit(data, { batchSize: 8, iterations: 20, yieldEvery });
      clearInterval(timer);
      t.dispose();
      return n;
    };
    expect(await ticks(0)).toBeGreaterThanOrEqual(10);
    expect(await ticks()).toBe(0);
    data.dispose();
  });

  it('hooks can log scalars that are read with the iteration (one read) and land in the record', async () => {
    const data = tinyData(16);
    const spy = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const hook: Hook = { onGeneratorStep: (s) => s.logScalar('twice', tf.scalar(s.iteration * 2)) };
    const t = hackedTrainer({ hooks: [hook] });
    const h = await t.fit(data, { batchSize: 8, iterations: 3 });
    expect(h.records.map((r) => r.twice)).toEqual([0, 2, 4]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    t.dispose();
    data.dispose();
  });
});
