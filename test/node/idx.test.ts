import * as tf from '@tensorflow/tfjs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadIdx } from '../../src/node/index.js';
import { expectCodeAsync } from '../helpers.js';

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

  const fashion = '/usr/share/datasets/fashion-mnist';
  // CI installs Debian's dataset-fashion-mnist; skip where it is absent, never fake it.
  it.skipIf(!existsSync(join(fashion, 'train-images-idx3-ubyte.gz')))('reads the real Fashion-MNIST training set (60,000 x 28 x 28)', async () => {
    const { images, labels } = await loadIdx(join(fashion, 'train-images-idx3-ubyte.gz'), join(fashion, 'train-labels-idx1-ubyte.gz'));
    expect(images.shape).toEqual([60_000, 28, 28, 1]);
    const counts = new Array(10).fill(0);
    for (const l of labels.dataSync()) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(6000));
    const m = tf.moments(images);
    // Fashion-MNIST's mean pixel is ~72.9 / 255: about -0.43 in [-1, 1].
    expect(m.mean.dataSync()[0]).toBeCloseTo(72.94 / 127.5 - 1, 2);
    tf.dispose([images, labels, m.mean, m.variance]);
  });
});
