import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GanHacksError } from '../errors/index.js';
import type { EncodedWeights, TrainerCheckpoint, TrainerStateJSON } from '../train/checkpoint.js';
import { checkState } from '../train/checkpoint.js';
import type { Hook, TrainState } from '../train/hooks.js';
import { assertPositiveInteger } from '../internal/validate.js';
import { readModelArtifacts, writeModelArtifacts } from './modelIO.js';
import { writeFileAtomic } from './files.js';

const PREFIX = 'ckpt-';
const STATE_FILE = 'trainer.json';

interface StateFile {
  state: TrainerStateJSON;
  optimizers: { generator: { specs: EncodedWeights['specs']; file: string }; discriminator: { specs: EncodedWeights['specs']; file: string } };
  regularizers?: { specs: EncodedWeights['specs']; file: string };
}

function checkpointName(iteration: number): string {
  return `${PREFIX}${String(iteration).padStart(8, '0')}`;
}

/**
 * Writes a checkpoint into `dir/ckpt-<iteration>`: both models in the tfjs
 * layers format, optimizer state and trainer state. Everything is written to
 * a temporary directory first and renamed into place, so an interrupted
 * write never leaves a checkpoint that looks complete, and an existing
 * checkpoint is only replaced once its successor is whole.
 *
 * @returns the path of the written checkpoint.
 */
