import * as tf from '@tensorflow/tfjs';
import { GanHacksError, type GanHacksErrorCode } from '../errors/index.js';
import type { CheckpointSource, EncodedWeights, TrainerCheckpoint, TrainerStateJSON } from '../train/checkpoint.js';
import { checkEncoded, checkState } from '../train/checkpoint.js';
import { checkCheckpoint, FiniteCheckpoints, nonFinitePart, weightBuffer } from '../train/checkpointChecks.js';
import type { Hook, TrainState } from '../train/hooks.js';
import { assertNonNegativeInteger, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

/** gan-hacks' own database: one record per checkpoint, keyed by [run name, iteration]. */
const DB_NAME = 'gan-hacks';
const DB_VERSION = 1;
const STORE = 'checkpoints';
const LAYOUT = 'gan-hacks-checkpoint-indexeddb/1';
/** Models are stored by tfjs under `indexeddb://gan-hacks/<name>/<iteration>[-<generation>]/<model>`. */
const MODEL_PREFIX = 'gan-hacks/';
/**
 * tfjs's own IndexedDB layout (tfjs-core's io/indexed_db): database 'tensorflowjs' version 1, two stores
 * keyed by 'modelPath'. Models are written and read only through tfjs's `indexeddb://` handler; this layout is
 * used to remove them and to list them (tfjs registers its model manager only when IS_BROWSER held at import
 * time), and it cannot change without tfjs losing every model its users saved.
 */
const TFJS_DB = 'tensorflowjs';
const TFJS_DB_VERSION = 1;
const TFJS_STORES = ['models_store', 'model_info_store'] as const;
const MAX_NAME_LENGTH = 128;

type ModelName = 'generator' | 'discriminator';
const MODELS: readonly ModelName[] = ['generator', 'discriminator'];

/** Where one model of a checkpoint lives and what it must hash to. */
interface ModelEntry {
  /** tfjs IndexedDB key (without the `indexeddb://` scheme). */
  key: string;
  /** Checksum of the topology, the weight specs and the weight bytes (see {@link checksum}). */
  checksum: string;
  bytes: number;
}

/** The record that makes a checkpoint exist: everything but the models, and where the models are. */
interface CheckpointRecord {
  name: string;
  iteration: number;
  layout: typeof LAYOUT;
  /** 0, or n when iteration was written n times (each write gets its own model keys). */
  generation: number;
  savedAt: string;
  models: Record<ModelName, ModelEntry>;
  optimizers: { generator: EncodedWeights; discriminator: EncodedWeights };
  regularizers?: EncodedWeights;
  /** The trainer state as JSON text, as in gan-hacks/node's trainer.json (non-finite numbers as null). */
  state: string;
}

/**
 * A fast 64-bit checksum (two 32-bit multiply-xorshift lanes, after cyrb53 by bryc) of a model's
 * topology, weight specs and bytes. It detects a model that is damaged or was replaced under its key;
 * it is not a cryptographic hash (SubtleCrypto is missing from pages served over plain http).
 */
function checksum(artifacts: tf.io.ModelArtifacts): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (v: number): void => {
    h1 = Math.imul(h1 ^ v, 2654435761);
    h2 = Math.imul(h2 ^ v, 1597334677);
  };
  const text = JSON.stringify([artifacts.modelTopology ?? null, artifacts.weightSpecs ?? null]);
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  const data = weightBuffer(artifacts.weightData);
  const words = new Uint32Array(data, 0, data.byteLength >>> 2);
  for (let i = 0; i < words.length; i++) mix(words[i]);
  const tail = new Uint8Array(data, words.length * 4);
  for (let i = 0; i < tail.length; i++) mix(tail[i]);
  mix(data.byteLength);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

function assertRunName(where: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH || name.includes('/') || /[\u0000-\u001f]/.test(name)) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${where}: name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters without '/' or control characters (it keys the run in IndexedDB), got ${typeof name === 'string' ? show(name) : name === null ? 'null' : typeof name}; pass e.g. 'b1'.`,
    );
  }
}

/**
 * The IndexedDB factory, after checking that tfjs's `indexeddb://` handler can run here too.
 * `code` is the one of the caller's failure: CHECKPOINT_WRITE for a writer, CHECKPOINT_INVALID for a reader.
 */
function indexedDBFactory(where: string, code: GanHacksErrorCode): IDBFactory {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) {
    throw new GanHacksError(
      code,
      `${where}: this environment has no IndexedDB (globalThis.indexedDB is undefined). BrowserCheckpoint keeps checkpoints in a browser page or worker; in Node use the Checkpoint hook of 'gan-hacks/node', which writes checkpoint folders.`,
    );
  }
  if (!tf.env().getBool('IS_BROWSER')) {
    throw new GanHacksError(
      code,
      `${where}: tfjs's indexeddb:// model handler is off because tf.env().getBool('IS_BROWSER') is false; BrowserCheckpoint stores models through it, so it works in a browser page or worker. In Node use the Checkpoint hook of 'gan-hacks/node'.`,
    );
  }
  return factory;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when a transaction commits; rejects when it fails or aborts (a quota error arrives here). */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
  });
}

