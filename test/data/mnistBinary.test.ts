import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadMnist, type ImageDataset, type LoadMnistOptions } from 'gan-hacks';
import { decodeMnistBinary, encodeMnistBinary, loadMnistFrom } from 'gan-hacks/browser';
import { writeMnistBinary } from 'gan-hacks/node';
import { expectCode, expectCodeAsync, expectNoLeakAsync, rejection } from '../helpers.js';

/** A fetch serving one body (a static file server's answer), counting calls. */
function serve(body: Uint8Array, init: ResponseInit = {}): typeof fetch & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: RequestInfo | URL): Promise<Response> => {
    calls.push(String(url));
    return new Response(body.slice(), init);
  };
  return Object.assign(f as typeof fetch, { calls });
}

const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function expectSameDataset(a: ImageDataset, b: ImageDataset): Promise<void> {
  expect(a.images.shape).toEqual(b.images.shape);
  expect(a.images.dtype).toBe('float32');
  expect(b.labels.dtype).toBe('int32');
  // Bit for bit: the float32 words compared as bytes (vitest's deep equality takes minutes on 7.8M values).
  expect(bytesOf(await a.images.data()).equals(bytesOf(await b.images.data()))).toBe(true);
  expect(bytesOf(await a.labels.data()).equals(bytesOf(await b.labels.data()))).toBe(true);
}

let dir: string;
let plain: Uint8Array;
let gzipped: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnist-bin-'));
  const a = await writeMnistBinary(join(dir, 'mnist.bin'));
  const b = await writeMnistBinary(join(dir, 'mnist.bin.gz'), { gzip: true });
  expect([a.count, b.count]).toEqual([10_000, 10_000]);
  plain = new Uint8Array(await readFile(a.path));
  gzipped = new Uint8Array(await readFile(b.path));
  expect([a.bytes, b.bytes]).toEqual([plain.length, gzipped.length]);
});

describe('the MNIST binary format', () => {
  it('lays out the header, labels and pixels as specified (checked byte by byte on a tiny file)', () => {
    const bytes = encodeMnistBinary({ rows: 2, cols: 3, labels: Uint8Array.of(3, 9), pixels: Uint8Array.from({ length: 12 }, (_, i) => i * 20) });
    // 'GHMN', version 1, count 2, rows 2, cols 3 (little endian), labels 3 and 9, then 12 pixels.
    expect(Array.from(bytes)).toEqual([71, 72, 77, 78, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 3, 0, 3, 9, ...Array.from({ length: 12 }, (_, i) => i * 20)]);
    const decoded = decodeMnistBinary(bytes);
    expect([decoded.rows, decoded.cols, Array.from(decoded.labels), Array.from(decoded.pixels)]).toEqual([2, 3, [3, 9], Array.from({ length: 12 }, (_, i) => i * 20)]);
    // An ArrayBuffer, and a view into a larger buffer, decode the same.
    expect(decodeMnistBinary(bytes.slice().buffer).labels).toEqual(decoded.labels);
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 5);
    expect(decodeMnistBinary(padded.subarray(5, 5 + bytes.length)).pixels).toEqual(decoded.pixels);
  });

  it('writeMnistBinary writes all 10,000 digits: 16 + 10,000 × 785 bytes, the gzip file the same bytes compressed, loadMnist order and labels', async () => {
    expect(plain.length).toBe(16 + 10_000 * (1 + 28 * 28));
    expect(gunzipSync(gzipped).equals(bytesOf(plain))).toBe(true);
    expect(gzipped.length).toBeLessThan(plain.length / 3);
    const file = decodeMnistBinary(plain);
    const { images, labels } = await loadMnist({ range: 'uint8' });
    expect(bytesOf(file.labels).equals(bytesOf(Uint8Array.from(await labels.data())))).toBe(true);
    const values = await images.data();
    expect(values.every(Number.isInteger)).toBe(true);
    expect(bytesOf(file.pixels).equals(bytesOf(Uint8Array.from(values)))).toBe(true);
    tf.dispose([images, labels]);
    // Nothing but the two files in the folder: the writes were atomic.
    expect((await readdir(dir)).sort()).toEqual(['mnist.bin', 'mnist.bin.gz']);
  });

  it('refuses truncated, extended, damaged and foreign buffers with FILE_FORMAT', () => {
    const good = encodeMnistBinary({ rows: 2, cols: 2, labels: Uint8Array.of(1, 2), pixels: new Uint8Array(8) });
    const edit = (at: number, value: number): Uint8Array => {
      const b = good.slice();
      b[at] = value;
      return b;
    };
    const cases: [string, Uint8Array][] = [
      ['truncated by one byte', good.subarray(0, good.length - 1)],
      ['truncated in the header', good.subarray(0, 10)],
      ['empty', new Uint8Array(0)],
      ['a byte too many', Uint8Array.from([...good, 0])],
      ['bad magic', edit(0, 0x47 + 1)],
      ['version 2', edit(4, 2)],
      ['count 3 for 2 images', edit(8, 3)],
      ['count 0', edit(8, 0)],
      ['rows 0', edit(12, 0)],
      ['label 10', edit(16, 10)],
      ['an IDX file', Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 1, 2)],
      ['gzipped', new Uint8Array(gzipSync(good))],
    ];
    for (const [what, bytes] of cases) {
      let error: unknown;
      try {
        decodeMnistBinary(bytes);
      } catch (e) {
        error = e;
      }
      expect((error as { code?: string } | undefined)?.code, what).toBe('FILE_FORMAT');
    }
    expect(() => decodeMnistBinary(good.subarray(0, good.length - 1))).toThrow(/declares 2 images of 2 × 2 pixels \(26 bytes\) but holds 25 bytes: it is truncated/);
    expectCode(() => decodeMnistBinary('GHMN' as never), 'INVALID_ARGUMENT');
    expectCode(() => decodeMnistBinary(null as never), 'INVALID_ARGUMENT');
  });

  it('encodeMnistBinary checks what it is given', () => {
    const ok = { rows: 1, cols: 2, labels: Uint8Array.of(0), pixels: Uint8Array.of(1, 2) };
    expect(encodeMnistBinary(ok).length).toBe(16 + 1 + 2);
    expectCode(() => encodeMnistBinary(null as never), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, labels: [0] as never }), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, pixels: new Float32Array(2) as never }), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, labels: Uint8Array.of(10) }), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, labels: new Uint8Array(0), pixels: new Uint8Array(0) }), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, rows: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, cols: 65_536 }), 'INVALID_ARGUMENT');
    expectCode(() => encodeMnistBinary({ ...ok, pixels: Uint8Array.of(1, 2, 3) }), 'INVALID_SHAPE');
  });
});

