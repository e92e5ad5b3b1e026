import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertInRange, assertPositiveInteger, LIMITS, optionsObject } from '../internal/validate.js';
import { createRng } from '../internal/random.js';
import type { RegularizerState } from '../regularizers/types.js';
import type { Augmentation, AugmentationContext } from './types.js';
import { checkApply } from './checks.js';

/** Options of {@link replayBuffer}. */
export interface ReplayBufferOptions {
  /** Past fakes kept, in samples (a positive integer, at most `LIMITS.samples`, 1,048,576). @defaultValue 1000 */
  size?: number;
  /** Chance that each fake of D's batch is swapped for a past one, in [0, 1]. @defaultValue 0.5 */
  probability?: number;
}

/**
 * The experience replay buffer: see {@link replayBuffer}.
 *
 * @example
 * ```ts
 * const replay = new ReplayBuffer({ size: 500 }); // same as replayBuffer(...)
 * ```
 * @throws GanHacksError as {@link replayBuffer}.
 */
export class ReplayBuffer implements Augmentation {
  readonly name = 'replayBuffer';
  /** The most past fakes kept. */
  readonly size: number;
  /** Chance that a fake of D's batch is swapped for a past one. */
  readonly probability: number;
  /**
   * The batches offered so far, oldest first, each a kept copy. The oldest may lie partly outside the
   * window (its first `skip` rows); chunks wholly outside it are freed at the start of the next call,
   * never in the call that gathered from them (that call's gradient tape may still refer to them).
   */
  private chunks: tf.Tensor[] = [];
  private skip = 0;
  private offered = 0;
  private sampleShape: number[] | undefined;

  constructor(options?: ReplayBufferOptions | null) {
    const o = optionsObject('replayBuffer', options);
    this.size = o.size ?? 1000;
    this.probability = o.probability ?? 0.5;
    assertPositiveInteger('replayBuffer: size', this.size);
    assertAtMost('replayBuffer: size', this.size, LIMITS.samples, 'The buffer holds that many images in memory.');
    assertInRange('replayBuffer: probability', this.probability, 0, 1);
  }

  /** Rows held in chunks, counting the oldest chunk's skipped rows. */
  private get rows(): number {
    return this.chunks.reduce((n, c) => n + c.shape[0], 0);
  }

  /** Past fakes in the buffer now (at most `size`): the ones a swap can draw. */
  get stored(): number {
    return Math.min(this.size, this.rows - this.skip);
  }

  /** Fakes offered to the buffer since it was made (or since the run its state came from began). */
  get added(): number {
    return this.offered;
  }

  /** Moves the window to the latest `size` rows and frees the chunks that fell out of it. */
  private trim(): void {
    this.skip = this.rows - this.stored;
    while (this.chunks.length > 0 && this.skip >= this.chunks[0].shape[0]) {
      const dropped = this.chunks.shift()!;
      this.skip -= dropped.shape[0];
      dropped.dispose();
    }
  }

  /**
   * In D's update, the fake batch with each sample swapped, with `probability`, for one drawn
   * uniformly from the buffer (drawn from `context.seed`); the incoming fakes then join the buffer.
   * The batch size is kept. Real batches, G's update, and calls before the buffer holds anything
   * (or where no sample is swapped) return `images` itself.
   * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_SHAPE` for a batch that is not a live,
   * non-empty float32 tensor, a malformed context, or fakes whose sample shape differs from the
   * buffer's (the buffer is left as it was).
   */
  apply(images: tf.Tensor, context: AugmentationContext): tf.Tensor {
    checkApply('replayBuffer', images, context);
    if (context.batch !== 'fake' || context.step !== 'discriminator' || this.probability === 0) return images;
    const shape = images.shape.slice(1);
    if (this.sampleShape && !tf.util.arraysEqual(shape, this.sampleShape)) {
      throw new GanHacksError('INVALID_SHAPE', `replayBuffer.apply: the buffer holds samples of shape [${this.sampleShape.join(', ')}], got a batch of [${images.shape.join(', ')}]; use one replayBuffer per model.`);
    }
    this.trim();
    const output = this.mix(images, context.seed);
    this.chunks.push(tf.keep(images.clone()));
    this.sampleShape = shape;
    this.offered += images.shape[0];
    return output;
  }

