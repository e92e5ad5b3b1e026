import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { replayBuffer, Trainer, type AugmentationContext, type ReplayBuffer } from '../../src/index.js';
import { expectCode } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

const dFake = (seed: number): AugmentationContext => ({ batch: 'fake', step: 'discriminator', iteration: 0, seed });

/** A batch of n 2x2 "images", row i filled with the id first + i, so every row says where it came from. */
function labelled(first: number, n: number): tf.Tensor4D {
  return tf.tidy(() => tf.range(first, first + n).reshape([n, 1, 1, 1]).tile([1, 2, 2, 1]) as tf.Tensor4D);
}

/** The id of each output row (checking the row holds one id). */
function ids(t: tf.Tensor): number[] {
  const v = t.dataSync();
  const per = t.size / t.shape[0];
  return Array.from({ length: t.shape[0] }, (_, i) => {
    const row = Array.from(v.slice(i * per, (i + 1) * per));
    expect(new Set(row).size).toBe(1);
    return row[0];
  });
}

/**
 * Feeds `calls` labelled fake batches of `n` and classifies every output row against a FIFO of the ids
 * offered before that call (an independent model of the buffer): fresh (its own row), past (in the window,
 * with its position), or neither (a failure).
 */
function run(buffer: ReplayBuffer, calls: number, n: number): { fresh: number; past: number; positions: number[]; windows: number[] } {
  const offered: number[] = [];
  let fresh = 0;
  let past = 0;
  const positions: number[] = [];
  const windows: number[] = [];
  for (let t = 0; t < calls; t++) {
    const window = offered.slice(-buffer.size);
    const batch = labelled(t * n + 1, n);
    const out = buffer.apply(batch, dFake(1000 + t));
    expect(out.shape).toEqual(batch.shape);
    ids(out).forEach((id, i) => {
      if (id === t * n + 1 + i) {
        fresh += 1;
        return;
      }
      const at = window.indexOf(id);
      expect(at, `row ${i} of call ${t} holds ${id}, neither fresh nor in the buffer`).toBeGreaterThanOrEqual(0);
      past += 1;
      positions.push(at / Math.max(1, window.length - 1));
      windows.push(window.length);
    });
    for (let i = 0; i < n; i++) offered.push(t * n + 1 + i);
    expect(buffer.stored).toBe(Math.min(buffer.size, offered.length));
    expect(buffer.added).toBe(offered.length);
    if (out !== batch) out.dispose();
    batch.dispose();
  }
  return { fresh, past, positions, windows };
}

