import type * as tf from '@tensorflow/tfjs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GanHacksError } from '../errors/index.js';
import type { CheckpointSource, EncodedWeights, TrainerCheckpoint, TrainerStateJSON } from '../train/checkpoint.js';
import { checkEncoded, checkState } from '../train/checkpoint.js';
import { checkCheckpoint, FiniteCheckpoints, nonFinitePart, weightBuffer } from '../train/checkpointChecks.js';
import type { Hook, TrainState } from '../train/hooks.js';
import { assertPositiveInteger, optionsObject } from '../internal/validate.js';
import { insideFolder, readModelFiles, writeModelFiles, type FileReader } from './modelIO.js';
import { assertPath, sha256, writeError, writeFileAtomic } from './files.js';

const PREFIX = 'ckpt-';
/** `ckpt-<iteration>` or, when that iteration was written again, `ckpt-<iteration>-<generation>`. */
const NAME = /^ckpt-(\d{8,})(?:-(\d+))?$/;
const STATE_FILE = 'trainer.json';
const TMP = '.tmp-';
const ABANDONED = 'abandoned-';
/** trainer.json starts with its own hash: `{"sha256":"<64 hex>",` then the rest, hashed byte for byte. */
const HASH_PREFIX = '{"sha256":"';
const HASH_PREFIX_LENGTH = HASH_PREFIX.length + 64 + 2;
/** When this process started: a `.tmp-*` folder last touched before it was left by an earlier, killed writer. */
const PROCESS_START = performance.timeOrigin;

/** What trainer.json holds after its hash. */
interface StateFile {
  /** Layout of the folder (this one: files hashed with sha256). */
  layout: 'gan-hacks-checkpoint-folder/sha256';
  state: TrainerStateJSON;
  optimizers: { generator: { specs: EncodedWeights['specs']; file: string }; discriminator: { specs: EncodedWeights['specs']; file: string } };
  regularizers?: { specs: EncodedWeights['specs']; file: string };
  /** sha256 (hex) of every other file of the checkpoint, by its path relative to the checkpoint folder ('/'-separated). */
  files: Record<string, string>;
}

function checkpointName(iteration: number, generation = 0): string {
  const base = `${PREFIX}${String(iteration).padStart(8, '0')}`;
  return generation > 0 ? `${base}-${generation}` : base;
}

