// IndexedDB in Node: fake-indexeddb installs indexedDB, IDBKeyRange, ... on globalThis; tfjs's indexeddb://
// handler reads `window.indexedDB` or `self.indexedDB` and runs only when IS_BROWSER is true (its router
// checks the flag on every call, so setting it after tfjs registered the router is enough).
import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { historicalAveraging, NaNGuard, Trainer, type Hook, type TrainerOptions, type TrainState } from '../../src/index.js';
import { BrowserCheckpoint, browserCheckpoint } from '../../src/browser/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';
import { expectCode, expectCodeAsync } from '../helpers.js';

(globalThis as { self?: unknown }).self = globalThis;

beforeAll(() => {
  tf.env().set('IS_BROWSER', true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The run of test/train/reliability.test.ts: batch norm and dropout in D, label smoothing and flipping, the default Adam. */
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

/** A trainer with other initial weights (and fresh optimizers): everything it continues from must come from IndexedDB. */
const otherTrainer = (overrides: Partial<TrainerOptions> = {}): Trainer =>
  hackedTrainer({ generator: tinyGenerator(7), discriminator: tinyDiscriminator(8, { batchNorm: true, dropout: 0.3 }), ...overrides });

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
function bits(arrays: (Float32Array | ArrayBuffer)[]): string[] {
  return arrays.map((a) => (a instanceof ArrayBuffer ? Buffer.from(a) : Buffer.from(a.buffer, a.byteOffset, a.byteLength)).toString('hex'));
}

/** Keys in tfjs's own database ('tensorflowjs', as tfjs-core's io/indexed_db creates it), read with the raw IndexedDB API. */
async function tfjsKeys(store: 'models_store' | 'model_info_store'): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('tensorflowjs', 1);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store).getAllKeys();
      req.onsuccess = () => resolve(req.result.map(String).sort());
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

const runKeys = async (name: string): Promise<string[]> => (await tfjsKeys('models_store')).filter((k) => k.startsWith(`gan-hacks/${name}/`));
const modelKeys = (name: string, iterations: (number | string)[]): string[] =>
  iterations.flatMap((i) => [`gan-hacks/${name}/${i}/discriminator`, `gan-hacks/${name}/${i}/generator`]).sort();

/** Removes one model from tfjs's database behind gan-hacks' back (as a page closed mid-write or a user clearing it would). */
async function removeTfjsModel(key: string): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('tensorflowjs', 1);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['models_store', 'model_info_store'], 'readwrite');
    tx.objectStore('models_store').delete(key);
    tx.objectStore('model_info_store').delete(key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

/** A hook that keeps the trainer's state object (to call hook.save with it after fit) and checkpoints at given iterations. */
function spy(at: number[] = []): Hook & { state?: TrainState; taken: Map<number, Awaited<ReturnType<TrainState['checkpoint']>>> } {
  const taken = new Map<number, Awaited<ReturnType<TrainState['checkpoint']>>>();
  return {
    taken,
    onTrainBegin(state) {
      this.state = state;
    },
    async onIterationEnd(state) {
      if (at.includes(state.iteration)) taken.set(state.iteration, await state.checkpoint());
    },
  };
}

describe('BrowserCheckpoint: exact resume from IndexedDB', () => {
  it('12 iterations with a checkpoint at 6, resumed into a new Trainer (other initial weights) from IndexedDB, equal 12 straight, bit for bit', async () => {
    const data = tinyData(48);
    const straight = hackedTrainer();
    const h = await straight.fit(data, { batchSize: 8, iterations: 12 });

    // The page that trained 6 iterations and was closed.
    const hook = new BrowserCheckpoint({ name: 'exact', every: 6 });
    const first = hackedTrainer({ hooks: [hook] });
    await first.fit(data, { batchSize: 8, iterations: 6 });
    expect(hook.saved).toEqual([6]);
    expect(await BrowserCheckpoint.list('exact')).toEqual([6]);

    // The models went through tfjs's indexeddb:// handler: they are in tfjs's own database (both of its stores),
    // and tf.loadLayersModel reads the generator alone, equal to the trained one.
    expect(await runKeys('exact')).toEqual(modelKeys('exact', [6]));
    expect((await tfjsKeys('model_info_store')).filter((k) => k.startsWith('gan-hacks/exact/'))).toEqual(modelKeys('exact', [6]));
    const g = await tf.loadLayersModel('indexeddb://gan-hacks/exact/6/generator');
    const z = tf.randomNormal([4, 3], 0, 1, 'float32', 3);
    const [p, q] = [g.predict(z) as tf.Tensor, first.generator.predict(z) as tf.Tensor];
    expect(bits([p.dataSync() as Float32Array])).toEqual(bits([q.dataSync() as Float32Array]));
    tf.dispose([z, p, q]);
    g.dispose();

    // A new page: a new Trainer with other initial weights and fresh optimizers, resumed from IndexedDB by name.
    const second = otherTrainer();
    expect(bits(await everything(second))).not.toEqual(bits(await everything(first)));
    await second.resume(browserCheckpoint('exact'));
    expect(bits(await everything(second))).toEqual(bits(await everything(first)));
    const resumed = await second.fit(data, { batchSize: 8, iterations: 12 });

    expect(bits(await everything(second))).toEqual(bits(await everything(straight)));
    expect(JSON.stringify(resumed.toJSON())).toBe(JSON.stringify(h.toJSON()));
    for (const t of [straight, first, second]) t.dispose();
    data.dispose();
  });

  it('stores the same content as trainer.checkpoint(): models, both optimizers, regularizer tensors and state; 5 + 5 through IndexedDB equal 10 straight', async () => {
    const data = tinyData(32, 9);
    const withHA = (hooks: Hook[] = [], seeds: [number, number] = [1, 2]): Trainer =>
      new Trainer({
        generator: tinyGenerator(seeds[0]),
        discriminator: tinyDiscriminator(seeds[1]),
        latentDim: 3,
        seed: 5,
        hooks,
        regularizers: [historicalAveraging({ weight: 50 }), historicalAveraging({ weight: 50, target: 'discriminator' })],
      });
    const straight = withHA();
    const h = await straight.fit(data, { batchSize: 8, iterations: 10 });
    const hook = new BrowserCheckpoint({ name: 'content', every: 5 });
    const first = withHA([hook]);
    await first.fit(data, { batchSize: 8, iterations: 5 });

    const want = await first.checkpoint();
    const got = await hook.load();
    expect(got.regularizers).toBeDefined();
    expect(bits([got.regularizers!.data])).toEqual(bits([want.regularizers!.data]));
    expect(got.regularizers!.specs).toEqual(want.regularizers!.specs);
    for (const m of ['generator', 'discriminator'] as const) {
      expect(bits([got.optimizers[m].data])).toEqual(bits([want.optimizers[m].data]));
      expect(got.optimizers[m].specs).toEqual(want.optimizers[m].specs);
      expect(bits([got[m].weightData as ArrayBuffer])).toEqual(bits([want[m].weightData as ArrayBuffer]));
      expect(got[m].weightSpecs).toEqual(want[m].weightSpecs);
      expect(got[m].modelTopology).toEqual(want[m].modelTopology);
    }
    expect(JSON.stringify(got.state)).toBe(JSON.stringify(want.state));

    const second = withHA([], [7, 8]);
    await second.resume(hook);
    const resumed = await second.fit(data, { batchSize: 8, iterations: 10 });
    expect(bits(await everything(second))).toEqual(bits(await everything(straight)));
    expect(JSON.stringify(resumed.toJSON())).toBe(JSON.stringify(h.toJSON()));
    // A trainer without the regularizers cannot take that state.
    await expectCodeAsync(() => otherTrainer().resume(browserCheckpoint('content')), 'CHECKPOINT_INVALID');
    for (const t of [straight, first, second]) t.dispose();
    data.dispose();
  });
});

describe('BrowserCheckpoint: what is kept', () => {
  it('keeps the last `keep` checkpoints and deletes the others, records and models', async () => {
    const data = tinyData(32);
    const hook = new BrowserCheckpoint({ name: 'prune', every: 2, keep: 2 });
    const t = hackedTrainer({ hooks: [hook] });
    await t.fit(data, { batchSize: 8, iterations: 10 });
    expect(hook.saved).toEqual([2, 4, 6, 8, 10]);
    expect(await BrowserCheckpoint.list('prune')).toEqual([8, 10]);
    expect(await runKeys('prune')).toEqual(modelKeys('prune', [8, 10]));
    expect((await hook.load()).state.iteration).toBe(10);

    // The default: each epoch end (32 samples / 8 = 4 iterations), keep 2.
    const byEpoch = new BrowserCheckpoint({ name: 'prune-epochs' });
    const u = hackedTrainer({ hooks: [byEpoch] });
    await u.fit(data, { batchSize: 8, iterations: 12 });
    expect(byEpoch.saved).toEqual([4, 8, 12]);
    expect(await BrowserCheckpoint.list('prune-epochs')).toEqual([8, 12]);
    // A run ending off the schedule is saved at its end.
    await u.fit(data, { batchSize: 8, iterations: 14 });
    expect(byEpoch.saved).toEqual([4, 8, 12, 14]);
    expect(await BrowserCheckpoint.list('prune-epochs')).toEqual([12, 14]);
    t.dispose();
    u.dispose();
    data.dispose();
  });

  it('a record whose model is missing or replaced is refused; load falls back to the previous complete one with one warning', async () => {
    const data = tinyData(32);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const watch = spy([3, 6]);
    const hook = new BrowserCheckpoint({ name: 'fallback', every: 3, keep: 5 });
    const t = hackedTrainer({ hooks: [watch, hook] });
    await t.fit(data, { batchSize: 8, iterations: 9 });
    expect(await BrowserCheckpoint.list('fallback')).toEqual([3, 6, 9]);

    // The page closed after the record of 9 but its generator is gone.
    await removeTfjsModel('gan-hacks/fallback/9/generator');
    const back = await browserCheckpoint('fallback').load();
    expect(back.state.iteration).toBe(6);
    const at6 = watch.taken.get(6)!;
    expect(bits([back.generator.weightData as ArrayBuffer, back.optimizers.discriminator.data])).toEqual(
      bits([at6.generator.weightData as ArrayBuffer, at6.optimizers.discriminator.data]),
    );
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('read iteration 6');
    expect(warnings[0]).toContain('gan-hacks/fallback/9/generator');

    // 6's discriminator replaced by another model under the same key: its checksum no longer matches.
    const intruder = tinyDiscriminator(99, { batchNorm: true, dropout: 0.3 });
    await intruder.save('indexeddb://gan-hacks/fallback/6/discriminator');
    intruder.dispose();
    const older = await hook.load();
    expect(older.state.iteration).toBe(3);
    expect(bits([older.optimizers.generator.data])).toEqual(bits([watch.taken.get(3)!.optimizers.generator.data]));
    expect(warn.mock.calls).toHaveLength(2);
    expect(String(warn.mock.calls[1][0])).toContain('does not match the checksum');

    // Named explicitly, a damaged checkpoint is refused (no fallback), and so is one that is not there.
    await expectCodeAsync(() => browserCheckpoint('fallback', { iteration: 6 }).load(), 'CHECKPOINT_INVALID');
    await expectCodeAsync(() => browserCheckpoint('fallback', { iteration: 5 }).load(), 'CHECKPOINT_INVALID');
    expect((await browserCheckpoint('fallback', { iteration: 3 }).load()).state.iteration).toBe(3);
    // Nothing intact left: refused, naming every damaged one.
    await removeTfjsModel('gan-hacks/fallback/3/generator');
    const all = await hook.load().catch((e: unknown) => e as Error);
    expect((all as { code?: string }).code).toBe('CHECKPOINT_INVALID');
    expect((all as Error).message).toMatch(/iteration 9.*iteration 6.*iteration 3/s);

    // A trainer resumed from a damaged store is left as it was.
    const fresh = otherTrainer();
    const before = bits(await everything(fresh));
    await expectCodeAsync(() => fresh.resume(hook), 'CHECKPOINT_INVALID');
    expect(bits(await everything(fresh))).toEqual(before);
    for (const x of [t, fresh]) x.dispose();
    data.dispose();
  });

  it('models a cut-off write left behind (no record) are never loaded and are removed when training next begins', async () => {
    const data = tinyData(32);
    const hook = new BrowserCheckpoint({ name: 'orphans', every: 2 });
    const t = hackedTrainer({ hooks: [hook] });
    await t.fit(data, { batchSize: 8, iterations: 2 });
    // Models of iteration 4 written, the page closed before their record.
    await t.generator.save('indexeddb://gan-hacks/orphans/4/generator');
    await t.discriminator.save('indexeddb://gan-hacks/orphans/4/discriminator');
    expect(await runKeys('orphans')).toEqual(modelKeys('orphans', [2, 4]));
    expect(await BrowserCheckpoint.list('orphans')).toEqual([2]);
    expect((await hook.load()).state.iteration).toBe(2);
    await t.fit(data, { batchSize: 8, iterations: 3 }); // saves 3 at its end; 4's models are swept when it begins
    expect(await BrowserCheckpoint.list('orphans')).toEqual([2, 3]);
    expect(await runKeys('orphans')).toEqual(modelKeys('orphans', [2, 3]));
    t.dispose();
    data.dispose();
  });

  it('never writes a non-finite checkpoint: skipped, recorded and warned once; the latest stays the last finite one', async () => {
    const data = tinyData(32, 9);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const poison: Hook = {
      onIterationEnd(state) {
        if (state.iteration === 3) {
          const w = state.generator.weights[0];
          w.write(tf.fill(w.shape as number[], NaN));
        }
      },
    };
    const hook = new BrowserCheckpoint({ name: 'nan', every: 1, keep: 10 });
    const guard = new NaNGuard();
    const t = hackedTrainer({ hooks: [poison, hook, guard] });
    await t.fit(data, { batchSize: 8, iterations: 8 });
    expect(guard.stoppedAt).toBe(4);
    expect(hook.saved).toEqual([1, 2]);
    expect(hook.skipped).toEqual([3, 4]);
    expect(await BrowserCheckpoint.list('nan')).toEqual([1, 2]);
    const skips = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('did not write'));
    expect(skips).toHaveLength(1);
    expect(skips[0]).toContain('the generator holds NaN');
    const latest = await hook.load();
    expect(latest.state.iteration).toBe(2);
    const resumed = otherTrainer();
    await resumed.resume(latest);
    const h = await resumed.fit(data, { batchSize: 8, iterations: 4 });
    expect(h.records.slice(2).every((r) => Number.isFinite(r.gLoss) && Number.isFinite(r.dLossReal))).toBe(true);
    for (const x of [t, resumed]) x.dispose();
    data.dispose();
  });

  it('resuming an older checkpoint and training on deletes the newer ones of the abandoned run (records and models)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const dataA = tinyData(32, 9);
    const dataB = tinyData(32, 77); // the resumed run trains on other data: another lineage
    const a = hackedTrainer({ hooks: [new BrowserCheckpoint({ name: 'lineage', every: 3, keep: 5 })] });
    await a.fit(dataA, { batchSize: 8, iterations: 12 });
    expect(await BrowserCheckpoint.list('lineage')).toEqual([3, 6, 9, 12]);
    const oldNine = (await browserCheckpoint('lineage', { iteration: 9 }).load()).generator.weightData as ArrayBuffer;

    const hook = new BrowserCheckpoint({ name: 'lineage', every: 3, keep: 5 });
    const watch = spy();
    const b = otherTrainer({ hooks: [watch, hook] });
    await b.resume(browserCheckpoint('lineage', { iteration: 6 }));
    await b.fit(dataB, { batchSize: 8, iterations: 9 });
    expect(await BrowserCheckpoint.list('lineage')).toEqual([3, 6, 9]);
    expect(await runKeys('lineage')).toEqual(modelKeys('lineage', [3, 6, 9]));
    const dropped = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('deleted the checkpoints'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain('iterations 9, 12');
    // The 9 stored is the new lineage's.
    const latest = await hook.load();
    expect(latest.state.iteration).toBe(9);
    const now = new Float32Array(b.generator.getWeights().flatMap((w) => Array.from(w.dataSync())));
    expect(bits([latest.generator.weightData as ArrayBuffer])).toEqual(bits([now]));
    expect(bits([latest.generator.weightData as ArrayBuffer])).not.toEqual(bits([oldNine]));
    // Writing an iteration that is stored (here: a manual save at 9 again) supersedes it under new model keys.
    await hook.save(watch.state!);
    expect(await BrowserCheckpoint.list('lineage')).toEqual([3, 6, 9]);
    expect(await runKeys('lineage')).toEqual(modelKeys('lineage', [3, 6, '9-1']));
    expect(bits([(await hook.load()).generator.weightData as ArrayBuffer])).toEqual(bits([now]));
    for (const x of [a, b]) x.dispose();
    dataA.dispose();
    dataB.dispose();
  });
});

describe('BrowserCheckpoint: tensors and storage', () => {
  it('repeated saves, loads and resumes leave the tensor count flat, and rewrites of one iteration leave one copy', async () => {
    const data = tinyData(16);
    const watch = spy();
    const hook = new BrowserCheckpoint({ name: 'leak', every: 1 });
    const t = hackedTrainer({ hooks: [watch, hook] });
    await t.fit(data, { batchSize: 8, iterations: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) expect(await hook.save(watch.state!)).toBe(2);
    for (let i = 0; i < 5; i++) await t.resume(hook);
    expect(tf.memory().numTensors).toBe(before);
    expect(await BrowserCheckpoint.list('leak')).toEqual([1, 2]);
    expect(await runKeys('leak')).toEqual(modelKeys('leak', [1, '2-20']));
    t.dispose();
    data.dispose();
  });

  it('BrowserCheckpoint.delete removes a run: records, models and leftovers; other runs stay', async () => {
    const data = tinyData(16);
    await hackedTrainer({ hooks: [new BrowserCheckpoint({ name: 'gone', every: 1, keep: 3 })] }).fit(data, { batchSize: 8, iterations: 3 });
    await hackedTrainer({ hooks: [new BrowserCheckpoint({ name: 'gone-not', every: 1 })] }).fit(data, { batchSize: 8, iterations: 1 });
    await tinyGenerator(3).save('indexeddb://gan-hacks/gone/77/generator'); // a leftover no record names
    expect(await runKeys('gone')).toEqual([...modelKeys('gone', [1, 2, 3]), 'gan-hacks/gone/77/generator'].sort());
    await BrowserCheckpoint.delete('gone');
    expect(await BrowserCheckpoint.list('gone')).toEqual([]);
    expect(await runKeys('gone')).toEqual([]);
    expect(await BrowserCheckpoint.list('gone-not')).toEqual([1]);
    expect(await runKeys('gone-not')).toEqual(modelKeys('gone-not', [1]));
    await BrowserCheckpoint.delete('never-used');
    await expectCodeAsync(() => browserCheckpoint('gone').load(), 'CHECKPOINT_INVALID');
    data.dispose();
  });

  it('IndexedDB refusing a write (quota) stops the run with CHECKPOINT_WRITE and keeps the checkpoints already stored', async () => {
    const data = tinyData(16);
    const hook = new BrowserCheckpoint({ name: 'quota', every: 2 });
    const t = hackedTrainer({ hooks: [hook] });
    await t.fit(data, { batchSize: 8, iterations: 2 });
    const put = IDBObjectStore.prototype.put;
    const refuse = (store: string) =>
      vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === store) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      });

    // The record is refused: the models written for it are removed again, the stored checkpoint stays.
    refuse('checkpoints');
    const e = await t.fit(data, { batchSize: 8, iterations: 4 }).catch((x: unknown) => x as Error);
    expect((e as { code?: string }).code).toBe('CHECKPOINT_WRITE');
    expect((e as Error).message).toContain('storage quota');
    expect((e as Error).message).toContain('record of iteration 4');
    vi.restoreAllMocks();
    expect(await BrowserCheckpoint.list('quota')).toEqual([2]);
    expect(await runKeys('quota')).toEqual(modelKeys('quota', [2]));

    // tfjs's model write is refused: no record is written.
    refuse('models_store');
    const f = await t.fit(data, { batchSize: 8, iterations: 6 }).catch((x: unknown) => x as Error);
    expect((f as { code?: string }).code).toBe('CHECKPOINT_WRITE');
    expect((f as Error).message).toContain('indexeddb://gan-hacks/quota/');
    vi.restoreAllMocks();
    expect(await BrowserCheckpoint.list('quota')).toEqual([2]);
    expect((await hook.load()).state.iteration).toBe(2);
    t.dispose();
    data.dispose();
  });
});

