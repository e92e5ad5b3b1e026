import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { GanHacksError } from '../errors/index.js';
import type { ImageDataset, ImageRange } from '../data/mnist.js';
import { assertNonEmptyString, assertOneOf, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

/** Options of {@link loadIdx}. */
export interface LoadIdxOptions {
  /** Value range of the images. @defaultValue 'tanh' ([-1, 1]) */
  range?: ImageRange;
  /**
   * Keep only images whose label is one of these (integers 0-255, the byte
   * an IDX label holds), like `loadMnist`'s `digits`: `[7]` keeps
   * Fashion-MNIST's sneakers. Needs `labelsPath`.
   * @defaultValue every label
   */
  classes?: number[];
  /**
   * Keep at most this many images: the first `limit` in file order among
   * those `classes` keeps.
   * @defaultValue all of them
   */
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
 * gzipped, as a tensor of images [n, h, w, 1] and their int32 labels (-1
 * when no labels file is given), optionally only some classes.
 *
 * The paths come first, the options last; `null` or omitted options mean
 * the defaults.
 *
 * @example
 * ```ts
 * // Debian / Ubuntu: apt-get install dataset-fashion-mnist
 * const dir = '/usr/share/datasets/fashion-mnist';
 * const { images, labels } = await loadIdx(
 *   `${dir}/train-images-idx3-ubyte.gz`,
 *   `${dir}/train-labels-idx1-ubyte.gz`,
 *   { classes: [7] },
 * ); // the 6,000 sneakers: [6000, 28, 28, 1] in [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path, options that are not an
 * object, an unknown range, a limit that is not a positive integer, classes that are
 * not a non-empty list of integers 0-255, or classes that no label in the file matches;
 * `INCOMPATIBLE_OPTIONS` for classes without a labels file; `FILE_FORMAT` for
 * unreadable, truncated or non-IDX files, or label counts that do not match the images.
 */
export async function loadIdx(imagesPath: string, labelsPath?: string | null, options?: LoadIdxOptions | null): Promise<ImageDataset> {
  assertNonEmptyString('loadIdx: imagesPath', imagesPath);
  if (labelsPath !== undefined && labelsPath !== null) assertNonEmptyString('loadIdx: labelsPath', labelsPath);
  const o = optionsObject('loadIdx', options);
  const range = o.range ?? 'tanh';
  assertOneOf('loadIdx: range', range, ['tanh', 'unit', 'uint8'] as const);
  if (o.limit !== undefined) assertPositiveInteger('loadIdx: limit', o.limit);
  const classes = o.classes;
  if (classes !== undefined) {
    if (!Array.isArray(classes) || classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
      throw new GanHacksError('INVALID_ARGUMENT', `loadIdx: classes must be a non-empty list of integers 0-255 (IDX labels are bytes), got ${show(classes)}.`);
    }
    if (labelsPath === undefined || labelsPath === null) {
      throw new GanHacksError('INCOMPATIBLE_OPTIONS', `loadIdx: classes ${show(classes)} filter by label, but no labels file was given; pass labelsPath, e.g. loadIdx(images, 'train-labels-idx1-ubyte.gz', { classes }).`);
    }
  }
  const images = await readIdx(imagesPath, 3);
  const labels = labelsPath === undefined || labelsPath === null ? undefined : await readIdx(labelsPath, 1);
  const [count, h, w] = images.dims;
  if (labels && labels.dims[0] !== count) {
    throw new GanHacksError('FILE_FORMAT', `loadIdx: ${count} images but ${labels.dims[0]} labels; pass matching files.`);
  }
  const max = o.limit ?? count;
  // Indices of the images kept: every one, or those whose label is in classes, in file order.
  let kept: Int32Array;
  if (classes && labels) {
    const wanted = new Uint8Array(256);
    for (const c of classes) wanted[c] = 1;
    const picked: number[] = [];
    for (let i = 0; i < count && picked.length < max; i++) if (wanted[labels.data[i]]) picked.push(i);
    if (picked.length === 0) {
      const present = [...new Set(labels.data)].sort((a, b) => a - b);
      throw new GanHacksError('INVALID_ARGUMENT', `loadIdx: no image of ${labelsPath} has a label in classes ${show(classes)}; its labels are ${show(present)}.`);
    }
    kept = Int32Array.from(picked);
  } else {
    kept = new Int32Array(Math.min(count, max)).map((_, i) => i);
  }
  const n = kept.length;
  const size = h * w;
  const pixels = new Float32Array(n * size);
  const src = images.data;
  for (let k = 0; k < n; k++) {
    const from = kept[k] * size;
    const to = k * size;
    if (range === 'uint8') for (let p = 0; p < size; p++) pixels[to + p] = src[from + p];
    else if (range === 'unit') for (let p = 0; p < size; p++) pixels[to + p] = src[from + p] / 255;
    else for (let p = 0; p < size; p++) pixels[to + p] = (src[from + p] - 127.5) / 127.5;
  }
  const labelValues = new Int32Array(n);
  if (labels) for (let k = 0; k < n; k++) labelValues[k] = labels.data[kept[k]];
  else labelValues.fill(-1);
  return { images: tf.tensor4d(pixels, [n, h, w, 1]), labels: tf.tensor1d(labelValues, 'int32') };
}
