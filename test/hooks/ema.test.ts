import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Trainer, ema, type Hook } from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

const weightsOf = (model: tf.LayersModel): number[][] => model.weights.map((w) => Array.from(w.read().dataSync()));

/** Records G's weights after every generator step (register after the ema hook). */
function recorder(): Hook & { initial: number[][]; steps: number[][][] } {
  const steps: number[][][] = [];
  const r: Hook & { initial: number[][]; steps: number[][][] } = {
    initial: [],
    steps,
    onTrainBegin: (state) => void (r.initial = weightsOf(state.generator)),
    onGeneratorStep: (state) => void steps.push(weightsOf(state.generator)),
  };
  return r;
}

function trainer(hooks: Hook[], seed = 4): Trainer {
  return new Trainer({ generator: tinyGenerator(1), discriminator: tinyDiscriminator(2), latentDim: 3, seed, hooks });
}

/** The average as float32 arithmetic computes it, op by op: a ← fround(fround(a·d) + fround(w·(1 − d))). */
function expected(initial: number[][], steps: number[][][], decay: number, start: number): number[][] {
  const d = Math.fround(decay);
  const r = Math.fround(1 - decay);
  let a = initial.map((w) => [...w]);
  steps.forEach((weights, k) => {
    const iteration = k + 1;
    a = iteration <= start ? weights.map((w) => [...w]) : a.map((avg, i) => avg.map((v, j) => Math.fround(Math.fround(v * d) + Math.fround(weights[i][j] * r))));
  });
  return a;
}

async function averagesOf(average: ReturnType<typeof ema>, generator: tf.LayersModel): Promise<number[][]> {
  return average.withAveragedWeights(generator, () => weightsOf(generator));
}

describe('ema', () => {
  it('holds exactly the float32 formula after k steps, copying until start', async () => {
    const data = tinyData();
    for (const [decay, start] of [
      [0.9, 0],
      [0.75, 3],
    ]) {
      const average = ema({ decay, start });
      const rec = recorder();
      const t = trainer([average, rec]);
      await t.fit(data, { batchSize: 8, iterations: 7 });
      expect(average.updates).toBe(7);
      const got = await averagesOf(average, t.generator);
      expect(got).toEqual(expected(rec.initial, rec.steps, decay, start));
      // Not the raw weights: the average lags behind them.
      expect(got).not.toEqual(rec.steps[6]);
      average.dispose();
      t.dispose();
    }
    data.dispose();
  });

  it('resumes bit for bit: 4 + 4 iterations through a checkpoint equal 8 straight', async () => {
    const data = tinyData();
    const a8 = ema({ decay: 0.8 });
    const straight = trainer([a8]);
    await straight.fit(data, { batchSize: 8, iterations: 8 });
    const a4 = ema({ decay: 0.8 });
    const first = trainer([a4]);
    await first.fit(data, { batchSize: 8, iterations: 4 });
    const checkpoint = await first.checkpoint();
    const resumedAverage = ema({ decay: 0.8 });
    const second = trainer([resumedAverage]);
    await second.resume(checkpoint);
    expect(resumedAverage.updates).toBe(4);
    await second.fit(data, { batchSize: 8, iterations: 8 });
    expect(await averagesOf(resumedAverage, second.generator)).toEqual(await averagesOf(a8, straight.generator));
    [a8, a4, resumedAverage].forEach((a) => a.dispose());
    [straight, first, second].forEach((t) => t.dispose());
    data.dispose();
  });

  it('lends its average to a wrapped hook and to generate, then puts the raw weights back bit for bit', async () => {
    const data = tinyData();
    const average = ema({ decay: 0.5 });
    const seen: number[][][] = [];
    const inner: Hook = { name: 'probe', onIterationEnd: (state) => void seen.push(weightsOf(state.generator)) };
    const after = recorder();
    const t = trainer([average, average.wrap(inner), after]);
    await t.fit(data, { batchSize: 8, iterations: 3 });
    expect(seen[2]).toEqual(await averagesOf(average, t.generator));
    expect(weightsOf(t.generator)).toEqual(after.steps[2]);
    const z = t.sampleLatent(5, 1);
    const raw = t.generate(z);
    const averaged = await average.withAveragedWeights(t.generator, () => t.generate(z));
    expect(Array.from(averaged.dataSync())).not.toEqual(Array.from(raw.dataSync()));
    expect(weightsOf(t.generator)).toEqual(after.steps[2]);
    const copy = await average.averagedGenerator(t.generator);
    expect(weightsOf(copy)).toEqual(await averagesOf(average, t.generator));
    const fromCopy = copy.predict(z) as tf.Tensor;
    expect(Array.from(fromCopy.dataSync())).toEqual(Array.from(averaged.dataSync()));
    await expect(average.withAveragedWeights(t.generator, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(weightsOf(t.generator)).toEqual(after.steps[2]);
    tf.dispose([z, raw, averaged, fromCopy]);
    copy.dispose();
    average.dispose();
    t.dispose();
    data.dispose();
  });

  it('keeps the tensor count flat while training and frees its averages on dispose', async () => {
    const data = tinyData();
    const generator = tinyGenerator(1);
    const discriminator = tinyDiscriminator(2);
    const base = tf.memory().numTensors;
    const average = ema();
    const t = new Trainer({ generator, discriminator, latentDim: 3, seed: 4, hooks: [average, average.wrap({ onIterationEnd: () => undefined })] });
    await t.fit(data, { batchSize: 8, iterations: 2 });
    const during = tf.memory().numTensors;
    await t.fit(data, { batchSize: 8, iterations: 12 });
    expect(tf.memory().numTensors).toBe(during);
    average.dispose();
    t.dispose();
    expect(tf.memory().numTensors).toBe(base);
    generator.dispose();
    discriminator.dispose();
    data.dispose();
  });

  it('copies non-trainable weights (batch-norm statistics) instead of averaging them', async () => {
    const data = tinyData();
    const generator = tf.sequential({
      layers: [tf.layers.dense({ units: 16, inputShape: [3] }), tf.layers.batchNormalization(), tf.layers.activation({ activation: 'tanh' }), tf.layers.reshape({ targetShape: [4, 4, 1] })],
    });
    const average = ema({ decay: 0.5 });
    const t = new Trainer({ generator, discriminator: tinyDiscriminator(2), latentDim: 3, seed: 4, hooks: [average] });
    await t.fit(data, { batchSize: 8, iterations: 3 });
    const raw = weightsOf(generator);
    const averaged = await averagesOf(average, generator);
    generator.weights.forEach((w, i) => (w.trainable ? expect(averaged[i]).not.toEqual(raw[i]) : expect(averaged[i]).toEqual(raw[i])));
    expect(generator.weights.filter((w) => !w.trainable).length).toBe(2);
    average.dispose();
    t.dispose();
    data.dispose();
  });

  it('refuses bad options and use before training', async () => {
    expect(() => ema({ decay: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => ema({ decay: -0.1 })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => ema({ start: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => ema('fast' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const g = tinyGenerator(1);
    await expect(ema().withAveragedWeights(g, () => 1)).rejects.toMatchObject({ code: 'TRAINING_STATE' });
    expect(() => ema().wrap(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    g.dispose();
  });
});