function openDatabase(factory: IDBFactory, name: string, version: number, upgrade: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, version);
    req.onupgradeneeded = () => upgrade(req.result);
    req.onsuccess = () => {
      // Let another tab (or deleteDatabase) upgrade or remove the database instead of blocking it.
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new DOMException(`IndexedDB database '${name}' is held open by another connection at an older version.`, 'VersionError'));
  });
}

/** Opens a database, runs `f`, and closes it whatever happens (no connection outlives a call). */
async function withDatabase<T>(factory: IDBFactory, which: 'records' | 'models', f: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db =
    which === 'records'
      ? await openDatabase(factory, DB_NAME, DB_VERSION, (d) => {
          if (!d.objectStoreNames.contains(STORE)) d.createObjectStore(STORE, { keyPath: ['name', 'iteration'] });
        })
      : await openDatabase(factory, TFJS_DB, TFJS_DB_VERSION, (d) => {
          // As tfjs creates them, so that tfjs can use a database created here.
          for (const s of TFJS_STORES) if (!d.objectStoreNames.contains(s)) d.createObjectStore(s, { keyPath: 'modelPath' });
        });
  try {
    return await f(db);
  } finally {
    db.close();
  }
}

const runRange = (name: string): IDBKeyRange => IDBKeyRange.bound([name, -Infinity], [name, Infinity]);

/** Iterations with a record for `name`, ascending. */
function recordIterations(factory: IDBFactory, name: string): Promise<number[]> {
  return withDatabase(factory, 'records', async (db) => {
    const keys = await request(db.transaction(STORE, 'readonly').objectStore(STORE).getAllKeys(runRange(name)));
    return keys.map((k) => (k as [string, number])[1]);
  });
}

function getRecord(factory: IDBFactory, name: string, iteration: number): Promise<CheckpointRecord | undefined> {
  return withDatabase(factory, 'records', (db) => request(db.transaction(STORE, 'readonly').objectStore(STORE).get([name, iteration]) as IDBRequest<CheckpointRecord | undefined>));
}

/** Deletes records in one transaction and returns the model keys they named. */
function deleteRecords(factory: IDBFactory, name: string, iterations: number[]): Promise<string[]> {
  if (iterations.length === 0) return Promise.resolve([]);
  return withDatabase(factory, 'records', async (db) => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    // Requests of one transaction run in the order they were made: each get sees its record before the delete.
    // Nothing is awaited in between, so the transaction cannot close early.
    const gets = iterations.map((iteration) => {
      const got = request(store.get([name, iteration]) as IDBRequest<CheckpointRecord | undefined>);
      store.delete([name, iteration]);
      return got;
    });
    const [, ...records] = await Promise.all([committed(tx), ...gets]);
    return records.flatMap((r) => MODELS.map((m) => (r as CheckpointRecord | undefined)?.models?.[m]?.key).filter((k): k is string => typeof k === 'string'));
  });
}

/** Removes models from tfjs's database (both of its stores, one transaction); absent keys are fine. */
async function deleteModels(factory: IDBFactory, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await withDatabase(factory, 'models', async (db) => {
    const tx = db.transaction([...TFJS_STORES], 'readwrite');
    await Promise.all([committed(tx), ...TFJS_STORES.flatMap((s) => keys.map((key) => request(tx.objectStore(s).delete(key))))]);
  });
}

