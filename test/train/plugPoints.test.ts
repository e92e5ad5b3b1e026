import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MinimaxGAN, Trainer, type Augmentation, type AugmentationContext, type GanLoss, type Hook, type RegularizerState } from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from './tiny.js';

/** Records every call it gets and returns the batch unchanged. */
function recorder(): Augmentation & { calls: (Omit<AugmentationContext, 'seed'> & { n: number })[] } {
  const calls: (Omit<AugmentationContext, 'seed'> & { n: number })[] = [];
  return { name: 'recorder', calls, apply: (x, { batch, step, iteration }) => (calls.push({ batch, step, iteration, n: x.shape[0] }), x) };
}

/**
 * A stateful augmentation whose output depends on its state: it adds a running offset that grows by the
 * mean of each fake batch D sees, so a resume that lost the state would train on other inputs.
 */
function drift(): Augmentation {
  let offset = tf.scalar(0);
  return {
    name: 'drift',
    apply(x, { batch, step }) {
      if (batch === 'fake' && step === 'discriminator') {
        const next = tf.keep(tf.tidy(() => offset.add(x.mean().mul(0.1)) as tf.Scalar));
        offset.dispose();
        offset = next;
      }
      return x.add(offset);
    },
    saveState: (): RegularizerState => ({ tensors: [offset.clone()], values: {} }),
    loadState(state) {
      offset.dispose();
      offset = state.tensors[0] as tf.Scalar;
    },
    dispose: () => offset.dispose(),
  };
}

/** A hook keeping a running sum of G's first kernel, restored from checkpoints. */
function kernelSum(): Hook & { sum: () => number[] } {
  let sum: tf.Tensor | undefined;
  return {
    name: 'kernel-sum',
    onGeneratorStep(state) {
      const w = state.generator.getWeights()[0];
      const next = tf.keep(sum ? sum.add(w) : w.clone());
      sum?.dispose();
      sum = next;
    },
    saveState: () => ({ tensors: sum ? [sum.clone()] : [], values: { has: sum ? 1 : 0 } }),
    loadState(state) {
      sum?.dispose();
      sum = state.values.has === 1 ? state.tensors[0] : undefined;
    },
    sum: () => Array.from(sum!.dataSync()),
  };
}

const options = (extra: Partial<ConstructorParameters<typeof Trainer>[0]> = {}) => ({
  generator: tinyGenerator(1),
  discriminator: tinyDiscriminator(2),
  latentDim: 3,
  seed: 9,
  ...extra,
});