describe('loadMnistFrom', () => {
  afterEach(() => vi.unstubAllGlobals());

  const selections: LoadMnistOptions[] = [{}, { digits: [8] }, { digits: [3, 8, 3], limit: 101, range: 'unit' }, { digits: [9, 0], limit: 7, range: 'uint8' }];

  it('equals loadMnist bit for bit for the same digits, limit and range, from the plain and the gzipped file', async () => {
    for (const options of selections) {
      const expected = await loadMnist(options);
      for (const body of [plain, gzipped]) {
        const fetch = serve(body);
        const got = await expectNoLeakAsync(() => loadMnistFrom('/static/mnist.bin', { ...options, fetch }));
        expect(fetch.calls).toEqual(['/static/mnist.bin']);
        await expectSameDataset(got, expected);
        tf.dispose([got.images, got.labels]);
      }
      tf.dispose([expected.images, expected.labels]);
    }
  });

  it('reads a file written for some digits with a limit as loadMnist reads those digits, and uses the global fetch by default', async () => {
    const path = join(dir, 'some.bin');
    const written = await writeMnistBinary(path, { digits: [8, 1], limit: 60 });
    expect(written.count).toBe(60);
    const body = new Uint8Array(await readFile(path));
    vi.stubGlobal('fetch', serve(body));
    for (const options of [{ digits: [8] }, { digits: [1, 8], limit: 40, range: 'unit' as const }]) {
      const got = await loadMnistFrom(new URL('https://example.test/some.bin'), options);
      const expected = await loadMnist({ ...options, limit: Math.min(options.limit ?? 30, 30 * options.digits.length) });
      await expectSameDataset(got, expected);
      tf.dispose([got.images, got.labels, expected.images, expected.labels]);
    }
    await expectCodeAsync(() => loadMnistFrom('/some.bin', { digits: [8, 3] }), 'INVALID_ARGUMENT');
    const message = (await rejection(loadMnistFrom('/some.bin', { digits: [3] }))).message;
    expect(message).toBe('loadMnistFrom: /some.bin holds no image of digit 3 (it holds 1, 8); write the file with those digits or ask for others.');
  });

  it('names the URL and the HTTP status when the fetch fails, and refuses damaged files, with FILE_FORMAT', async () => {
    const missing = await rejection(loadMnistFrom('/nope.bin', { fetch: serve(new Uint8Array(0), { status: 404, statusText: 'Not Found' }) }));
    expect(missing.code).toBe('FILE_FORMAT');
    expect(missing.message).toContain('/nope.bin');
    expect(missing.message).toContain('HTTP 404 Not Found');
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const down = await rejection(loadMnistFrom('/mnist.bin', { fetch: offline }));
    expect([down.code, down.message.includes('/mnist.bin'), down.message.includes('Failed to fetch'), down.cause instanceof TypeError]).toEqual(['FILE_FORMAT', true, true, true]);
    const before = tf.memory().numTensors;
    for (const body of [plain.subarray(0, plain.length - 1), gzipped.subarray(0, gzipped.length - 10), plain.subarray(0, 12), new TextEncoder().encode('<!doctype html><title>404</title>')]) {
      const error = await rejection(loadMnistFrom('/static/mnist.bin', { fetch: serve(body) }));
      expect(error.code).toBe('FILE_FORMAT');
      expect(error.message).toContain('/static/mnist.bin');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says so when a gzipped file meets a platform without DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    const error = await rejection(loadMnistFrom('/m.bin.gz', { fetch: serve(gzipped) }));
    expect(error.code).toBe('FILE_FORMAT');
    expect(error.message).toMatch(/no DecompressionStream; serve the plain file/);
    // The plain file needs none.
    const ok = await loadMnistFrom('/m.bin', { fetch: serve(plain), digits: [0], limit: 2 });
    expect(ok.images.shape).toEqual([2, 28, 28, 1]);
    tf.dispose([ok.images, ok.labels]);
  });

  it('validates the URL and options before fetching anything', async () => {
    const fetch = serve(plain);
    await expectCodeAsync(() => loadMnistFrom('', { fetch }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom(7 as never, { fetch }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom('/m.bin', { fetch, digits: [10] }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom('/m.bin', { fetch, digits: [] }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom('/m.bin', { fetch, limit: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom('/m.bin', { fetch, range: 'bytes' as never }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom('/m.bin', { fetch: 'fetch' as never }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadMnistFrom('/m.bin', 'all' as never), 'INVALID_ARGUMENT');
    expect(fetch.calls).toEqual([]);
    const message = (await rejection(loadMnistFrom('/m.bin', { fetch, digits: [10] }))).message;
    expect(message).toBe('loadMnistFrom: digits must be a non-empty list of integers 0-9, got [10].');
    const some = await loadMnistFrom('/m.bin', { fetch, digits: [5], limit: 3 });
    expect(Array.from(await some.labels.data())).toEqual([5, 5, 5]);
    tf.dispose([some.images, some.labels]);
    vi.stubGlobal('fetch', serve(plain));
    const all = await loadMnistFrom('/m.bin', null);
    expect(all.images.shape).toEqual([10_000, 28, 28, 1]);
    tf.dispose([all.images, all.labels]);
  });
});

describe('writeMnistBinary', () => {
  it('validates its arguments before loading anything, and reports a failed write as CHECKPOINT_WRITE naming the path', async () => {
    await expectCodeAsync(() => writeMnistBinary(''), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeMnistBinary(join(dir, 'x.bin'), { gzip: 'yes' as never }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeMnistBinary(join(dir, 'x.bin'), { digits: [11] }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeMnistBinary(join(dir, 'x.bin'), { limit: -1 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeMnistBinary(join(dir, 'x.bin'), [] as never), 'INVALID_ARGUMENT');
    const blocked = join(dir, 'mnist.bin', 'inside.bin'); // under a file, not a folder
    const error = await rejection(writeMnistBinary(blocked, { digits: [0], limit: 1 }));
    expect(error.code).toBe('CHECKPOINT_WRITE');
    expect(error.message).toContain(blocked);
    expect((await readdir(dir)).includes('x.bin')).toBe(false);
    const before = tf.memory().numTensors;
    await writeMnistBinary(join(dir, 'one.bin'), { digits: [7], limit: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const one = decodeMnistBinary(await readFile(join(dir, 'one.bin')));
    expect([Array.from(one.labels), one.pixels.length]).toEqual([[7], 784]);
  });
});
