/**
 * Property-based bad-input suite for the training loop's exports: Trainer
 * (constructor, fit, generate, sampleLatent, resume, checkpoint), NaNGuard,
 * History (fromJSON, fromCSV, push) and dcganAdam. Every call must end in a
 * GanHacksError or a valid result, within a time bound, without tensor growth.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcganAdam, History, NaNGuard, Trainer, type TrainerCheckpoint, type TrainerOptions } from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';
import { outcome, outcomeAsync as boundedOutcome, type Outcome } from './outcome.js';

const BOUND_MS = 2000;
const RUNS = { numRuns: 60, seed: 20261202 };

/** Values a careless caller passes: never a valid large count (that would only be slow, not wrong). */
const junk = fc.oneof(
  fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1.5, 1e9, 2 ** 53, '', '3', 'abc', true, false, [], {}, () => 1),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 5 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const outcomeAsync = (f: () => Promise<unknown>): Promise<Outcome> => boundedOutcome(f, BOUND_MS);

let g: tf.LayersModel;
let d: tf.LayersModel;
let data: tf.Tensor;
let good: TrainerCheckpoint;
beforeAll(async () => {
  g = tinyGenerator();
  d = tinyDiscriminator();
  data = tinyData(16);
  const t = new Trainer({ generator: g, discriminator: d, latentDim: 3, seed: 1 });
  await t.fit(data, { batchSize: 8, iterations: 2 });
  good = await t.checkpoint();
  t.dispose();
});
afterAll(() => tf.dispose([g, d, data] as never));

const KEYS = ['loss', 'optimizers', 'latentDim', 'latentDistribution', 'discriminatorStep', 'discriminatorSteps', 'discriminatorModeInGeneratorStep', 'labels', 'regularizers', 'hooks', 'seed', 'generator', 'discriminator'];

