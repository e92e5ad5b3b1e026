import { gzipSync } from 'node:zlib';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, optionsObject, show } from '../internal/validate.js';
import { loadMnist, mnistSelection } from '../data/mnist.js';
import { encodeMnistBinary } from '../data/mnistBinary.js';
import { assertPath, writeFileAtomic } from './files.js';

/** Options of {@link writeMnistBinary}. */
export interface WriteMnistBinaryOptions {
  /** Digits to write. @defaultValue all ten */
  digits?: number[];
  /** Write at most this many images, taken in turn from each digit, as `loadMnist`'s `limit`. @defaultValue all of them */
  limit?: number;
  /** Gzip the file (name it `.gz`); `loadMnistFrom` decompresses it. @defaultValue false */
  gzip?: boolean;
}

/** What {@link writeMnistBinary} wrote. */
export interface WriteMnistBinaryResult {
  /** The file written. */
  path: string;
  /** Images in it. */
  count: number;
  /** Its size in bytes (gzipped when asked). */
  bytes: number;
}

/**
 * Writes the MNIST digits bundled with the `mnist` package (an optional peer)
 * to a compact binary a web page serves as a static file and loads with
 * `loadMnistFrom` (gan-hacks/browser): the format of `encodeMnistBinary`,
 * in `loadMnist`'s order, so the page gets the same tensors as `loadMnist`.
 * All 10,000 digits take 7.85 MB, or 1.61 MB with `gzip` (the 944 eights: 741 kB, 177 kB). The file is written
 * atomically (a temporary sibling renamed into place).
 *
 * @returns the path, the number of images and the file's size.
 * @example
 * ```ts
 * await writeMnistBinary('public/mnist.bin.gz', { gzip: true }); // { path, count: 10000, bytes: … }
 * // in the page: const { images } = await loadMnistFrom('/mnist.bin.gz', { digits: [8] });
 * ```
 * @throws GanHacksError (the promise rejects, nothing is written) `INVALID_ARGUMENT` for an
 * empty path or bad options (as `loadMnist`'s, and a non-boolean `gzip`); `MISSING_PEER`
 * when `mnist` is not installed; `CHECKPOINT_WRITE` when the file cannot be written
 * (naming the path and the cause).
 */
export async function writeMnistBinary(path: string, options?: WriteMnistBinaryOptions | null): Promise<WriteMnistBinaryResult> {
  assertPath('writeMnistBinary', 'path', path);
  const o = optionsObject('writeMnistBinary', options);
  const { digits, limit } = mnistSelection('writeMnistBinary', o);
  if (o.gzip !== undefined) assertBoolean('writeMnistBinary: gzip', o.gzip);
  const { images, labels } = await loadMnist({ digits, limit, range: 'uint8' });
  let values: Float32Array | Int32Array | Uint8Array;
  let digitsOf: Float32Array | Int32Array | Uint8Array;
  try {
    [values, digitsOf] = await Promise.all([images.data(), labels.data()]);
  } finally {
    images.dispose();
    labels.dispose();
  }
  const bytes = encodeMnistBinary({ rows: 28, cols: 28, labels: Uint8Array.from(digitsOf), pixels: Uint8Array.from(values) });
  const file = o.gzip ? gzipSync(bytes, { level: 9 }) : bytes;
  try {
    await writeFileAtomic(path, file);
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_WRITE', `writeMnistBinary: cannot write ${path}: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
  }
  return { path, count: digitsOf.length, bytes: file.length };
}