/** Model keys tfjs holds under `gan-hacks/<name>/`. */
function storedModelKeys(factory: IDBFactory, name: string): Promise<string[]> {
  const prefix = `${MODEL_PREFIX}${name}/`;
  return withDatabase(factory, 'models', async (db) => {
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = new Set<string>();
    for (const s of TFJS_STORES) for (const k of await request(db.transaction(s, 'readonly').objectStore(s).getAllKeys(range))) keys.add(String(k));
    return [...keys];
  });
}

/** Removes models under the run's prefix that no record names (left by a write or a prune that was cut off). */
async function sweepOrphans(factory: IDBFactory, name: string): Promise<void> {
  const named = new Set<string>();
  for (const iteration of await recordIterations(factory, name)) {
    const record = await getRecord(factory, name, iteration);
    for (const m of MODELS) if (typeof record?.models?.[m]?.key === 'string') named.add(record.models[m].key);
  }
  await deleteModels(
    factory,
    (await storedModelKeys(factory, name)).filter((k) => !named.has(k)),
  );
}

function writeError(where: string, what: string, cause: unknown): GanHacksError {
  const e = cause as { name?: string; message?: string } | undefined;
  const quota = e?.name === 'QuotaExceededError';
  return new GanHacksError(
    'CHECKPOINT_WRITE',
    `${where}: IndexedDB refused to write ${what}: ${quota ? "the origin's storage quota is used up (navigator.storage.estimate() shows usage and quota); delete old runs with BrowserCheckpoint.delete(name) or lower keep" : `${e?.name ?? 'Error'}: ${e?.message ?? String(cause)}`}. No checkpoint was published: the ones already stored are kept.`,
    { cause },
  );
}

function invalid(name: string, iteration: number, message: string, cause?: unknown): GanHacksError {
  return new GanHacksError('CHECKPOINT_INVALID', `BrowserCheckpoint '${name}' iteration ${iteration}: ${message}`, cause === undefined ? {} : { cause });
}