describe('BrowserCheckpoint: refusals', () => {
  it('refuses bad options on construction', () => {
    for (const options of [undefined, null, 'b1', [], {}, { name: '' }, { name: 'a/b' }, { name: 'x'.repeat(129) }, { name: 3 }, { name: 'x', every: 0 }, { name: 'x', every: 1.5 }, { name: 'x', keep: 0 }, { name: 'x', keep: -1 }, { name: 'x', keep: NaN }]) {
      expectCode(() => new BrowserCheckpoint(options as never), 'INVALID_ARGUMENT');
    }
    const e = (() => {
      try {
        new BrowserCheckpoint({ name: 'x', keep: 0 });
      } catch (x) {
        return x as Error;
      }
    })();
    expect(e?.message).toBe('BrowserCheckpoint: keep must be a positive integer, got 0.');
    expectCode(() => browserCheckpoint(''), 'INVALID_ARGUMENT');
    expectCode(() => browserCheckpoint('x', { iteration: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => browserCheckpoint('x', 'latest' as never), 'INVALID_ARGUMENT');
    expect(typeof browserCheckpoint('x', null).load).toBe('function');
    expect(new BrowserCheckpoint({ name: 'x', every: undefined, keep: undefined }).run).toBe('x');
  });

  it('refuses bad names in the static helpers, and an empty store on load', async () => {
    await expectCodeAsync(() => BrowserCheckpoint.list(''), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => BrowserCheckpoint.delete('a/b'), 'INVALID_ARGUMENT');
    expect(await BrowserCheckpoint.list('empty')).toEqual([]);
    const e = await browserCheckpoint('empty').load().catch((x: unknown) => x as Error);
    expect((e as { code?: string }).code).toBe('CHECKPOINT_INVALID');
    expect((e as Error).message).toContain("no checkpoint of run 'empty'");
  });

  it('says to use gan-hacks/node where there is no IndexedDB, or tfjs is not in browser mode', async () => {
    const idb = globalThis.indexedDB;
    try {
      (globalThis as { indexedDB?: IDBFactory }).indexedDB = undefined;
      expectCode(() => new BrowserCheckpoint({ name: 'x' }), 'CHECKPOINT_WRITE');
      expect(() => new BrowserCheckpoint({ name: 'x' })).toThrow(/no IndexedDB.*Checkpoint hook of 'gan-hacks\/node'/);
      await expectCodeAsync(() => browserCheckpoint('x').load(), 'CHECKPOINT_INVALID');
      await expectCodeAsync(() => BrowserCheckpoint.list('x'), 'CHECKPOINT_INVALID');
      await expectCodeAsync(() => BrowserCheckpoint.delete('x'), 'CHECKPOINT_WRITE');
    } finally {
      (globalThis as { indexedDB?: IDBFactory }).indexedDB = idb;
    }
    tf.env().set('IS_BROWSER', false);
    try {
      expect(() => new BrowserCheckpoint({ name: 'x' })).toThrow(/IS_BROWSER.*gan-hacks\/node/);
      await expectCodeAsync(() => browserCheckpoint('x').load(), 'CHECKPOINT_INVALID');
    } finally {
      tf.env().set('IS_BROWSER', true);
    }
  });
});