  /** The swaps: which rows of `images` take which buffered rows (positions in the window). */
  private mix(images: tf.Tensor, seed: number): tf.Tensor {
    const m = this.stored;
    if (m === 0) return images;
    const rng = createRng(seed);
    const n = images.shape[0];
    const picks: [number, number][] = [];
    for (let i = 0; i < n; i++) if (rng() < this.probability) picks.push([i, Math.floor(rng() * m)]);
    if (picks.length === 0) return images;
    // Rows to gather from each chunk; a window position p lies at absolute row skip + p.
    const starts: number[] = [];
    this.chunks.reduce((at, c) => (starts.push(at), at + c.shape[0]), 0);
    const wanted = this.chunks.map((): number[] => []);
    const source = new Map<number, [number, number]>();
    for (const [i, p] of picks) {
      const row = this.skip + p;
      let c = starts.length - 1;
      while (starts[c] > row) c--;
      source.set(i, [c, wanted[c].length]);
      wanted[c].push(row - starts[c]);
    }
    return tf.tidy(() => {
      // One pool, [fresh rows; rows gathered from each chunk], then one gather puts every row in its place.
      const pieces: tf.Tensor[] = [images];
      const base: number[] = [];
      let at = n;
      wanted.forEach((rows, c) => {
        base.push(at);
        if (rows.length === 0) return;
        pieces.push(tf.gather(this.chunks[c], tf.tensor1d(rows, 'int32')));
        at += rows.length;
      });
      const index = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const from = source.get(i);
        index[i] = from ? base[from[0]] + from[1] : i;
      }
      return tf.gather(tf.concat(pieces), tf.tensor1d(index, 'int32'));
    });
  }

  /** The window's fakes (one tensor, oldest first; none when empty) and the counts. */
  saveState(): RegularizerState {
    const stored = this.stored;
    const values = { stored, added: this.offered };
    if (stored === 0) return { tensors: [], values };
    const rows = this.rows;
    return { tensors: [tf.tidy(() => tf.concat(this.chunks).slice(rows - stored, stored))], values };
  }

  /**
   * Restores what `saveState` returned, taking ownership of its tensors.
   * @throws GanHacksError `CHECKPOINT_INVALID` (after disposing the given tensors) when the state is
   * malformed, or was saved by a buffer of another size.
   */
  loadState(state: RegularizerState): void {
    const tensors: unknown = state !== null && typeof state === 'object' ? state.tensors : undefined;
    const values: unknown = state !== null && typeof state === 'object' ? state.values : undefined;
    const live = Array.isArray(tensors) ? tensors.filter((t): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed) : [];
    const refuse = (why: string): never => {
      tf.dispose(live);
      throw new GanHacksError('CHECKPOINT_INVALID', `replayBuffer: ${why}`);
    };
    if (!Array.isArray(tensors) || live.length !== tensors.length || values === null || typeof values !== 'object') {
      return refuse('the checkpoint state must be { tensors: live tf.Tensor[], values: { stored, added } }.');
    }
    const { stored, added } = values as Record<string, unknown>;
    if (!Number.isInteger(stored) || !Number.isInteger(added) || (stored as number) < 0 || tensors.length !== ((stored as number) > 0 ? 1 : 0)) {
      return refuse(`the checkpoint's state (stored ${String(stored)}, added ${String(added)}, ${tensors.length} tensors) is inconsistent.`);
    }
    if (stored !== Math.min(this.size, added as number)) {
      return refuse(`the checkpoint's buffer holds ${String(stored)} of ${String(added)} fakes offered, but a buffer of size ${this.size} would hold ${Math.min(this.size, added as number)}; build the replayBuffer with the size the run was saved with.`);
    }
    const images = live[0] as tf.Tensor | undefined;
    if (images && (images.dtype !== 'float32' || images.rank < 1 || images.shape[0] !== stored)) {
      return refuse(`the checkpoint's buffer tensor has shape [${images.shape.join(', ')}] (${images.dtype}), expected ${String(stored)} float32 samples.`);
    }
    this.dispose();
    if (images) {
      this.chunks = [tf.keep(images)];
      this.sampleShape = images.shape.slice(1);
    }
    this.offered = added as number;
  }

  /** Frees the buffer's tensors and empties it. */
  dispose(): void {
    tf.dispose(this.chunks);
    this.chunks = [];
    this.skip = 0;
    this.offered = 0;
    this.sampleShape = undefined;
  }
}

/**
 * An experience replay buffer of past fakes (Shrivastava et al. 2017, "Learning
 * from Simulated and Unsupervised Images through Adversarial Training",
 * {@link https://arxiv.org/abs/1612.07828}; soumith/ganhacks tip 8, "experience
 * replay"): in D's update each sample of the fake batch is swapped, with
 * `probability`, for a sample drawn uniformly from the buffer, so D keeps
 * rejecting what G produced a while ago and G cannot win by returning to a mode
 * D has forgotten. The incoming fakes join the buffer after the swap (a batch
 * never draws itself). Real batches and G's update pass unchanged; D's fake
 * batch keeps its size.
 *
 * The buffer is first in, first out: it keeps the latest `size` fakes, so a
 * replayed sample is at most `size` / (fakes per D step) steps old. A
 * reservoir would keep a uniform sample of the whole run instead, and so half
 * of it older than half the run: late in training D would mostly see the poor
 * samples of the first iterations, which no longer tell it anything about G.
 * (Shrivastava et al. overwrite random entries, whose ages decay geometrically
 * with no bound.) FIFO also needs no random draw to update, so its content
 * depends only on the fakes offered.
 *
 * Its state (the window of past fakes and the counts) is saved in checkpoints
 * and restored on resume, so a resumed run equals the straight one bit for
 * bit; `trainer.dispose()` frees it. Memory: `size` samples, plus the latest
 * batch until the next D step trims the window.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, latentDim: 100, seed: 1,
 *   augmentations: [replayBuffer({ size: 1000, probability: 0.5 })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, a size that is not
 * a positive integer or a non-finite probability; `INVALID_RANGE` for a size above
 * `LIMITS.samples` (1,048,576) or a probability outside [0, 1].
 */
export function replayBuffer(options?: ReplayBufferOptions | null): ReplayBuffer {
  return new ReplayBuffer(options);
}