/** Writes one checkpoint: both models through tfjs, then the record in one transaction; returns nothing until the record is committed. */
async function writeCheckpointRecord(factory: IDBFactory, checkpoint: TrainerCheckpoint, name: string): Promise<void> {
  const where = `BrowserCheckpoint '${name}'`;
  const iteration = checkpoint.state.iteration;
  let previous: CheckpointRecord | undefined;
  try {
    previous = await getRecord(factory, name, iteration);
  } catch (cause) {
    throw writeError(where, `iteration ${iteration}`, cause);
  }
  const generation = previous ? (Number.isInteger(previous.generation) ? previous.generation : 0) + 1 : 0;
  const base = `${MODEL_PREFIX}${name}/${iteration}${generation > 0 ? `-${generation}` : ''}`;
  const models = {} as Record<ModelName, ModelEntry>;
  try {
    for (const m of MODELS) {
      const key = `${base}/${m}`;
      const handlers = tf.io.getSaveHandlers(`indexeddb://${key}`);
      if (handlers.length !== 1 || !handlers[0].save) {
        throw new GanHacksError('CHECKPOINT_WRITE', `${where}: tfjs offers ${handlers.length} save handlers for indexeddb://${key}, expected its IndexedDB one.`);
      }
      const artifacts = checkpoint[m];
      // tfjs replaces weightData on the object it is given: hand it a copy, the checkpoint stays as captured.
      await handlers[0].save({ ...artifacts });
      models[m] = { key, checksum: checksum(artifacts), bytes: weightBuffer(artifacts.weightData).byteLength };
    }
  } catch (cause) {
    await deleteModels(factory, MODELS.map((m) => `${base}/${m}`)).catch(() => undefined);
    throw cause instanceof GanHacksError ? cause : writeError(where, `the models of iteration ${iteration} (indexeddb://${base}/…)`, cause);
  }
  const record: CheckpointRecord = {
    name,
    iteration,
    layout: LAYOUT,
    generation,
    savedAt: new Date().toISOString(),
    models,
    optimizers: checkpoint.optimizers,
    ...(checkpoint.regularizers ? { regularizers: checkpoint.regularizers } : {}),
    // Non-finite numbers of the history become null (JSON has no NaN); the history reader takes them back.
    state: JSON.stringify(checkpoint.state, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  };
  try {
    await withDatabase(factory, 'records', async (db) => {
      const tx = db.transaction(STORE, 'readwrite');
      await Promise.all([committed(tx), request(tx.objectStore(STORE).put(record))]);
    });
  } catch (cause) {
    await deleteModels(factory, Object.values(models).map((e) => e.key)).catch(() => undefined);
    throw writeError(where, `the record of iteration ${iteration}`, cause);
  }
  // The put replaced an earlier record of this iteration; its models are no longer named by any record.
  if (previous) await deleteModels(factory, MODELS.map((m) => previous!.models?.[m]?.key).filter((k): k is string => typeof k === 'string')).catch(() => undefined);
}

/** Reads and verifies one checkpoint. */
async function readCheckpointRecord(factory: IDBFactory, name: string, iteration: number): Promise<TrainerCheckpoint> {
  let record: CheckpointRecord | undefined;
  try {
    record = await getRecord(factory, name, iteration);
  } catch (cause) {
    throw invalid(name, iteration, `IndexedDB refused the read: ${(cause as Error)?.message ?? String(cause)}`, cause);
  }
  if (!record) throw invalid(name, iteration, `no such checkpoint (stored: ${JSON.stringify(await recordIterations(factory, name))}).`);
  if (record.layout !== LAYOUT || typeof record.state !== 'string' || typeof record.models !== 'object' || record.models === null) {
    throw invalid(name, iteration, `the record is not a ${LAYOUT} record: it is damaged or from another writer.`);
  }
  let state: TrainerStateJSON;
  try {
    state = JSON.parse(record.state);
  } catch (cause) {
    throw invalid(name, iteration, 'the trainer state is not valid JSON.', cause);
  }
  checkState(state);
  if (state.iteration !== iteration) throw invalid(name, iteration, `the trainer state says iteration ${state.iteration}; the record is damaged.`);
  const artifacts = {} as Record<ModelName, tf.io.ModelArtifacts>;
  for (const m of MODELS) {
    const entry = record.models[m];
    if (typeof entry?.key !== 'string' || typeof entry.checksum !== 'string') throw invalid(name, iteration, `the record does not name its ${m}.`);
    const handlers = tf.io.getLoadHandlers(`indexeddb://${entry.key}`);
    if (handlers.length !== 1 || !handlers[0].load) throw invalid(name, iteration, `tfjs offers ${handlers.length} load handlers for indexeddb://${entry.key}, expected its IndexedDB one.`);
    try {
      artifacts[m] = await handlers[0].load();
    } catch (cause) {
      throw invalid(name, iteration, `its ${m} (indexeddb://${entry.key}) cannot be read: ${(cause as Error)?.message ?? String(cause)} The write was cut off or the model was removed.`, cause);
    }
    if (checksum(artifacts[m]) !== entry.checksum) {
      throw invalid(name, iteration, `its ${m} (indexeddb://${entry.key}) does not match the checksum in its record: the model is damaged or was replaced.`);
    }
  }
  const checkpoint: TrainerCheckpoint = {
    generator: artifacts.generator,
    discriminator: artifacts.discriminator,
    optimizers: record.optimizers,
    ...(record.regularizers ? { regularizers: record.regularizers } : {}),
    state,
  };
  try {
    for (const m of MODELS) checkEncoded(m, checkpoint[m].weightSpecs, weightBuffer(checkpoint[m].weightData));
    checkEncoded('generator optimizer', checkpoint.optimizers?.generator?.specs, checkpoint.optimizers?.generator?.data);
    checkEncoded('discriminator optimizer', checkpoint.optimizers?.discriminator?.specs, checkpoint.optimizers?.discriminator?.data);
    if (checkpoint.regularizers) checkEncoded('regularizer state', checkpoint.regularizers.specs, checkpoint.regularizers.data);
  } catch (cause) {
    throw invalid(name, iteration, (cause as Error).message, cause);
  }
  const bad = nonFinitePart(checkpoint);
  if (bad) throw invalid(name, iteration, `the ${bad.part} holds NaN or infinite values (weight "${bad.weight}"); a run cannot resume from it.`);
  return checkpoint;
}

/** The checkpoint of `iteration`, or the latest intact one (falling back past damaged ones, with one warning). */
async function loadFromStore(where: string, name: string, iteration: number | undefined): Promise<TrainerCheckpoint> {
  const factory = indexedDBFactory(where, 'CHECKPOINT_INVALID');
  if (iteration !== undefined) return readCheckpointRecord(factory, name, iteration);
  let iterations: number[];
  try {
    iterations = await recordIterations(factory, name);
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${where}: IndexedDB refused to list the checkpoints of '${name}': ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
  if (iterations.length === 0) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${where}: no checkpoint of run '${name}' in this origin's IndexedDB; train with a BrowserCheckpoint hook named '${name}' first (BrowserCheckpoint.list(name) shows what is stored).`);
  }
  const damaged: GanHacksError[] = [];
  for (let i = iterations.length - 1; i >= 0; i--) {
    try {
      const checkpoint = await readCheckpointRecord(factory, name, iterations[i]);
      if (damaged.length > 0) {
        console.warn(`gan-hacks: ${where} read iteration ${iterations[i]} of '${name}': the newer checkpoint(s) are incomplete or damaged (${damaged.map((e) => e.message).join('; ')})`);
      }
      return checkpoint;
    } catch (e) {
      if (!(e instanceof GanHacksError) || e.code !== 'CHECKPOINT_INVALID') throw e;
      damaged.push(e);
    }
  }
  throw new GanHacksError('CHECKPOINT_INVALID', `${where}: no intact checkpoint of run '${name}' (${damaged.map((e) => e.message).join('; ')}).`, { cause: damaged[0] });
}

/**
 * Options of {@link browserCheckpoint}.
 *
 * @example
 * ```ts
 * await trainer.resume(browserCheckpoint('b1', { iteration: 200 }));
 * ```
 */
export interface BrowserCheckpointSourceOptions {
  /**
   * Read the checkpoint of this iteration (refused when missing or damaged)
   * instead of the latest intact one.
   * @defaultValue the latest intact checkpoint, falling back past damaged ones
   */
  iteration?: number;
}

/**
 * A {@link CheckpointSource} reading a run's checkpoints from IndexedDB when
 * the Trainer asks for them: the browser twin of gan-hacks/node's
 * `checkpointFolder(dir)`. The latest checkpoint whose record and both
 * models are intact is read; a newer one that is incomplete (the page closed
 * mid-write) or damaged is passed over with one `console.warn`.
 *
 * @example
 * ```ts
 * import { browserCheckpoint } from 'gan-hacks/browser';
 * await trainer.resume(browserCheckpoint('b1')); // after a page reload
 * await trainer.fit(images, { batchSize: 64, iterations: 600 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a bad name or iteration (at once); `load()` throws
 * `CHECKPOINT_INVALID` when the run has no intact checkpoint (or not the iteration asked for), or there is
 * no IndexedDB (Node: use gan-hacks/node's `checkpointFolder`).
 */
export function browserCheckpoint(name: string, options?: BrowserCheckpointSourceOptions | null): CheckpointSource {
  assertRunName('browserCheckpoint', name);
  const iteration = optionsObject('browserCheckpoint', options).iteration;
  if (iteration !== undefined) assertNonNegativeInteger('browserCheckpoint: iteration', iteration);
  return { load: () => loadFromStore('browserCheckpoint', name, iteration) };
}

/**
 * Options of {@link BrowserCheckpoint}.
 *
 * @example
 * ```ts
 * const options: BrowserCheckpointOptions = { name: 'b1', every: 50, keep: 2 };
 * ```
 */
export interface BrowserCheckpointOptions {
  /**
   * The run's key in IndexedDB: at most 128 characters, no '/'. One writer
   * per name (two tabs training the same name would prune each other's
   * checkpoints).
   */
  name: string;
  /** Save every this many iterations. @defaultValue at each epoch end */
  every?: number;
  /** Keep this many most recent checkpoints. @defaultValue 2 */
  keep?: number;
}

/**
 * Saves the run into the page's IndexedDB every N iterations (or each
 * epoch) and at the end, keeping the last few: the browser twin of
 * gan-hacks/node's `Checkpoint` hook, with the same content
 * (`trainer.checkpoint()`: both models, both optimizers' state, the
 * regularizers' state and the trainer state). It is also the run's
 * {@link CheckpointSource}: `trainer.resume(hook)` continues from the
 * latest intact checkpoint, bit for bit like a run that never stopped.
 *
 * Where things go: each model through tfjs's own `indexeddb://` handler
 * under `gan-hacks/<name>/<iteration>/generator` (and `/discriminator`; an
 * iteration written again gets `<iteration>-<n>`), so
 * `tf.loadLayersModel('indexeddb://gan-hacks/b1/600/generator')` loads the
 * generator alone; everything else, and the model keys with a checksum of
 * each model, in one record of gan-hacks' own database ('gan-hacks', store
 * 'checkpoints').
 *
 * Rules it keeps (a page can be closed at any moment):
 * - Both models are written first, then the record in one transaction: the
 *   record is what makes a checkpoint exist. A checkpoint whose record
 *   exists but whose models are missing, or do not match the record's
 *   checksum, is refused by `load`, which falls back to the previous
 *   intact one with one `console.warn`. Models no record names (a write or
 *   a prune that was cut off) are removed when training next begins.
 * - Checkpoints beyond `keep` are deleted only after the new record is
 *   committed: the record first, then its models.
 * - Never a non-finite checkpoint: when a weight or an optimizer value is
 *   NaN or infinite the write is skipped, its iteration recorded in
 *   {@link BrowserCheckpoint.skipped}, and a `console.warn` (once per run)
 *   names the part; the latest checkpoint stays the last finite one.
 * - One lineage per name: when training begins (or a checkpoint is written)
 *   at iteration i and the store holds checkpoints of iterations after i (an
 *   older checkpoint was resumed, or a fresh run reuses the name), those are
 *   **deleted** (record, then models), with a `console.warn` naming them,
 *   unlike gan-hacks/node, which moves them aside: an origin's storage quota
 *   is small, and abandoned checkpoints would fill it unseen.
 * - IndexedDB refusing a write (the quota is used up) stops the run with
 *   `CHECKPOINT_WRITE`; the checkpoints already stored are kept.
 *
 * @example
 * ```ts
 * import { BrowserCheckpoint } from 'gan-hacks/browser';
 * const checkpoints = new BrowserCheckpoint({ name: 'b1', every: 50 });
 * const trainer = new Trainer({ generator, discriminator, latentDim: 100, hooks: [checkpoints] });
 * if ((await BrowserCheckpoint.list('b1')).length > 0) await trainer.resume(checkpoints); // after a reload
 * await trainer.fit(images, { batchSize: 64, iterations: 600 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a bad name, `every` or `keep`; `CHECKPOINT_WRITE` when there is
 * no IndexedDB or tfjs's `indexeddb://` handler is off (Node: use gan-hacks/node's `Checkpoint`).
 */
export class BrowserCheckpoint implements Hook, CheckpointSource {
  readonly name = 'BrowserCheckpoint';
  /** The run's key in IndexedDB. */
  readonly run: string;
  private readonly keep: number;
  private readonly every: number | undefined;
  private readonly factory: IDBFactory;
  private lastIteration: number | undefined;
  private readonly finite = new FiniteCheckpoints(
    (iteration, bad) =>
      `gan-hacks: BrowserCheckpoint did not write iteration ${iteration}: the ${bad.part} holds NaN or infinite values (weight "${bad.weight}"); the latest checkpoint of '${this.run}' stays the last finite one. Further skips in this run are recorded in checkpoint.skipped without a warning.`,
  );
  /** Iterations written by this hook, oldest first. */
  readonly saved: number[] = [];

  constructor(options: BrowserCheckpointOptions) {
    const o = optionsObject('BrowserCheckpoint', options);
    assertRunName('BrowserCheckpoint', o.name);
    this.run = o.name;
    this.keep = o.keep ?? 2;
    assertPositiveInteger('BrowserCheckpoint: keep', this.keep);
    if (o.every !== undefined) assertPositiveInteger('BrowserCheckpoint: every', o.every);
    this.every = o.every;
    this.factory = indexedDBFactory('BrowserCheckpoint', 'CHECKPOINT_WRITE');
  }

  /** Iterations whose checkpoint was not written because a weight or optimizer value was not finite. */
  get skipped(): number[] {
    return this.finite.skipped;
  }

  /**
   * Iterations of the checkpoints stored for a run, ascending (records only:
   * {@link BrowserCheckpoint.load} verifies the models).
   * @example `const iterations = await BrowserCheckpoint.list('b1'); // [550, 600]`
   * @throws GanHacksError `INVALID_ARGUMENT` for a bad name; `CHECKPOINT_INVALID` without IndexedDB.
   */
  static async list(name: string): Promise<number[]> {
    assertRunName('BrowserCheckpoint.list', name);
    const factory = indexedDBFactory('BrowserCheckpoint.list', 'CHECKPOINT_INVALID');
    try {
      return await recordIterations(factory, name);
    } catch (cause) {
      throw new GanHacksError('CHECKPOINT_INVALID', `BrowserCheckpoint.list: IndexedDB refused to list '${name}': ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }
  }

  /**
   * Deletes every checkpoint of a run: the records first (one transaction),
   * then every model stored under `gan-hacks/<name>/`. A name with nothing
   * stored is fine.
   * @example `await BrowserCheckpoint.delete('b1'); // start over`
   * @throws GanHacksError `INVALID_ARGUMENT` for a bad name; `CHECKPOINT_WRITE` without IndexedDB or when it refuses.
   */
  static async delete(name: string): Promise<void> {
    assertRunName('BrowserCheckpoint.delete', name);
    const factory = indexedDBFactory('BrowserCheckpoint.delete', 'CHECKPOINT_WRITE');
    try {
      await deleteRecords(factory, name, await recordIterations(factory, name));
      await deleteModels(factory, await storedModelKeys(factory, name));
    } catch (cause) {
      throw writeError('BrowserCheckpoint.delete', `the deletion of '${name}'`, cause);
    }
  }

  /** The latest intact checkpoint of the hook's run (as {@link browserCheckpoint}). */
  load(): Promise<TrainerCheckpoint> {
    return loadFromStore('BrowserCheckpoint', this.run, undefined);
  }

  /** Deletes the checkpoints of iterations after `iteration` (another lineage). */
  private async dropNewer(iteration: number): Promise<void> {
    let newer: number[];
    try {
      newer = (await recordIterations(this.factory, this.run)).filter((i) => i > iteration);
      if (newer.length === 0) return;
      await deleteModels(this.factory, await deleteRecords(this.factory, this.run, newer));
    } catch (cause) {
      throw writeError('BrowserCheckpoint', `the removal of checkpoints newer than iteration ${iteration}`, cause);
    }
    console.warn(
      `gan-hacks: BrowserCheckpoint deleted the checkpoints of '${this.run}' at iterations ${newer.join(', ')} (newer than iteration ${iteration}, from an abandoned run); this run continues from iteration ${iteration}.`,
    );
  }

  /**
   * Writes a checkpoint of the run now (unless a value is not finite) and
   * prunes old ones.
   * @returns the iteration written, or `undefined` when the write was skipped.
   */
  async save(state: TrainState): Promise<number | undefined> {
    const iteration = state.iteration;
    this.lastIteration = iteration;
    const checkpoint = await this.finite.capture(state);
    if (!checkpoint) return undefined;
    checkCheckpoint('BrowserCheckpoint', checkpoint, false);
    await this.dropNewer(iteration);
    await writeCheckpointRecord(this.factory, checkpoint, this.run);
    this.saved.push(iteration);
    try {
      const all = await recordIterations(this.factory, this.run);
      await deleteModels(this.factory, await deleteRecords(this.factory, this.run, all.slice(0, Math.max(0, all.length - this.keep))));
    } catch {
      // Pruning is housekeeping: the new checkpoint is committed; what was not removed goes next time.
    }
    return iteration;
  }

  async onTrainBegin(state: TrainState): Promise<void> {
    this.finite.newRun();
    this.lastIteration = undefined;
    await this.dropNewer(state.iteration);
    await sweepOrphans(this.factory, this.run).catch(() => undefined);
  }

  async onIterationEnd(state: TrainState): Promise<void> {
    if (this.every !== undefined && state.iteration % this.every === 0) await this.save(state);
  }

  async onEpochEnd(state: TrainState): Promise<void> {
    if (this.every === undefined) await this.save(state);
  }

  async onTrainEnd(state: TrainState): Promise<void> {
    if (state.iteration > 0 && state.iteration !== this.lastIteration) await this.save(state);
  }
}