export async function writeCheckpoint(dir: string, checkpoint: TrainerCheckpoint): Promise<string> {
  checkState(checkpoint.state);
  await mkdir(dir, { recursive: true });
  const final = join(dir, checkpointName(checkpoint.state.iteration));
  const tmp = join(dir, `.tmp-${checkpointName(checkpoint.state.iteration)}-${randomBytes(4).toString('hex')}`);
  try {
    await writeModelArtifacts(join(tmp, 'generator'), checkpoint.generator);
    await writeModelArtifacts(join(tmp, 'discriminator'), checkpoint.discriminator);
    await writeFileAtomic(join(tmp, 'optimizer-generator.bin'), new Uint8Array(checkpoint.optimizers.generator.data));
    await writeFileAtomic(join(tmp, 'optimizer-discriminator.bin'), new Uint8Array(checkpoint.optimizers.discriminator.data));
    if (checkpoint.regularizers) await writeFileAtomic(join(tmp, 'regularizers.bin'), new Uint8Array(checkpoint.regularizers.data));
    const stateFile: StateFile = {
      state: checkpoint.state,
      optimizers: {
        generator: { specs: checkpoint.optimizers.generator.specs, file: 'optimizer-generator.bin' },
        discriminator: { specs: checkpoint.optimizers.discriminator.specs, file: 'optimizer-discriminator.bin' },
      },
      ...(checkpoint.regularizers ? { regularizers: { specs: checkpoint.regularizers.specs, file: 'regularizers.bin' } } : {}),
    };
    // The state file goes last: its presence marks the checkpoint complete.
    await writeFileAtomic(join(tmp, STATE_FILE), JSON.stringify(stateFile, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
    const exists = await stat(final).then(
      () => true,
      () => false,
    );
    if (exists) {
      const old = `${tmp}-old`;
      await rename(final, old);
      await rename(tmp, final);
      await rm(old, { recursive: true, force: true });
    } else await rename(tmp, final);
    return final;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Complete checkpoints in `dir`, oldest first. */
export async function listCheckpoints(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => e.startsWith(PREFIX)).sort().map((e) => join(dir, e));
}

async function readArrayBuffer(path: string): Promise<ArrayBuffer> {
  try {
    const b = await readFile(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Reads a checkpoint: `dir` may be one checkpoint (`…/ckpt-00000450`) or a
 * folder of them, in which case the latest complete one is read.
 *
 * @example
 * ```ts
 * await trainer.resume(await loadCheckpoint('runs/b1/checkpoints'));
 * ```
 * @throws GanHacksError `CHECKPOINT_INVALID` when no complete checkpoint is found or a file is damaged.
 */
export async function loadCheckpoint(dir: string): Promise<TrainerCheckpoint> {
  let path = dir;
  const direct = await stat(join(dir, STATE_FILE)).then(
    () => true,
    () => false,
  );
  if (!direct) {
    const all = await listCheckpoints(dir);
    if (all.length === 0) throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: no complete checkpoint in ${dir}.`);
    path = all[all.length - 1];
  }
  let stateFile: StateFile;
  try {
    stateFile = JSON.parse(await readFile(join(path, STATE_FILE), 'utf8'));
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: ${join(path, STATE_FILE)} is missing or not valid JSON.`, { cause });
  }
  checkState(stateFile?.state);
  if (!stateFile.optimizers?.generator?.specs || !stateFile.optimizers?.discriminator?.specs) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: ${join(path, STATE_FILE)} lacks the optimizer specs.`);
  }
  return {
    generator: await readModelArtifacts(join(path, 'generator')),
    discriminator: await readModelArtifacts(join(path, 'discriminator')),
    optimizers: {
      generator: { specs: stateFile.optimizers.generator.specs, data: await readArrayBuffer(join(path, stateFile.optimizers.generator.file)) },
      discriminator: { specs: stateFile.optimizers.discriminator.specs, data: await readArrayBuffer(join(path, stateFile.optimizers.discriminator.file)) },
    },
    ...(stateFile.regularizers
      ? { regularizers: { specs: stateFile.regularizers.specs, data: await readArrayBuffer(join(path, stateFile.regularizers.file)) } }
      : {}),
    state: stateFile.state,
  };
}

/** Options of {@link Checkpoint}. */
export interface CheckpointOptions {
  /** Folder that receives `ckpt-<iteration>` subfolders. */
  dir: string;
  /** Save every this many iterations. @defaultValue at each epoch end */
  every?: number;
  /** Keep this many most recent checkpoints. @defaultValue 3 */
  keep?: number;
}

/**
 * Saves the generator, the discriminator, both optimizers and the run's
 * state every N iterations (or each epoch) and at the end, keeping the last
 * few. Resume with `trainer.resume(dir)`.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ ..., hooks: [new Checkpoint({ dir: 'runs/b1/checkpoints', every: 50 })] });
 * // later, in a new process:
 * await trainer.resume('runs/b1/checkpoints');
 * ```
 */
export class Checkpoint implements Hook {
  readonly name = 'Checkpoint';
  private readonly keep: number;
  /** Paths written, oldest first. */
  readonly written: string[] = [];

  constructor(private readonly options: CheckpointOptions) {
    if (!options?.dir) throw new GanHacksError('INVALID_ARGUMENT', 'Checkpoint: pass { dir }.');
    this.keep = options.keep ?? 3;
    assertPositiveInteger('Checkpoint: keep', this.keep);
    if (options.every !== undefined) assertPositiveInteger('Checkpoint: every', options.every);
  }

  /** Writes a checkpoint of the run now and prunes old ones. */
  async save(state: TrainState): Promise<string> {
    const path = await writeCheckpoint(this.options.dir, await state.checkpoint());
    this.written.push(path);
    const all = await listCheckpoints(this.options.dir);
    for (const old of all.slice(0, Math.max(0, all.length - this.keep))) await rm(old, { recursive: true, force: true });
    return path;
  }

  async onIterationEnd(state: TrainState): Promise<void> {
    if (this.options.every !== undefined && state.iteration % this.options.every === 0) await this.save(state);
  }

  async onEpochEnd(state: TrainState): Promise<void> {
    if (this.options.every === undefined) await this.save(state);
  }

  async onTrainEnd(state: TrainState): Promise<void> {
    const last = this.written[this.written.length - 1];
    if (state.iteration > 0 && !last?.endsWith(checkpointName(state.iteration))) await this.save(state);
  }
}