describe('Trainer with generated bad options', () => {
  it('the constructor refuses with a GanHacksError or builds a trainer, and leaks nothing either way', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), junk, { minKeys: 1, maxKeys: 3 }), (bad) => {
        const before = tf.memory().numTensors;
        let t: Trainer | undefined;
        const result = outcome(() => (t = new Trainer({ generator: g, discriminator: d, latentDim: 3, ...bad } as TrainerOptions)));
        t?.dispose();
        expect(tf.memory().numTensors).toBe(before);
        return result === 'ok' || result === 'refused';
      }),
      RUNS,
    );
    expect(outcome(() => new Trainer(null as never))).toBe('refused');
    expect(outcome(() => new Trainer(undefined as never))).toBe('refused');
  });

  it('fit refuses bad options and bad data in bounded time, and leaks nothing', async () => {
    const t = new Trainer({ generator: g, discriminator: d, latentDim: 3, seed: 2 });
    await t.fit(data, { batchSize: 8, iterations: 1 });
    const fitKeys = ['batchSize', 'iterations', 'epochs', 'iterationsPerEpoch', 'yieldEvery'];
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...fitKeys), junk, { maxKeys: 3 }), fc.option(junk, { nil: undefined }), async (opts, badData) => {
        const before = tf.memory().numTensors;
        // Keep a valid run short: at most a few iterations past the current one.
        const options: Record<string, unknown> = { batchSize: 8, iterations: t.iteration + 1, ...opts };
        if (typeof options.iterations === 'number' && options.iterations > t.iteration + 3) options.iterations = t.iteration + 1;
        if (typeof options.epochs === 'number' && options.epochs > 1) options.epochs = 1;
        await outcomeAsync(() => t.fit(badData === undefined ? data : (badData as never), options as never));
        expect(tf.memory().numTensors).toBe(before);
      }),
      { ...RUNS, numRuns: 40 },
    );
    for (const bad of [tf.zeros([0, 4, 4, 1]), tf.zeros([2, 4, 4]), tf.fill([4, 4, 4, 1], NaN), tf.zeros([4, 4, 4, 1], 'int32'), tf.zeros([4, 5, 4, 1])]) {
      expect(await outcomeAsync(() => t.fit(bad, { batchSize: 8, iterations: t.iteration + 1 }))).toBe('refused');
      bad.dispose();
    }
    t.dispose();
  });

  it('generate and sampleLatent refuse bad counts, seeds and latent tensors', () => {
    const t = new Trainer({ generator: g, discriminator: d, latentDim: 3 });
    fc.assert(
      fc.property(junk, fc.option(junk, { nil: undefined }), (n, seed) => {
        const before = tf.memory().numTensors;
        for (const f of [() => t.generate(n as never, seed as never), () => t.sampleLatent(n as never, seed as never)]) {
          let out: tf.Tensor | undefined;
          const start = performance.now();
          outcome(() => (out = f()));
          expect(performance.now() - start).toBeLessThan(BOUND_MS);
          if (out) expect(out.dataSync().every(Number.isFinite)).toBe(true);
          out?.dispose();
        }
        expect(tf.memory().numTensors).toBe(before);
      }),
      RUNS,
    );
    for (const z of [tf.zeros([2, 4]), tf.zeros([0, 3]), tf.zeros([3])]) {
      expect(outcome(() => t.generate(z))).toBe('refused');
      z.dispose();
    }
    t.dispose();
  });

  it('resume refuses garbage and damaged checkpoints, leaving the trainer as it was', async () => {
    const t = new Trainer({ generator: g, discriminator: d, latentDim: 3, seed: 3 });
    await t.fit(data, { batchSize: 8, iterations: 1 });
    const paths: ((c: TrainerCheckpoint, v: unknown) => void)[] = [
      (c, v) => ((c as unknown as Record<string, unknown>).state = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).iteration = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).latentDim = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).version = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).history = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).dataCursor = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).rng = v),
      (c, v) => ((c.state as unknown as Record<string, unknown>).regularizers = v),
      (c, v) => ((c as unknown as Record<string, unknown>).optimizers = v),
      (c, v) => ((c.optimizers.generator as unknown as Record<string, unknown>).specs = v),
      (c, v) => ((c.optimizers.generator as unknown as Record<string, unknown>).data = v),
      (c, v) => ((c.generator as unknown as Record<string, unknown>).weightSpecs = v),
      (c, v) => ((c.generator as unknown as Record<string, unknown>).weightData = v),
      (c, v) => ((c.optimizers.discriminator.specs[0] as unknown as Record<string, unknown>).shape = v),
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: paths.length - 1 }), junk, async (which, value) => {
        const damaged = structuredClone(good);
        paths[which](damaged, value);
        const before = tf.memory().numTensors;
        await outcomeAsync(() => t.resume(damaged));
        expect(tf.memory().numTensors).toBe(before);
      }),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (value) => {
        const before = tf.memory().numTensors;
        expect(await outcomeAsync(() => t.resume(value as never))).toBe('refused');
        expect(tf.memory().numTensors).toBe(before);
      }),
      { ...RUNS, numRuns: 30 },
    );
    t.dispose();
  });
});

describe('NaNGuard, History and dcganAdam with generated bad input', () => {
  it('NaNGuard options', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom('columns', 'checkWeights', 'onStop'), junk, { maxKeys: 2 }), (o) => outcome(() => new NaNGuard(o as never)) !== undefined), RUNS);
    expect(outcome(() => new NaNGuard(null as never))).toBe('ok');
    expect(outcome(() => new NaNGuard(5 as never))).toBe('refused');
  });

  it('History.fromJSON, fromCSV and push', () => {
    fc.assert(fc.property(fc.anything(), (v) => outcome(() => History.fromJSON(v as never)) !== undefined), RUNS);
    fc.assert(fc.property(fc.string(), (v) => outcome(() => History.fromCSV(v)) !== undefined), RUNS);
    fc.assert(fc.property(junk, (v) => outcome(() => History.fromCSV(v as never)) !== undefined), RUNS);
    fc.assert(fc.property(fc.anything(), (v) => outcome(() => new History().push(v as never)) !== undefined), RUNS);
  });

  it('dcganAdam options', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('learningRate', 'beta1', 'beta2'), junk, { maxKeys: 2 }), (o) => {
        let opt: tf.Optimizer | undefined;
        const r = outcome(() => (opt = dcganAdam(o as never)));
        opt?.dispose();
        return r !== undefined;
      }),
      RUNS,
    );
  });
});
