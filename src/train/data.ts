import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { Rng } from '../internal/random.js';
import { show } from '../internal/validate.js';
import { finalActivation, showShape } from './options.js';

/** Images with one class label each, for class-conditional training. */
export interface LabelledImages {
  /** [n, h, w, c] float32, as for unconditional training. */
  images: tf.Tensor;
  /** [n] int32 class indices in [0, classes). */
  labels: tf.Tensor1D;
}

/**
 * Real data for `Trainer.fit`: one tensor of all images, a tf.data.Dataset of batches, or any (async)
 * iterable of batches; for a class-conditional run, `{ images, labels }` in memory.
 */
export type TrainingData = tf.Tensor | LabelledImages | tf.data.Dataset<tf.Tensor> | AsyncIterable<tf.Tensor> | Iterable<tf.Tensor>;

/** A batch of real samples, with their labels in a class-conditional run. */
export interface RealBatch {
  images: tf.Tensor;
  labels?: tf.Tensor1D;
}

/** Where the tensor source stands, so a resumed run draws the same batches. */
export interface DataCursor {
  /** Shuffled order of the current pass. */
  order: number[];
  /** Next position in `order`. */
  position: number;
}

/** Hands out real batches. */
export interface BatchSource {
  /** Samples per pass, when known. */
  readonly size: number | undefined;
  /** The next real batch of `n` samples (new tensors owned by the caller). */
  next(n: number): Promise<RealBatch>;
  cursor(): DataCursor | undefined;
  restore(cursor: DataCursor): void;
}

/** Shuffled passes over one in-memory tensor: batches without replacement, reshuffled each pass. */
export class TensorBatchSource implements BatchSource {
  private order: number[] = [];
  private position = 0;

  constructor(
    private readonly images: tf.Tensor,
    private readonly rng: Rng,
    private readonly labels?: tf.Tensor1D,
  ) {}

  get size(): number {
    return this.images.shape[0];
  }

  private shuffle(): void {
    const n = this.size;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    this.order = order;
    this.position = 0;
  }

  async next(n: number): Promise<RealBatch> {
    const picked: number[] = [];
    while (picked.length < n) {
      if (this.position >= this.order.length) this.shuffle();
      const take = Math.min(n - picked.length, this.order.length - this.position);
      picked.push(...this.order.slice(this.position, this.position + take));
      this.position += take;
    }
    return tf.tidy(() => {
      const indices = tf.tensor1d(picked, 'int32');
      return { images: tf.gather(this.images, indices), ...(this.labels ? { labels: tf.gather(this.labels, indices) } : {}) };
    });
  }

  cursor(): DataCursor {
    return { order: [...this.order], position: this.position };
  }

  restore(cursor: DataCursor): void {
    // A cursor from other data (another size) cannot be continued: start a fresh pass.
    if (cursor.order.length !== this.size || !(cursor.position <= cursor.order.length)) return;
    this.order = [...cursor.order];
    this.position = cursor.position;
  }
}

/** Batches from an iterator; each element must hold at least the requested number of samples. */
export class IterableBatchSource implements BatchSource {
  readonly size = undefined;
  private iterator: AsyncIterator<tf.Tensor> | Iterator<tf.Tensor> | undefined;

  constructor(
    private readonly data: tf.data.Dataset<tf.Tensor> | AsyncIterable<tf.Tensor> | Iterable<tf.Tensor>,
    private readonly sampleShape: readonly number[],
  ) {}

  private async open(): Promise<AsyncIterator<tf.Tensor> | Iterator<tf.Tensor>> {
    const d = this.data as unknown as Record<string | symbol, unknown>;
    if (this.data instanceof tf.data.Dataset) {
      const it = await this.data.iterator();
      return { next: () => it.next() } as AsyncIterator<tf.Tensor>;
    }
    if (typeof d[Symbol.asyncIterator] === 'function') return (this.data as AsyncIterable<tf.Tensor>)[Symbol.asyncIterator]();
    return (this.data as Iterable<tf.Tensor>)[Symbol.iterator]();
  }

  async next(n: number): Promise<RealBatch> {
    this.iterator ??= await this.open();
    let result = await this.iterator.next();
    if (result.done) {
      // A new pass: reopen (a Dataset or a re-iterable collection starts over).
      this.iterator = await this.open();
      result = await this.iterator.next();
      if (result.done) throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: the data source yielded no batch.');
    }
    const batch = result.value;
    if (!(batch instanceof tf.Tensor)) {
      throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: each element of the data source must be a tf.Tensor batch of images.');
    }
    if (!tf.util.arraysEqual(batch.shape.slice(1), this.sampleShape as number[])) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `Trainer.fit: a batch from the data source has shape ${showShape(batch.shape)} but the discriminator takes ${showShape([null, ...this.sampleShape])}.`,
      );
    }
    if (batch.shape[0] < n) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `Trainer.fit: a batch from the data source has ${batch.shape[0]} samples, but a discriminator step needs ${n}; batch your dataset with at least batchSize / 2 samples.`,
      );
    }
    const out = batch.shape[0] === n ? batch.clone() : batch.slice(0, n);
    // Dataset elements are ours to free; tensors of a user's iterable stay the user's.
    if (this.data instanceof tf.data.Dataset) batch.dispose();
    return { images: out };
  }

  cursor(): undefined {
    return undefined;
  }

  restore(): void {
    // Iterables cannot be rewound; a resumed run starts a new pass.
  }
}