describe('replayBuffer', () => {
  it('swaps the stated share of D fakes for past ones, drawn uniformly from the latest `size`', () => {
    for (const probability of [0.5, 0.2]) {
      const buffer = replayBuffer({ size: 40, probability });
      const calls = 300;
      const n = 8;
      const { fresh, past, positions } = run(buffer, calls, n);
      // The first call has an empty buffer: every row is fresh.
      const draws = (calls - 1) * n;
      expect(fresh + past).toBe(calls * n);
      const sd = Math.sqrt(draws * probability * (1 - probability));
      expect(Math.abs(past - draws * probability)).toBeLessThan(4 * sd);
      // Uniform over the window: the mean relative position is 1/2, with sd √(1/12 / k) (a little more for the short early windows).
      const mean = positions.reduce((a, b) => a + b, 0) / positions.length;
      expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / positions.length) + 0.01);
      // Both ends of the window are drawn.
      expect(Math.min(...positions)).toBe(0);
      expect(Math.max(...positions)).toBe(1);
      buffer.dispose();
    }
  });

  it('with probability 1 replaces every fake once it holds any, and never draws the batch itself', () => {
    const buffer = replayBuffer({ size: 3, probability: 1 });
    const { fresh, past } = run(buffer, 20, 2);
    expect(fresh).toBe(2);
    expect(past).toBe(38);
    buffer.dispose();
  });

  it('passes real batches, G steps and the first (empty-buffer) call through as the same tensor, storing only D fakes', () => {
    const buffer = replayBuffer({ size: 10, probability: 1 });
    const x = labelled(1, 4);
    expect(buffer.apply(x, { ...dFake(1), batch: 'real' })).toBe(x);
    expect(buffer.apply(x, { ...dFake(1), step: 'generator' })).toBe(x);
    expect(buffer.added).toBe(0);
    expect(buffer.apply(x, dFake(1))).toBe(x);
    expect(buffer.added).toBe(4);
    expect(replayBuffer({ probability: 0 }).apply(x, dFake(1))).toBe(x);
    buffer.dispose();
    x.dispose();
  });

  it('keeps a flat tensor count once full, and dispose frees everything', () => {
    const before = tf.memory().numTensors;
    const buffer = replayBuffer({ size: 20, probability: 0.5 });
    const call = (t: number) => {
      const x = labelled(t * 6, 6);
      const out = buffer.apply(x, dFake(t));
      tf.dispose([x, out]);
    };
    for (let t = 0; t < 10; t++) call(t);
    const full = tf.memory().numTensors;
    for (let t = 10; t < 60; t++) call(t);
    expect(tf.memory().numTensors).toBe(full);
    expect(buffer.stored).toBe(20);
    buffer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(buffer.stored).toBe(0);
  });

  it('saves the latest `size` fakes and a loaded buffer continues exactly as the saved one', () => {
    const a = replayBuffer({ size: 10, probability: 0.5 });
    for (let t = 0; t < 5; t++) {
      const x = labelled(t * 4 + 1, 4);
      tf.dispose([a.apply(x, dFake(t)), x]);
    }
    const before = tf.memory().numTensors;
    const state = a.saveState();
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(state.values).toEqual({ stored: 10, added: 20 });
    expect(ids(state.tensors[0])).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    const b = replayBuffer({ size: 10, probability: 0.5 });
    b.loadState(state);
    expect([b.stored, b.added]).toEqual([10, 20]);
    for (let t = 5; t < 15; t++) {
      const x = tf.randomNormal([4, 2, 2, 1], 0, 1, 'float32', t);
      const [oa, ob] = [a.apply(x, dFake(t)), b.apply(x, dFake(t))];
      expect(Array.from(ob.dataSync())).toEqual(Array.from(oa.dataSync()));
      tf.dispose([x, oa, ob]);
    }
    // An empty buffer saves no tensor.
    expect(replayBuffer().saveState()).toEqual({ tensors: [], values: { stored: 0, added: 0 } });
    [a, b].forEach((r) => r.dispose());
  });

  it('refuses a state from another size or a malformed one, disposing its tensors and keeping its own', () => {
    const a = replayBuffer({ size: 4 });
    const x = labelled(1, 6);
    tf.dispose([a.apply(x, dFake(1)), x]);
    const b = replayBuffer({ size: 8 });
    const y = labelled(100, 2);
    tf.dispose([b.apply(y, dFake(1)), y]);
    const count = tf.memory().numTensors;
    const state = a.saveState();
    expectCode(() => b.loadState(state), 'CHECKPOINT_INVALID');
    expect(state.tensors[0].isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(count);
    expect([b.stored, b.added]).toEqual([2, 2]);
    const bad = a.saveState();
    expectCode(() => a.loadState({ tensors: bad.tensors, values: { stored: 3, added: 6 } }), 'CHECKPOINT_INVALID');
    expectCode(() => a.loadState({ tensors: [], values: { stored: 4, added: 6 } }), 'CHECKPOINT_INVALID');
    expectCode(() => a.loadState(null as never), 'CHECKPOINT_INVALID');
    expect(tf.memory().numTensors).toBe(count);
    expect(a.stored).toBe(4);
    [a, b].forEach((r) => r.dispose());
  });

  it('refuses bad options and a batch of another sample shape, leaving the buffer as it was', () => {
    expectCode(() => replayBuffer({ size: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => replayBuffer({ size: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => replayBuffer({ size: 2 ** 21 }), 'INVALID_RANGE');
    expectCode(() => replayBuffer({ probability: 1.5 }), 'INVALID_RANGE');
    expectCode(() => replayBuffer({ probability: Number.NaN }), 'INVALID_ARGUMENT');
    expectCode(() => replayBuffer('big' as never), 'INVALID_ARGUMENT');
    expect(replayBuffer(null)).toMatchObject({ size: 1000, probability: 0.5, name: 'replayBuffer' });
    const buffer = replayBuffer({ size: 5 });
    const x = labelled(1, 3);
    tf.dispose([buffer.apply(x, dFake(1)), x]);
    const other = tf.zeros([3, 3, 3, 1]);
    const count = tf.memory().numTensors;
    expectCode(() => buffer.apply(other, dFake(2)), 'INVALID_SHAPE');
    expectCode(() => buffer.apply(other, { ...dFake(2), seed: undefined as never }), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(count);
    expect([buffer.stored, buffer.added]).toEqual([3, 3]);
    other.dispose();
    buffer.dispose();
  });

  it('in a Trainer: changes the run, resumes through checkpoint() bit for bit (4 + 4 = 8), leaks nothing', async () => {
    const data = tinyData();
    const before = tf.memory().numTensors;
    const make = (replay = true) =>
      new Trainer({ generator: tinyGenerator(1), discriminator: tinyDiscriminator(2), latentDim: 3, seed: 9, augmentations: replay ? [replayBuffer({ size: 10 })] : [] });
    const plain = make(false);
    const hp = await plain.fit(data, { batchSize: 8, iterations: 4 });
    const straight = make();
    const h8 = await straight.fit(data, { batchSize: 8, iterations: 8 });
    // The first D step has an empty buffer; from the second the fakes differ.
    expect(h8.records[0].dLossFake).toBe(hp.records[0].dLossFake);
    expect(h8.records[3].dLossFake).not.toBe(hp.records[3].dLossFake);
    const first = make();
    await first.fit(data, { batchSize: 8, iterations: 4 });
    const checkpoint = await first.checkpoint();
    expect(checkpoint.state.regularizers?.map((e) => [e.kind, e.name, e.values])).toEqual([['augmentation', 'replayBuffer', { stored: 10, added: 16 }]]);
    const second = make();
    await second.resume(checkpoint);
    const resumed = await second.fit(data, { batchSize: 8, iterations: 8 });
    for (let i = 0; i < 8; i++) for (const key of ['dLossReal', 'dLossFake', 'gLoss', 'dAccuracyFake']) expect(resumed.records[i][key]).toBe(h8.records[i][key]);
    // A resume into a buffer of another size is refused.
    const other = new Trainer({ generator: tinyGenerator(1), discriminator: tinyDiscriminator(2), latentDim: 3, seed: 9, augmentations: [replayBuffer({ size: 12 })] });
    await expect(other.resume(checkpoint)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    const count = tf.memory().numTensors;
    await straight.fit(data, { batchSize: 8, iterations: 20 });
    expect(tf.memory().numTensors).toBe(count);
    [plain, straight, first, second, other].forEach((t) => {
      t.dispose();
      t.generator.dispose();
      t.discriminator.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });
});
