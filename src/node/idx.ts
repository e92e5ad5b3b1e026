import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { GanHacksError } from '../errors/index.js';
import type { ImageDataset, ImageRange } from '../data/mnist.js';
import { assertOneOf, assertPositiveInteger } from '../internal/validate.js';

/** Options of {@link loadIdx}. */
export interface LoadIdxOptions {
  /** Value range of the images. @defaultValue 'tanh' ([-1, 1]) */
  range?: ImageRange;
  /** Keep only the first `limit` images. */
  limit?: number;
}

/** An IDX file: its dimensions and unsigned bytes. */
interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

async function readIdx(path: string, expectedRank: number): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(bytes));
    } catch (cause) {
      throw new GanHacksError('FILE_FORMAT', `loadIdx: ${path} looks gzipped but does not decompress; the file is damaged.`, { cause });
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: ${path} is not an IDX file (bad magic number).`);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== 0x08) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: ${path} holds IDX type 0x${type.toString(16)}; only unsigned bytes (0x08, as in MNIST and Fashion-MNIST) are supported.`);
  }
  if (rank !== expectedRank) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: ${path} has ${rank} dimensions, expected ${expectedRank} (${expectedRank === 3 ? 'images' : 'labels'}).`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - offset !== size) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: ${path} declares ${size} values but holds ${bytes.length - offset}; the file is truncated or damaged.`);
  }
  return { dims, data: bytes.subarray(offset) };
}

/**
 * Loads MNIST-format IDX files (MNIST, Fashion-MNIST, KMNIST…), plain or
 * gzipped, as a tensor of images [n, h, w, 1] and optional labels.
 *
 * @example
 * ```ts
 * const { images, labels } = await loadIdx(
 *   '/usr/share/fashion-mnist/train-images-idx3-ubyte.gz',
 *   '/usr/share/fashion-mnist/train-labels-idx1-ubyte.gz',
 * ); // [60000, 28, 28, 1] in [-1, 1]
 * ```
 * @throws GanHacksError `FILE_FORMAT` for unreadable, truncated or non-IDX files, or
 * label counts that do not match the images.
 */
export async function loadIdx(imagesPath: string, labelsPath?: string, options: LoadIdxOptions = {}): Promise<ImageDataset> {
  const range = options.range ?? 'tanh';
  assertOneOf('loadIdx: range', range, ['tanh', 'unit', 'uint8'] as const);
  if (options.limit !== undefined) assertPositiveInteger('loadIdx: limit', options.limit);
  const images = await readIdx(imagesPath, 3);
  const labels = labelsPath === undefined ? undefined : await readIdx(labelsPath, 1);
  const [count, h, w] = images.dims;
  if (labels && labels.dims[0] !== count) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: ${count} images but ${labels.dims[0]} labels; pass matching files.`);
  }
  const n = Math.min(count, options.limit ?? count);
  const pixels = new Float32Array(n * h * w);
  const src = images.data;
  if (range === 'uint8') for (let i = 0; i < pixels.length; i++) pixels[i] = src[i];
  else if (range === 'unit') for (let i = 0; i < pixels.length; i++) pixels[i] = src[i] / 255;
  else for (let i = 0; i < pixels.length; i++) pixels[i] = (src[i] - 127.5) / 127.5;
  const labelValues = new Int32Array(n);
  if (labels) for (let i = 0; i < n; i++) labelValues[i] = labels.data[i];
  else labelValues.fill(-1);
  return { images: tf.tensor4d(pixels, [n, h, w, 1]), labels: tf.tensor1d(labelValues, 'int32') };
}
