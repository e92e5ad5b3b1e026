import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertFunction, optionsObject, show } from '../internal/validate.js';
import { byteToRange, mnistSelection, roundRobin, type ImageDataset, type LoadMnistOptions } from '../data/mnist.js';
import { decodeMnistBinaryFrom } from '../data/mnistBinary.js';

export { encodeMnistBinary, decodeMnistBinary, MNIST_BINARY_MAGIC, MNIST_BINARY_VERSION, type MnistBinary } from '../data/mnistBinary.js';

/** Options of {@link loadMnistFrom}: `loadMnist`'s, and the `fetch` to use. */
export interface LoadMnistFromOptions extends LoadMnistOptions {
  /** The fetch function (a test's stand-in, or one that adds headers). @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

/** Gunzips in the page with the platform's DecompressionStream (no library needed). */
async function gunzip(bytes: Uint8Array<ArrayBuffer>, url: string): Promise<Uint8Array> {
  const Decompression = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  if (!Decompression) {
    throw new GanHacksError('FILE_FORMAT', `loadMnistFrom: ${url} is gzipped and this platform has no DecompressionStream; serve the plain file (writeMnistBinary without gzip).`);
  }
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new Decompression('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    throw new GanHacksError('FILE_FORMAT', `loadMnistFrom: ${url} looks gzipped but does not decompress (${cause instanceof Error ? cause.message : show(cause)}); the file is truncated or damaged.`, { cause });
  }
}

/** The response's bytes, or a FILE_FORMAT error naming the URL and what went wrong. */
async function fetchBytes(fetchFn: typeof fetch, url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFn(url);
  } catch (cause) {
    throw new GanHacksError('FILE_FORMAT', `loadMnistFrom: cannot fetch ${url}: ${cause instanceof Error ? cause.message : show(cause)}. Check the URL and that the page's origin serves the file.`, { cause });
  }
  if (response === null || typeof response !== 'object' || typeof response.arrayBuffer !== 'function') {
    throw new GanHacksError('INVALID_ARGUMENT', `loadMnistFrom: fetch must resolve to a Response, got ${show(response)}.`);
  }
  if (!response.ok) {
    throw new GanHacksError('FILE_FORMAT', `loadMnistFrom: fetching ${url} failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; serve the file written by writeMnistBinary (gan-hacks/node) at that URL.`);
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    throw new GanHacksError('FILE_FORMAT', `loadMnistFrom: reading ${url} failed: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
  }
  // A server that sent `Content-Encoding: gzip` was already decoded by the browser: trust the bytes, not the name or the headers.
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(bytes, url) : bytes;
}

/**
 * Loads MNIST digits in a page from a file its own origin serves: the
 * binary gan-hacks/node's `writeMnistBinary` writes (plain or gzipped), so
 * a page needs neither the `mnist` package nor any network beyond its
 * origin. Same options and same result as `loadMnist`: for the same
 * digits, limit and range, the tensors are equal bit for bit (the same
 * balanced round-robin over the digits, the same pixel conversion).
 * A gzipped file is decompressed with the platform's DecompressionStream
 * unless the browser already did (a `Content-Encoding: gzip` response).
 *
 * @example
 * ```ts
 * // once, in Node: await writeMnistBinary('public/mnist.bin.gz', { gzip: true });
 * const { images, labels } = await loadMnistFrom('/mnist.bin.gz', { digits: [8] }); // [944, 28, 28, 1] in [-1, 1]
 * ```
 * @throws GanHacksError (the promise rejects) `INVALID_ARGUMENT` for a URL that is not a
 * non-empty string or URL, bad options as `loadMnist`'s or a `fetch` that is not a function,
 * and for digits the file does not hold; `FILE_FORMAT` when the fetch fails (naming the
 * URL and the HTTP status) or the file is truncated, damaged or not this format.
 */
export async function loadMnistFrom(url: string | URL, options?: LoadMnistFromOptions | null): Promise<ImageDataset> {
  const o = optionsObject('loadMnistFrom', options);
  if (!(url instanceof URL) && (typeof url !== 'string' || url.length === 0)) {
    throw new GanHacksError('INVALID_ARGUMENT', `loadMnistFrom: url must be a non-empty string or a URL, got ${url === '' ? 'an empty string' : show(url)}.`);
  }
  const { digits, range, limit } = mnistSelection('loadMnistFrom', o);
  if (o.fetch !== undefined) assertFunction('loadMnistFrom: fetch', o.fetch);
  const fetchFn = o.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (!fetchFn) throw new GanHacksError('INVALID_ARGUMENT', 'loadMnistFrom: this platform has no global fetch; pass options.fetch.');
  const href = String(url);
  const file = decodeMnistBinaryFrom('loadMnistFrom', href, await fetchBytes(fetchFn, href));
  // Each digit's images in file order: writeMnistBinary keeps loadMnist's order within a digit.
  const pools: number[][] = digits.map(() => []);
  const slot = new Map(digits.map((d, j) => [d, j]));
  file.labels.forEach((d, k) => {
    const j = slot.get(d);
    if (j !== undefined) pools[j].push(k);
  });
  const missing = digits.filter((_, j) => pools[j].length === 0);
  if (missing.length > 0) {
    const held = [...new Set(file.labels)].sort((a, b) => a - b);
    throw new GanHacksError('INVALID_ARGUMENT', `loadMnistFrom: ${href} holds no image of digit ${missing.join(', ')} (it holds ${held.join(', ')}); write the file with those digits or ask for others.`);
  }
  const size = file.rows * file.cols;
  const max = pools.reduce((a, p) => a + p.length, 0);
  const pixels = new Float32Array(Math.min(max, limit ?? max) * size);
  const labels = new Int32Array(pixels.length / size);
  const n = roundRobin(
    pools.map((p) => p.length),
    limit,
    (j, i, k) => {
      const from = pools[j][i] * size;
      for (let p = 0; p < size; p++) pixels[k * size + p] = byteToRange(file.pixels[from + p], range);
      labels[k] = digits[j];
    },
  );
  return { images: tf.tensor4d(pixels, [n, file.rows, file.cols, 1]), labels: tf.tensor1d(labels, 'int32') };
}
