import * as tf from '@tensorflow/tfjs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadIdx } from '../../src/node/index.js';
import { expectCodeAsync, expectNoLeakAsync } from '../helpers.js';

/** Builds an IDX file of unsigned bytes: magic 0x00000803 (or 0801), dims, data. */
function idx(dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

describe('loadIdx', () => {
  it('reads plain and gzipped IDX files written by the test, with labels and value ranges', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => (i * 20) % 256);
    await writeFile(join(dir, 'images'), idx([3, 2, 2], pixels));
    await writeFile(join(dir, 'labels.gz'), gzipSync(idx([3], [7, 1, 9])));
    const a = await loadIdx(join(dir, 'images'), join(dir, 'labels.gz'), { range: 'uint8' });
    expect(a.images.shape).toEqual([3, 2, 2, 1]);
    expect(Array.from(a.images.dataSync())).toEqual(pixels);
    expect(Array.from(a.labels.dataSync())).toEqual([7, 1, 9]);
    await writeFile(join(dir, 'images.gz'), gzipSync(idx([3, 2, 2], pixels)));
    const b = await loadIdx(join(dir, 'images.gz'), undefined, { limit: 2 });
    expect(b.images.shape).toEqual([2, 2, 2, 1]);
    expect(b.images.dataSync()[0]).toBe(-1);
    expect(b.images.dataSync()[1]).toBeCloseTo((20 - 127.5) / 127.5, 6);
    tf.dispose([a.images, a.labels, b.images, b.labels]);
  });

  it('refuses truncated, mislabelled and non-IDX files with FILE_FORMAT', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    await writeFile(join(dir, 'short'), idx([3, 2, 2], [1, 2, 3]));
    await expectCodeAsync(() => loadIdx(join(dir, 'short')), 'FILE_FORMAT');
    await writeFile(join(dir, 'text'), 'hello world, not an idx file');
    await expectCodeAsync(() => loadIdx(join(dir, 'text')), 'FILE_FORMAT');
    await writeFile(join(dir, 'img'), idx([2, 1, 1], [1, 2]));
    await writeFile(join(dir, 'lab'), idx([3], [1, 2, 3]));
    await expectCodeAsync(() => loadIdx(join(dir, 'img'), join(dir, 'lab')), 'FILE_FORMAT');
    await expectCodeAsync(() => loadIdx(join(dir, 'lab')), 'FILE_FORMAT');
    await expectCodeAsync(() => loadIdx(join(dir, 'missing')), 'FILE_FORMAT');
  });

  it('keeps only the requested classes, in file order, up to limit; labels follow their images', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    // Six 1x2 images; image i holds the pixels [10 i, 10 i + 1] and the label below.
    const labels = [3, 0, 3, 200, 1, 3];
    await writeFile(join(dir, 'images'), idx([6, 1, 2], labels.flatMap((_, i) => [10 * i, 10 * i + 1])));
    await writeFile(join(dir, 'labels'), idx([6], labels));
    const images = join(dir, 'images');
    const labelsPath = join(dir, 'labels');
    const read = async (options: Parameters<typeof loadIdx>[2]): Promise<{ pixels: number[]; labels: number[]; shape: number[] }> => {
      const d = await expectNoLeakAsync(() => loadIdx(images, labelsPath, options));
      const out = { pixels: Array.from(d.images.dataSync()), labels: Array.from(d.labels.dataSync()), shape: d.images.shape };
      tf.dispose([d.images, d.labels]);
      return out;
    };
    // Label 3: images 0, 2 and 5.
    expect(await read({ classes: [3], range: 'uint8' })).toEqual({ pixels: [0, 1, 20, 21, 50, 51], labels: [3, 3, 3], shape: [3, 1, 2, 1] });
    // Two classes, given in any order, repeated: images 1, 3 (file order).
    expect(await read({ classes: [200, 0, 200], range: 'uint8' })).toEqual({ pixels: [10, 11, 30, 31], labels: [0, 200], shape: [2, 1, 2, 1] });
    // limit counts kept images, not images read.
    expect(await read({ classes: [3, 1], limit: 3, range: 'uint8' })).toEqual({ pixels: [0, 1, 20, 21, 40, 41], labels: [3, 3, 1], shape: [3, 1, 2, 1] });
    // null options and no classes: everything, scaled to [-1, 1].
    const all = await read(null);
    expect(all.labels).toEqual(labels);
    expect(all.pixels[11]).toBe(Math.fround((51 - 127.5) / 127.5));
    // The old positional call keeps working.
    const old = await loadIdx(images, labelsPath, { limit: 2 });
    expect(Array.from(old.labels.dataSync())).toEqual([3, 0]);
    tf.dispose([old.images, old.labels]);
  });

  it('validates classes on entry: integers 0-255, non-empty, with a labels file; a class absent from the file is named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idx-'));
    await writeFile(join(dir, 'images'), idx([2, 1, 1], [5, 6]));
    await writeFile(join(dir, 'labels'), idx([2], [4, 9]));
    const images = join(dir, 'images');
    const labels = join(dir, 'labels');
    const before = tf.memory().numTensors;
    for (const classes of [[], [256], [-1], [1.5], [Number.NaN], '3', [3, '4']]) {
      await expectCodeAsync(() => loadIdx(images, labels, { classes: classes as never }), 'INVALID_ARGUMENT');
    }
    await expectCodeAsync(() => loadIdx(images, undefined, { classes: [4] }), 'INCOMPATIBLE_OPTIONS');
    await expectCodeAsync(() => loadIdx(images, null, { classes: [4] }), 'INCOMPATIBLE_OPTIONS');
    await expect(loadIdx(images, labels, { classes: [1, 2] })).rejects.toThrow(/no image of .* has a label in classes \[1, 2\]; its labels are \[4, 9\]/);
    await expectCodeAsync(() => loadIdx(images, labels, 'tanh' as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadIdx('', labels), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadIdx(images, labels, { limit: 0 }), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
  });

  const fashion = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(join(fashion, 'train-images-idx3-ubyte.gz')))('keeps the 6,000 sneakers (class 7) of the real Fashion-MNIST training set, equal to the raw bytes', async () => {
    const { images, labels } = await loadIdx(join(fashion, 'train-images-idx3-ubyte.gz'), join(fashion, 'train-labels-idx1-ubyte.gz'), { classes: [7], range: 'uint8' });
    expect(images.shape).toEqual([6000, 28, 28, 1]);
    expect(new Set(labels.dataSync())).toEqual(new Set([7]));
    // Independently: the raw files, header 16 / 8 bytes, the first and last sneakers.
    const rawImages = gunzipSync(readFileSync(join(fashion, 'train-images-idx3-ubyte.gz'))).subarray(16);
    const rawLabels = gunzipSync(readFileSync(join(fashion, 'train-labels-idx1-ubyte.gz'))).subarray(8);
    const sneakers: number[] = [];
    rawLabels.forEach((l, i) => l === 7 && sneakers.push(i));
    expect(sneakers.length).toBe(6000);
    const got = images.dataSync();
    for (const [k, i] of [[0, sneakers[0]], [5999, sneakers[5999]]]) {
      expect(Array.from(got.subarray(k * 784, (k + 1) * 784))).toEqual(Array.from(rawImages.subarray(i * 784, (i + 1) * 784)));
    }
    tf.dispose([images, labels]);
  });

  // CI installs Debian's dataset-fashion-mnist; skip where it is absent, never fake it.
  it.skipIf(!existsSync(join(fashion, 'train-images-idx3-ubyte.gz')))('reads the real Fashion-MNIST training set (60,000 x 28 x 28)', async () => {
    const { images, labels } = await loadIdx(join(fashion, 'train-images-idx3-ubyte.gz'), join(fashion, 'train-labels-idx1-ubyte.gz'));
    expect(images.shape).toEqual([60_000, 28, 28, 1]);
    const counts = new Array(10).fill(0);
    for (const l of labels.dataSync()) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(6000));
    let sum = 0;
    for (const v of images.dataSync()) sum += v;
    // Fashion-MNIST's mean pixel is ~72.9 / 255: about -0.43 in [-1, 1].
    expect(sum / images.size).toBeCloseTo(72.94 / 127.5 - 1, 2);
    tf.dispose([images, labels]);
  });
});
