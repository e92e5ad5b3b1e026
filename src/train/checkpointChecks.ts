import type * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { checkEncoded, checkState, type TrainerCheckpoint } from './checkpoint.js';

// Checks shared by every checkpoint store (gan-hacks/node's folders, gan-hacks/browser's IndexedDB):
// host-side reads of encoded bytes only, no file system and no device read. Not exported from an entry.

/** One buffer of a model's weight data (tfjs may hand a list of buffers). */
export function weightBuffer(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** Name of the first float32 weight holding NaN or ±Infinity, if any (unreadable layouts are left to the size checks). */
function firstNonFinite(specs: tf.io.WeightsManifestEntry[] | undefined, data: ArrayBuffer | undefined): string | undefined {
  if (!Array.isArray(specs) || !(data instanceof ArrayBuffer)) return undefined;
  let offset = 0;
  for (const s of specs) {
    if (s.quantization || !Array.isArray(s.shape)) return undefined;
    const n = s.shape.reduce((a, b) => a * b, 1);
    const size = s.dtype === 'float32' || s.dtype === 'int32' ? 4 : s.dtype === 'bool' ? 1 : NaN;
    if (!Number.isFinite(size) || offset + n * size > data.byteLength) return undefined;
    if (s.dtype === 'float32') {
      const values = offset % 4 === 0 ? new Float32Array(data, offset, n) : new Float32Array(data.slice(offset, offset + 4 * n));
      for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) return s.name;
    }
    offset += n * size;
  }
  return undefined;
}

/** Which part of a checkpoint holds a non-finite number, and the weight's name. */
export function nonFinitePart(checkpoint: TrainerCheckpoint): { part: string; weight: string } | undefined {
  const parts: [string, tf.io.WeightsManifestEntry[] | undefined, ArrayBuffer | undefined][] = [
    ['generator', checkpoint.generator?.weightSpecs, weightBuffer(checkpoint.generator?.weightData)],
    ['discriminator', checkpoint.discriminator?.weightSpecs, weightBuffer(checkpoint.discriminator?.weightData)],
    ["generator's optimizer state", checkpoint.optimizers?.generator?.specs, checkpoint.optimizers?.generator?.data],
    ["discriminator's optimizer state", checkpoint.optimizers?.discriminator?.specs, checkpoint.optimizers?.discriminator?.data],
    ['regularizer state', checkpoint.regularizers?.specs, checkpoint.regularizers?.data],
  ];
  for (const [part, specs, data] of parts) {
    const weight = firstNonFinite(specs, data);
    if (weight !== undefined) return { part, weight };
  }
  return undefined;
}

/**
 * Validates a whole checkpoint before it is written: its state, both models' artifacts, the
 * encoded optimizer and regularizer state, and (unless `finite` is false) that no value is NaN or infinite.
 */
export function checkCheckpoint(where: string, checkpoint: TrainerCheckpoint, finite = true): void {
  if (!checkpoint || typeof checkpoint !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: checkpoint must be what trainer.checkpoint() returns, got ${checkpoint === null ? 'null' : typeof checkpoint}.`);
  }
  checkState(checkpoint.state);
  const bad = finite ? nonFinitePart(checkpoint) : undefined;
  if (bad) {
    throw new GanHacksError(
      'NON_FINITE_INPUT',
      `${where}: the ${bad.part} holds NaN or infinite values (weight "${bad.weight}"); a checkpoint must be resumable, so it is not written. Register NaNGuard to stop the run at the first non-finite loss.`,
    );
  }
  for (const [what, artifacts] of [
    ['generator', checkpoint.generator],
    ['discriminator', checkpoint.discriminator],
  ] as const) {
    if (!artifacts || typeof artifacts.modelTopology !== 'object' || artifacts.modelTopology === null) {
      throw new GanHacksError('CHECKPOINT_INVALID', `${where}: the checkpoint's ${what} has no model topology.`);
    }
    checkEncoded(what, artifacts.weightSpecs, weightBuffer(artifacts.weightData));
  }
  checkEncoded('generator optimizer', checkpoint.optimizers?.generator?.specs, checkpoint.optimizers?.generator?.data);
  checkEncoded('discriminator optimizer', checkpoint.optimizers?.discriminator?.specs, checkpoint.optimizers?.discriminator?.data);
  if (checkpoint.regularizers) checkEncoded('regularizer state', checkpoint.regularizers.specs, checkpoint.regularizers.data);
}

/** What {@link FiniteCheckpoints} names in its warning. */
export type NonFinitePart = { part: string; weight: string };

/**
 * Captures a run's checkpoints for a checkpoint hook, skipping those that hold a NaN or infinite
 * value: the skip is recorded in `skipped`, and the first one of each run is warned about. Shared by
 * gan-hacks/node's `Checkpoint` and gan-hacks/browser's `BrowserCheckpoint`.
 */
export class FiniteCheckpoints {
  /** Iterations not written because a weight or optimizer value was not finite. */
  readonly skipped: number[] = [];
  private warned = false;

  constructor(private readonly warning: (iteration: number, bad: NonFinitePart) => string) {}

  /** A new run begins: its first skip is warned about again. */
  newRun(): void {
    this.warned = false;
  }

  /** The run's checkpoint now, or `undefined` (the iteration recorded in `skipped`) when a value is not finite. */
  async capture(state: { readonly iteration: number; checkpoint(): Promise<TrainerCheckpoint> }): Promise<TrainerCheckpoint | undefined> {
    const checkpoint = await state.checkpoint();
    const bad = nonFinitePart(checkpoint);
    if (!bad) return checkpoint;
    this.skipped.push(state.iteration);
    if (!this.warned) {
      this.warned = true;
      console.warn(this.warning(state.iteration, bad));
    }
    return undefined;
  }
}