let warnedUnitRange = false;

/**
 * Checks an in-memory image tensor before training on it (one read of its
 * range, once per fit): it must be non-empty, of the discriminator's sample
 * shape, finite, and in [-1, 1] when the generator ends in tanh. Images in
 * [0, 1] for a tanh generator are legal but almost always a mistake: warned once.
 */
export async function checkImageTensor(data: tf.Tensor, generator: tf.LayersModel, sampleShape: readonly number[]): Promise<void> {
  if (data.isDisposed) throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: the image tensor was already disposed.');
  if (!tf.util.arraysEqual(data.shape.slice(1), sampleShape as number[])) {
    throw new GanHacksError('INVALID_SHAPE', `Trainer.fit: images have shape ${showShape(data.shape)} but the discriminator takes ${showShape([null, ...sampleShape])}.`);
  }
  if (data.shape[0] === 0) throw new GanHacksError('INVALID_SHAPE', `Trainer.fit: the image tensor ${showShape(data.shape)} holds no sample.`);
  if (data.dtype !== 'float32') {
    throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: images must be float32, got ${data.dtype}; scale them with scaleImages().`);
  }
  const stats = tf.tidy(() => tf.stack([tf.logicalNot(tf.isFinite(data)).any().toFloat(), data.min(), data.max()]));
  const [nonFinite, min, max] = await stats.data();
  stats.dispose();
  if (nonFinite) {
    throw new GanHacksError('INVALID_RANGE', 'Trainer.fit: the images contain NaN or infinite values; clean the data pipeline (e.g. a division by zero while scaling).');
  }
  if (finalActivation(generator) !== 'tanh') return;
  if (min < -1 - 1e-3 || max > 1 + 1e-3) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `Trainer.fit: the generator ends in tanh (outputs in [-1, 1]) but the images range from ${min} to ${max}; scale them with scaleImages() (or loadMnist's default range 'tanh').`,
    );
  }
  if (min >= 0 && !warnedUnitRange) {
    warnedUnitRange = true;
    console.warn(
      `gan-hacks: Trainer.fit: the images range from ${min} to ${max} but the generator ends in tanh (outputs in [-1, 1]); the discriminator can tell real from fake by the sign alone. Map them to [-1, 1] (images.mul(2).sub(1), or scaleImages() on 0-255 pixels) unless that is intended.`,
    );
  }
}

function isLabelled(data: unknown): data is LabelledImages {
  return data !== null && typeof data === 'object' && !(data instanceof tf.Tensor) && 'images' in data && 'labels' in data;
}

/** Checks class labels against their images and the class count (one read of their range). */
async function checkLabels(labels: unknown, n: number, classes: number): Promise<void> {
  if (!(labels instanceof tf.Tensor) || labels.isDisposed) throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: labels must be a live tf.Tensor1D of class indices, got ${show(labels)}.`);
  if (labels.rank !== 1 || labels.shape[0] !== n) {
    throw new GanHacksError('INVALID_SHAPE', `Trainer.fit: labels must have shape [${n}] (one per image), got ${showShape(labels.shape)}.`);
  }
  if (labels.dtype !== 'int32') throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: labels must be int32 class indices, got ${labels.dtype}; use tf.tensor1d(values, 'int32').`);
  const range = tf.tidy(() => tf.stack([labels.min(), labels.max()]));
  const [min, max] = await range.data();
  range.dispose();
  if (min < 0 || max >= classes) throw new GanHacksError('INVALID_RANGE', `Trainer.fit: labels range from ${min} to ${max}, but the run has classes ${classes} (indices 0 to ${classes - 1}).`);
}

/**
 * The batch source for `fit`'s data, after checking it (an image tensor is read once for its range,
 * labels once for theirs). `classes` is the run's class count in a class-conditional run.
 */
export async function createBatchSource(data: TrainingData, generator: tf.LayersModel, sampleShape: readonly number[], rng: Rng, classes?: number): Promise<BatchSource> {
  if (classes !== undefined) {
    if (!isLabelled(data)) {
      throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: a class-conditional run trains on { images, labels } (labels int32 [n] in [0, ${classes})), got ${show(data)}.`);
    }
    if (!(data.images instanceof tf.Tensor)) throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: images must be a tf.Tensor, got ${show(data.images)}.`);
    await checkImageTensor(data.images, generator, sampleShape);
    await checkLabels(data.labels, data.images.shape[0], classes);
    return new TensorBatchSource(data.images, rng, data.labels);
  }
  if (isLabelled(data)) {
    throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: labelled data is for class-conditional runs; set classes in the Trainer options (and build conditional models), or pass the images alone.');
  }
  if (data instanceof tf.Tensor) {
    await checkImageTensor(data, generator, sampleShape);
    return new TensorBatchSource(data, rng);
  }
  if (data instanceof tf.data.Dataset || (data !== null && typeof data === 'object' && (Symbol.asyncIterator in data || Symbol.iterator in data))) {
    return new IterableBatchSource(data, sampleShape);
  }
  throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: data must be a tensor of images, a tf.data.Dataset or an (async) iterable of image batches, got ${show(data)}.`);
}