describe('Trainer augmentations', () => {
  it('pass every batch D sees through each augmentation: D real and fake halves, then G fakes', async () => {
    const rec = recorder();
    const data = tinyData();
    const t = new Trainer(options({ augmentations: [rec] }));
    await t.fit(data, { batchSize: 8, iterations: 2 });
    expect(rec.calls).toEqual([
      { batch: 'real', step: 'discriminator', iteration: 0, n: 4 },
      { batch: 'fake', step: 'discriminator', iteration: 0, n: 4 },
      { batch: 'fake', step: 'generator', iteration: 0, n: 8 },
      { batch: 'real', step: 'discriminator', iteration: 1, n: 4 },
      { batch: 'fake', step: 'discriminator', iteration: 1, n: 4 },
      { batch: 'fake', step: 'generator', iteration: 1, n: 8 },
    ]);
    t.dispose();
    data.dispose();
  });

  it('a loss that needs real outputs in G step gets D(real) there, augmented as real', async () => {
    const rec = recorder();
    const seen: number[] = [];
    const base = new MinimaxGAN();
    const loss: GanLoss = {
      name: 'needs-real',
      output: base.output,
      usesTargets: base.usesTargets,
      needsBothBatches: false,
      needsRealInGeneratorStep: true,
      realTarget: 1,
      fakeTarget: 0,
      discriminatorLoss: (input) => base.discriminatorLoss(input),
      generatorLoss: (input) => {
        seen.push(input.real!.shape[0]);
        return base.generatorLoss(input);
      },
    };
    const data = tinyData();
    const t = new Trainer(options({ loss, augmentations: [rec], discriminatorStep: 'combined' }));
    await t.fit(data, { batchSize: 8, iterations: 1 });
    expect(seen).toEqual([4]);
    expect(rec.calls.map((c) => `${c.step}:${c.batch}`)).toEqual(['discriminator:real', 'discriminator:fake', 'generator:fake', 'generator:real']);
    t.dispose();
    data.dispose();
  });

  it('change what D trains on: an augmentation that zeroes real images changes the run', async () => {
    const data = tinyData();
    const plain = new Trainer(options());
    const hp = await plain.fit(data, { batchSize: 8, iterations: 3 });
    const zero: Augmentation = { name: 'zero', apply: (x, c) => (c.batch === 'real' ? tf.zerosLike(x) : x) };
    const t = new Trainer(options({ augmentations: [zero] }));
    const ha = await t.fit(data, { batchSize: 8, iterations: 3 });
    expect(ha.records[2].dLossReal).not.toBe(hp.records[2].dLossReal);
    [plain, t].forEach((x) => x.dispose());
    data.dispose();
  });

  it('stateful augmentations and hooks resume exactly: 4 + 4 iterations through a checkpoint equal 8 straight, bit for bit', async () => {
    const data = tinyData();
    const straightHook = kernelSum();
    const straight = new Trainer(options({ augmentations: [drift()], hooks: [straightHook] }));
    const h8 = await straight.fit(data, { batchSize: 8, iterations: 8 });
    const firstHook = kernelSum();
    const first = new Trainer(options({ augmentations: [drift()], hooks: [firstHook] }));
    await first.fit(data, { batchSize: 8, iterations: 4 });
    const checkpoint = await first.checkpoint();
    expect(checkpoint.state.regularizers?.map((e) => [e.kind, e.name])).toEqual([
      ['augmentation', 'drift'],
      ['hook', 'kernel-sum'],
    ]);
    const secondHook = kernelSum();
    const second = new Trainer(options({ augmentations: [drift()], hooks: [secondHook] }));
    await second.resume(checkpoint);
    const resumed = await second.fit(data, { batchSize: 8, iterations: 8 });
    for (let i = 0; i < 8; i++) for (const key of ['dLossReal', 'dLossFake', 'gLoss']) expect(resumed.records[i][key]).toBe(h8.records[i][key]);
    expect(secondHook.sum()).toEqual(straightHook.sum());
    // A checkpoint without the parts' state is refused: the run would differ.
    const lost = new Trainer(options({ augmentations: [drift()], hooks: [kernelSum()] }));
    await expect(lost.resume({ ...checkpoint, state: { ...checkpoint.state, regularizers: undefined }, regularizers: undefined })).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    expect(lost.iteration).toBe(0);
    // A checkpoint whose augmentation is not this trainer's is refused.
    const other = new Trainer(options({ augmentations: [{ ...drift(), name: 'other' }], hooks: [kernelSum()] }));
    await expect(other.resume(checkpoint)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID' });
    [straight, first, second, lost, other].forEach((x) => x.dispose());
    data.dispose();
  });

  it('refuses what is not an augmentation, and keeps the tensor count flat', async () => {
    expect(() => new Trainer(options({ augmentations: [{ name: 'x' } as unknown as Augmentation] }))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new Trainer(options({ augmentations: 'noise' as unknown as Augmentation[] }))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new Trainer(options({ hooks: [{ saveState: 1 } as unknown as Hook] }))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const data = tinyData();
    const aug = drift();
    const t = new Trainer(options({ augmentations: [aug, recorder()] }));
    await t.fit(data, { batchSize: 8, iterations: 2 });
    const before = tf.memory().numTensors;
    await t.fit(data, { batchSize: 8, iterations: 12 });
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    data.dispose();
  });
});