function parseName(name: string): { iteration: number; generation: number } | undefined {
  const m = NAME.exec(name);
  return m ? { iteration: Number(m[1]), generation: m[2] === undefined ? 0 : Number(m[2]) } : undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** `ckpt-*` folders of `dir` (complete or not; symbolic links are not followed), oldest first. */
async function checkpointEntries(dir: string): Promise<{ name: string; iteration: number; generation: number }[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: cannot list ${dir}: ${(e as Error).message}`, { cause: e });
  }
  return entries
    .map((name) => ({ name, parsed: parseName(name) }))
    .filter((e): e is { name: string; parsed: { iteration: number; generation: number } } => e.parsed !== undefined)
    .map((e) => ({ name: e.name, ...e.parsed }))
    .sort((a, b) => a.iteration - b.iteration || a.generation - b.generation);
}

/**
 * Complete checkpoints in `dir` (the `ckpt-*` folders that hold a
 * trainer.json), oldest first. Listing does not check hashes;
 * {@link loadCheckpoint} does. Temporary `.tmp-*` folders, `abandoned-*`
 * folders and symbolic links named `ckpt-*` (which could lead anywhere) are
 * not listed; a missing `dir` lists nothing.
 *
 * @example
 * ```ts
 * const all = await listCheckpoints('runs/b1/checkpoints'); // ['runs/b1/checkpoints/ckpt-00000050', ...]
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path.
 */
export async function listCheckpoints(dir: string): Promise<string[]> {
  assertPath('listCheckpoints', 'dir', dir);
  const out: string[] = [];
  for (const e of await checkpointEntries(dir)) if (await exists(join(dir, e.name, STATE_FILE))) out.push(join(dir, e.name));
  return out;
}

/** Best-effort fsync of a folder, so a rename inside it survives a power cut. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems cannot sync a folder; the rename is still atomic.
  }
}

/**
 * Removes `.tmp-*` entries of `dir` (temporary folders of killed writers,
 * pruned checkpoints whose removal was interrupted) last modified before
 * `before` (ms since the epoch). Best effort: a failure is ignored.
 */
async function removeStale(dir: string, before: number): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (!name.startsWith(TMP)) continue;
    const path = join(dir, name);
    try {
      if ((await stat(path)).mtimeMs < before) await rm(path, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
}

/** Removes a folder crash-safely: renamed to a `.tmp-*` name first (one atomic step), then deleted. */
async function removeFolder(dir: string, name: string): Promise<void> {
  const doomed = join(dir, `${TMP}removed-${name}-${randomBytes(4).toString('hex')}`);
  await rename(join(dir, name), doomed);
  await rm(doomed, { recursive: true, force: true });
}

async function writeInto(checkpoint: TrainerCheckpoint, dir: string, staleBefore: number): Promise<string> {
  const iteration = checkpoint.state.iteration;
  let tmp: string | undefined;
  let final: string | undefined;
  try {
    await mkdir(dir, { recursive: true });
    await removeStale(dir, staleBefore);
    const same = (await checkpointEntries(dir)).filter((e) => e.iteration === iteration);
    const name = checkpointName(iteration, same.length === 0 ? 0 : Math.max(...same.map((e) => e.generation)) + 1);
    final = join(dir, name);
    tmp = join(dir, `${TMP}${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
    const files: Record<string, string> = {};
    Object.assign(files, await writeModelFiles(checkpoint.generator, join(tmp, 'generator'), 'generator/', true));
    Object.assign(files, await writeModelFiles(checkpoint.discriminator, join(tmp, 'discriminator'), 'discriminator/', true));
    const binaries: [string, ArrayBuffer][] = [
      ['optimizer-generator.bin', checkpoint.optimizers.generator.data],
      ['optimizer-discriminator.bin', checkpoint.optimizers.discriminator.data],
      ...(checkpoint.regularizers ? [['regularizers.bin', checkpoint.regularizers.data] as [string, ArrayBuffer]] : []),
    ];
    for (const [file, data] of binaries) {
      const bytes = new Uint8Array(data);
      await writeFileAtomic(join(tmp, file), bytes, { sync: true });
      files[file] = sha256(bytes);
    }
    const stateFile: StateFile = {
      layout: 'gan-hacks-checkpoint-folder/sha256',
      state: checkpoint.state,
      optimizers: {
        generator: { specs: checkpoint.optimizers.generator.specs, file: 'optimizer-generator.bin' },
        discriminator: { specs: checkpoint.optimizers.discriminator.specs, file: 'optimizer-discriminator.bin' },
      },
      ...(checkpoint.regularizers ? { regularizers: { specs: checkpoint.regularizers.specs, file: 'regularizers.bin' } } : {}),
      files,
    };
    // Non-finite numbers of the history become null (JSON has no NaN); the history reader takes them back.
    const body = JSON.stringify(stateFile, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)).slice(1);
    const text = `${HASH_PREFIX}${sha256(body)}",${body}`;
    // The state file goes last: its presence marks the checkpoint complete.
    await writeFileAtomic(join(tmp, STATE_FILE), text, { sync: true });
    await syncFolder(tmp);
    // One atomic rename publishes the whole checkpoint.
    await rename(tmp, final);
    tmp = undefined;
    await syncFolder(dir);
  } catch (e) {
    if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw await writeError(
      'Checkpoint',
      tmp ?? final ?? dir,
      e,
      `Nothing was published: the checkpoints already in ${dir} are kept and any partial folder was removed.`,
    );
  }
  // Earlier writes of the same iteration are superseded by this complete one.
  for (const e of await checkpointEntries(dir)) {
    if (e.iteration === iteration && join(dir, e.name) !== final) await removeFolder(dir, e.name).catch(() => undefined);
  }
  return final;
}

let warnedWriteOrder = false;

/**
 * Writes a checkpoint into `dir/ckpt-<iteration>`: both models in the tfjs
 * layers format, both optimizers' state, the regularizers' state and
 * trainer.json (the run's state plus the sha256 of every other file, and of
 * itself). Everything is written (and fsynced) in a temporary `.tmp-*`
 * folder and published by one rename, so an interrupted write never leaves
 * a checkpoint that looks complete. Writing an iteration that is already
 * there publishes `ckpt-<iteration>-<n>` and only then removes the older
 * copy. `.tmp-*` folders left by a writer killed before this process
 * started are removed first.
 *
 * The old order `writeCheckpoint(dir, checkpoint)` still works for one minor
 * version, with a one-time deprecation warning.
 *
 * @example
 * ```ts
 * const path = await writeCheckpoint(await trainer.checkpoint(), 'runs/b1/checkpoints');
 * ```
 * @returns the path of the written checkpoint.
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path; `CHECKPOINT_INVALID` for a malformed checkpoint;
 * `NON_FINITE_INPUT` when a weight or optimizer value is NaN or infinite (nothing is written);
 * `CHECKPOINT_WRITE` when the disk refuses the write (full, read-only, no permission), naming the path and the cause.
 */
export async function writeCheckpoint(checkpoint: TrainerCheckpoint, dir: string): Promise<string>;
/** @deprecated Pass the checkpoint first: `writeCheckpoint(checkpoint, dir)`. */
export async function writeCheckpoint(dir: string, checkpoint: TrainerCheckpoint): Promise<string>;
export async function writeCheckpoint(a: TrainerCheckpoint | string, b: string | TrainerCheckpoint): Promise<string> {
  let checkpoint = a as TrainerCheckpoint;
  let dir = b as unknown;
  if (typeof a === 'string') {
    if (!warnedWriteOrder) {
      warnedWriteOrder = true;
      console.warn('gan-hacks: writeCheckpoint(dir, checkpoint) is deprecated; call writeCheckpoint(checkpoint, dir). The old order goes in the next minor version.');
    }
    checkpoint = b as TrainerCheckpoint;
    dir = a;
  }
  assertPath('writeCheckpoint', 'dir', dir);
  checkCheckpoint('writeCheckpoint', checkpoint);
  return writeInto(checkpoint, dir, PROCESS_START);
}

function invalid(path: string, message: string, cause?: unknown): GanHacksError {
  return new GanHacksError('CHECKPOINT_INVALID', `Checkpoint ${path}: ${message}`, cause === undefined ? {} : { cause });
}

/** Reads and verifies one checkpoint folder; every file is read once and checked against its hash. */
async function readCheckpointFolder(path: string): Promise<TrainerCheckpoint> {
  const where = `Checkpoint ${path}`;
  if (!(await exists(join(path, STATE_FILE)))) {
    throw invalid(path, `has no ${STATE_FILE}: it is incomplete (a write that never finished, or a partial copy).`);
  }
  const statePath = await insideFolder(path, path, STATE_FILE, where);
  let raw: Buffer;
  try {
    raw = await readFile(statePath);
  } catch (cause) {
    throw invalid(path, `cannot read ${STATE_FILE}: ${(cause as Error).message}`, cause);
  }
  const head = raw.subarray(0, HASH_PREFIX_LENGTH).toString('latin1');
  const m = /^\{"sha256":"([0-9a-f]{64})",$/.exec(head);
  if (!m) {
    throw invalid(path, `${STATE_FILE} does not start with its sha256: it is damaged, or was written by a gan-hacks without checkpoint hashes (those folders are not read; resume them with that version and save again).`);
  }
  const body = raw.subarray(HASH_PREFIX_LENGTH);
  if (sha256(body) !== m[1]) throw invalid(path, `${STATE_FILE} does not match its sha256: the file is damaged.`);
  let stateFile: StateFile;
  try {
    stateFile = JSON.parse(`{${body.toString('utf8')}`);
  } catch (cause) {
    throw invalid(path, `${STATE_FILE} is not valid JSON.`, cause);
  }
  checkState(stateFile?.state);
  const files = stateFile.files;
  if (!files || typeof files !== 'object' || Object.values(files).some((h) => typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h))) {
    throw invalid(path, `${STATE_FILE} lacks the sha256 of its files.`);
  }
  const read: FileReader = async (name) => {
    const full = await insideFolder(path, path, name, where);
    const expected = Object.prototype.hasOwnProperty.call(files, name) ? files[name] : undefined;
    if (expected === undefined) throw invalid(path, `${name} is not listed in ${STATE_FILE}'s hashes; refusing to read an unverified file.`);
    let bytes: Buffer;
    try {
      bytes = await readFile(full);
    } catch (cause) {
      throw invalid(path, `cannot read ${name}: ${(cause as Error).message}`, cause);
    }
    if (sha256(bytes) !== expected) throw invalid(path, `${name} does not match its sha256 in ${STATE_FILE}: the file is damaged.`);
    return bytes;
  };
  const binary = async (entry: { specs: EncodedWeights['specs']; file: string } | undefined, what: string): Promise<EncodedWeights> => {
    if (!entry || !Array.isArray(entry.specs)) throw invalid(path, `${STATE_FILE} lacks the ${what} specs.`);
    const bytes = await read(entry.file);
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    checkEncoded(`${what} (${entry.file})`, entry.specs, data);
    return { specs: entry.specs, data };
  };
  const checkpoint: TrainerCheckpoint = {
    generator: await readModelFiles(read, 'generator/', where),
    discriminator: await readModelFiles(read, 'discriminator/', where),
    optimizers: {
      generator: await binary(stateFile.optimizers?.generator, 'generator optimizer'),
      discriminator: await binary(stateFile.optimizers?.discriminator, 'discriminator optimizer'),
    },
    ...(stateFile.regularizers ? { regularizers: await binary(stateFile.regularizers, 'regularizer state') } : {}),
    state: stateFile.state,
  };
  for (const what of ['generator', 'discriminator'] as const) {
    checkEncoded(`${what} (${what}/weights)`, checkpoint[what].weightSpecs, weightBuffer(checkpoint[what].weightData));
  }
  const bad = nonFinitePart(checkpoint);
  if (bad) throw invalid(path, `the ${bad.part} holds NaN or infinite values (weight "${bad.weight}"); a run cannot resume from it.`);
  return checkpoint;
}

/**
 * Options of {@link loadCheckpoint} and {@link checkpointFolder}.
 *
 * @example
 * ```ts
 * const strict = await loadCheckpoint('runs/b1/checkpoints', { fallback: false });
 * ```
 */
export interface LoadCheckpointOptions {
  /**
   * When a folder of checkpoints is given and its newest complete checkpoint
   * is damaged (a hash mismatch, an escaping path, NaN weights), read the
   * previous one instead, with a `console.warn` naming the skipped folder and
   * why. `false` refuses instead. A checkpoint named explicitly is always
   * refused when damaged.
   * @defaultValue true
   */
  fallback?: boolean;
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint} or the
 * {@link Checkpoint} hook, verifying every file against the sha256 recorded
 * in trainer.json (and trainer.json against its own). Every file name read
 * from trainer.json or a model.json must resolve inside the checkpoint's own
 * folder (no absolute path, no `..`, no symbolic link leading out). Weights or
 * optimizer state holding NaN or ±Infinity are refused.
 *
 * `path` may be one checkpoint (`…/ckpt-00000450`): it is read, or refused
 * when incomplete or damaged. Otherwise `path` is a folder of checkpoints and
 * the latest complete one is read: `ckpt-*` folders without trainer.json
 * (never published by this writer) are passed over, and a damaged newest one
 * falls back to the previous one (see {@link LoadCheckpointOptions.fallback}).
 * Folders written before the hashes existed are refused.
 *
 * @example
 * ```ts
 * await trainer.resume(await loadCheckpoint('runs/b1/checkpoints'));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path; `CHECKPOINT_INVALID` when no complete, intact checkpoint is found, naming the damaged file.
 */
export async function loadCheckpoint(path: string, options?: LoadCheckpointOptions): Promise<TrainerCheckpoint> {
  assertPath('loadCheckpoint', 'path', path);
  const fallback = optionsObject('loadCheckpoint', options).fallback ?? true;
  if ((await exists(join(path, STATE_FILE))) || parseName(basename(path))) return readCheckpointFolder(path);
  const all = await listCheckpoints(path);
  if (all.length === 0) {
    throw new GanHacksError('CHECKPOINT_INVALID', `loadCheckpoint: no complete checkpoint in ${path} (${(await exists(path)) ? 'no ckpt-* folder holds a trainer.json' : 'the folder does not exist'}).`);
  }
  let first: unknown;
  for (let i = all.length - 1; i >= 0; i--) {
    try {
      const checkpoint = await readCheckpointFolder(all[i]);
      if (first !== undefined) console.warn(`gan-hacks: loadCheckpoint read ${all[i]}: the newer checkpoint(s) in ${path} are damaged (${(first as Error).message})`);
      return checkpoint;
    } catch (e) {
      if (!(e instanceof GanHacksError) || e.code !== 'CHECKPOINT_INVALID' || !fallback) throw e;
      first ??= e;
    }
  }
  throw first;
}

/**
 * A {@link CheckpointSource} reading the latest complete checkpoint of a
 * folder when the Trainer asks for it.
 *
 * @example
 * ```ts
 * await trainer.resume(checkpointFolder('runs/b1/checkpoints'));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path (at once); `load()` throws as {@link loadCheckpoint}.
 */
export function checkpointFolder(dir: string, options?: LoadCheckpointOptions): CheckpointSource {
  assertPath('checkpointFolder', 'dir', dir);
  const opts = { ...optionsObject('checkpointFolder', options) };
  return { load: () => loadCheckpoint(dir, opts) };
}

/**
 * Options of {@link Checkpoint}.
 *
 * @example
 * ```ts
 * const options: CheckpointOptions = { dir: 'runs/b1/checkpoints', every: 50, keep: 3 };
 * ```
 */
export interface CheckpointOptions {
  /** Folder that receives `ckpt-<iteration>` subfolders. One writer per folder. */
  dir: string;
  /** Save every this many iterations. @defaultValue at each epoch end */
  every?: number;
  /** Keep this many most recent checkpoints. @defaultValue 3 */
  keep?: number;
}

function timestamp(): string {
  return new Date().toISOString().replace(/:/g, '-');
}

/**
 * Saves the generator, the discriminator, both optimizers and the run's
 * state every N iterations (or each epoch) and at the end, keeping the last
 * few (see {@link writeCheckpoint} for the folder format and its guarantees).
 * It is also the run's {@link CheckpointSource}: `trainer.resume(hook)`
 * reads the latest complete checkpoint of its folder.
 *
 * Rules it keeps:
 * - One writer per folder: the hook removes every `.tmp-*` entry (left by a
 *   killed run) before it writes.
 * - Never a non-finite checkpoint: before writing, every weight of both
 *   models and both optimizers' state is checked; if one is NaN or infinite
 *   the write is skipped, its iteration recorded in {@link Checkpoint.skipped},
 *   and a `console.warn` (once per run) names the model. The latest
 *   checkpoint stays the last finite one, whatever the hook order.
 * - One lineage per folder: when training begins (or a checkpoint is
 *   written) at iteration i and the folder holds checkpoints of iterations
 *   after i (an older checkpoint was resumed, or a fresh run started in a
 *   used folder), those are moved, by rename, into
 *   `dir/abandoned-<ISO time>/` with a `console.warn`; nothing is deleted,
 *   and `loadCheckpoint(dir)` never picks them again.
 * - Old checkpoints are pruned (beyond `keep`) only after the new one is
 *   complete, and by a rename first, so a kill mid-removal leaves only a
 *   `.tmp-*` folder.
 * - A full or read-only disk stops the run with `CHECKPOINT_WRITE`; the
 *   checkpoints already written are kept.
 *
 * @example
 * ```ts
 * const checkpoints = new Checkpoint({ dir: 'runs/b1/checkpoints', every: 50 });
 * const trainer = new Trainer({ ..., hooks: [checkpoints] });
 * // later, in a new process (the hook, or checkpointFolder('runs/b1/checkpoints'), reads the latest complete one):
 * await trainer.resume(checkpoints);
 * await trainer.fit(images, { batchSize: 128, iterations: 450 });
 * ```
 */
export class Checkpoint implements Hook, CheckpointSource {
  readonly name = 'Checkpoint';
  private readonly keep: number;
  private readonly dir: string;
  private readonly every: number | undefined;
  private lastIteration: number | undefined;
  /** Paths written, oldest first. */
  readonly written: string[] = [];
  private readonly finite: FiniteCheckpoints;
  /** `abandoned-*` folders this hook moved newer checkpoints into. */
  readonly abandoned: string[] = [];

  constructor(options: CheckpointOptions) {
    this.finite = new FiniteCheckpoints(
      (iteration, bad) =>
        `gan-hacks: Checkpoint did not write iteration ${iteration}: the ${bad.part} holds NaN or infinite values (weight "${bad.weight}"); the latest checkpoint in ${this.dir} stays the last finite one. Further skips in this run are recorded in checkpoint.skipped without a warning.`,
    );
    const o = optionsObject('Checkpoint', options);
    assertPath('Checkpoint', 'dir', o.dir);
    this.dir = o.dir;
    this.keep = o.keep ?? 3;
    assertPositiveInteger('Checkpoint: keep', this.keep);
    if (o.every !== undefined) assertPositiveInteger('Checkpoint: every', o.every);
    this.every = o.every;
  }

  /** Iterations whose checkpoint was not written because a weight or optimizer value was not finite. */
  get skipped(): number[] {
    return this.finite.skipped;
  }

  /** The latest complete checkpoint of the hook's folder (as {@link loadCheckpoint}). */
  load(): Promise<TrainerCheckpoint> {
    return loadCheckpoint(this.dir);
  }

  /** Moves checkpoints of iterations after `iteration` into a fresh `abandoned-*` folder. */
  private async setAside(iteration: number): Promise<void> {
    const newer = (await checkpointEntries(this.dir)).filter((e) => e.iteration > iteration);
    if (newer.length === 0) return;
    const target = join(this.dir, `${ABANDONED}${timestamp()}`);
    try {
      await mkdir(target, { recursive: true });
      for (const e of newer.reverse()) await rename(join(this.dir, e.name), join(target, e.name));
    } catch (e) {
      throw await writeError('Checkpoint', target, e, `Checkpoints newer than iteration ${iteration} could not be set aside; nothing was written.`);
    }
    this.abandoned.push(target);
    console.warn(
      `gan-hacks: Checkpoint moved ${newer.map((e) => e.name).join(', ')} (newer than iteration ${iteration}, from an abandoned run) into ${target}; this run continues from iteration ${iteration}.`,
    );
  }

  /**
   * Writes a checkpoint of the run now (unless a value is not finite) and
   * prunes old ones.
   * @returns the path written, or `undefined` when the write was skipped.
   */
  async save(state: TrainState): Promise<string | undefined> {
    const iteration = state.iteration;
    this.lastIteration = iteration;
    const checkpoint = await this.finite.capture(state);
    if (!checkpoint) return undefined;
    checkCheckpoint('Checkpoint', checkpoint, false);
    await this.setAside(iteration);
    const path = await writeInto(checkpoint, this.dir, Number.POSITIVE_INFINITY);
    this.written.push(path);
    const all = await checkpointEntries(this.dir);
    const complete: string[] = [];
    for (const e of all) if (await exists(join(this.dir, e.name, STATE_FILE))) complete.push(e.name);
    for (const old of complete.slice(0, Math.max(0, complete.length - this.keep))) await removeFolder(this.dir, old).catch(() => undefined);
    return path;
  }

  async onTrainBegin(state: TrainState): Promise<void> {
    this.finite.newRun();
    this.lastIteration = undefined;
    await this.setAside(state.iteration);
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
