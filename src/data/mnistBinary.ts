import { GanHacksError } from '../errors/index.js';
import { show } from '../internal/validate.js';

/** The four bytes a gan-hacks MNIST binary starts with. */
export const MNIST_BINARY_MAGIC = 'GHMN';
/** The layout version {@link encodeMnistBinary} writes and {@link decodeMnistBinary} reads. */
export const MNIST_BINARY_VERSION = 1;
/** Bytes before the labels: magic, version, count, rows, cols. */
const HEADER_BYTES = 16;

/**
 * Labelled digit images as bytes, the content of a gan-hacks MNIST binary:
 * `labels[k]` (0-9) is the digit of image k, whose `rows × cols` pixels
 * (0-255, row-major, ink bright as in MNIST) are
 * `pixels[k * rows * cols … (k + 1) * rows * cols)`.
 */
export interface MnistBinary {
  /** Image height (28 for MNIST). */
  rows: number;
  /** Image width (28 for MNIST). */
  cols: number;
  /** One digit 0-9 per image. */
  labels: Uint8Array;
  /** labels.length × rows × cols bytes. */
  pixels: Uint8Array;
}

/**
 * Encodes labelled digits in the compact binary a page loads with
 * `loadMnistFrom` (gan-hacks/browser): a 16-byte header (the magic bytes
 * `GHMN`, uint32 version 1, uint32 image count, uint16 rows, uint16 cols,
 * little endian), the count label bytes, then count × rows × cols pixel
 * bytes. The 10,000 bundled digits take 7.85 MB (about 1.6 MB gzipped).
 * gan-hacks/node's `writeMnistBinary` writes the bundled digits with it.
 *
 * @example
 * ```ts
 * const bytes = encodeMnistBinary({ rows: 2, cols: 2, labels: Uint8Array.of(3), pixels: Uint8Array.of(0, 255, 255, 0) });
 * bytes.length; // 16 + 1 + 4
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for labels or pixels that are not Uint8Arrays, a
 * label above 9, rows or cols not integers 1-65,535, or no image; `INVALID_SHAPE` when
 * `pixels` does not hold labels.length × rows × cols bytes.
 */
export function encodeMnistBinary(digits: MnistBinary): Uint8Array {
  if (digits === null || typeof digits !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `encodeMnistBinary: digits must be { rows, cols, labels, pixels }, got ${show(digits)}.`);
  }
  const { rows, cols, labels, pixels } = digits;
  for (const [name, side] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(side) || side < 1 || side > 0xffff) {
      throw new GanHacksError('INVALID_ARGUMENT', `encodeMnistBinary: ${name} must be an integer 1-65535 (a uint16 in the header), got ${show(side)}.`);
    }
  }
  for (const [name, bytes] of [['labels', labels], ['pixels', pixels]] as const) {
    if (!(bytes instanceof Uint8Array)) {
      throw new GanHacksError('INVALID_ARGUMENT', `encodeMnistBinary: ${name} must be a Uint8Array of bytes, got ${show(bytes)}; convert with Uint8Array.from(values).`);
    }
  }
  const count = labels.length;
  if (count === 0) throw new GanHacksError('INVALID_ARGUMENT', 'encodeMnistBinary: labels is empty; pass at least one image.');
  if (count > 0xffffffff) throw new GanHacksError('INVALID_ARGUMENT', `encodeMnistBinary: ${count} images do not fit the header's uint32 count.`);
  if (pixels.length !== count * rows * cols) {
    throw new GanHacksError('INVALID_SHAPE', `encodeMnistBinary: pixels must hold labels.length × rows × cols = ${count} × ${rows} × ${cols} = ${count * rows * cols} bytes, got ${pixels.length}.`);
  }
  const bad = labels.findIndex((d) => d > 9);
  if (bad >= 0) throw new GanHacksError('INVALID_ARGUMENT', `encodeMnistBinary: labels must be digits 0-9, got ${labels[bad]} at index ${bad}.`);
  const out = new Uint8Array(HEADER_BYTES + count + pixels.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MNIST_BINARY_MAGIC.charCodeAt(i);
  view.setUint32(4, MNIST_BINARY_VERSION, true);
  view.setUint32(8, count, true);
  view.setUint16(12, rows, true);
  view.setUint16(14, cols, true);
  out.set(labels, HEADER_BYTES);
  out.set(pixels, HEADER_BYTES + count);
  return out;
}

/**
 * Decodes and checks a gan-hacks MNIST binary; `source` names it in messages.
 * @internal
 */
export function decodeMnistBinaryFrom(fn: string, source: string, buffer: ArrayBuffer | ArrayBufferView): MnistBinary {
  let bytes: Uint8Array;
  if (buffer instanceof ArrayBuffer) bytes = new Uint8Array(buffer);
  else if (ArrayBuffer.isView(buffer)) bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  else throw new GanHacksError('INVALID_ARGUMENT', `${fn}: buffer must be an ArrayBuffer or a Uint8Array, got ${show(buffer)}.`);
  const damaged = (what: string): GanHacksError =>
    new GanHacksError('FILE_FORMAT', `${fn}: ${source} ${what}; write it again with writeMnistBinary (gan-hacks/node).`);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new GanHacksError('FILE_FORMAT', `${fn}: ${source} is gzipped; decompress it first (loadMnistFrom does, with DecompressionStream).`);
  }
  if (bytes.length < HEADER_BYTES) throw damaged(`holds ${bytes.length} bytes, fewer than the ${HEADER_BYTES}-byte header: it is truncated or not a gan-hacks MNIST binary`);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== MNIST_BINARY_MAGIC) throw damaged(`does not start with the magic bytes "${MNIST_BINARY_MAGIC}" (found ${JSON.stringify(magic)}): it is not a gan-hacks MNIST binary`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MNIST_BINARY_VERSION) {
    throw new GanHacksError('FILE_FORMAT', `${fn}: ${source} is version ${version} of the format; this gan-hacks reads version ${MNIST_BINARY_VERSION}. Write it again with this version's writeMnistBinary.`);
  }
  const count = view.getUint32(8, true);
  const rows = view.getUint16(12, true);
  const cols = view.getUint16(14, true);
  if (count === 0 || rows === 0 || cols === 0) throw damaged(`declares ${count} images of ${rows} × ${cols} pixels: the header is damaged`);
  const expected = HEADER_BYTES + count + count * rows * cols;
  if (bytes.length !== expected) {
    throw damaged(`declares ${count} images of ${rows} × ${cols} pixels (${expected} bytes) but holds ${bytes.length} bytes: it is ${bytes.length < expected ? 'truncated' : 'damaged (bytes after the end)'}`);
  }
  const labels = bytes.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const bad = labels.findIndex((d) => d > 9);
  if (bad >= 0) throw damaged(`holds label ${labels[bad]} at image ${bad}, not a digit 0-9: it is damaged`);
  return { rows, cols, labels, pixels: bytes.subarray(HEADER_BYTES + count) };
}

/**
 * Decodes a gan-hacks MNIST binary ({@link encodeMnistBinary}'s format) and
 * checks it whole: magic bytes, version, a length that matches the header
 * exactly, labels 0-9. `labels` and `pixels` are views into `buffer`, not copies.
 *
 * @example
 * ```ts
 * const { rows, cols, labels, pixels } = decodeMnistBinary(await (await fetch('mnist.bin')).arrayBuffer());
 * ```
 * @throws GanHacksError `FILE_FORMAT` for a buffer that is gzipped, truncated, longer than its
 * header says, of another version or not this format at all; `INVALID_ARGUMENT` when `buffer`
 * is not an ArrayBuffer or a typed array.
 */
export function decodeMnistBinary(buffer: ArrayBuffer | ArrayBufferView): MnistBinary {
  return decodeMnistBinaryFrom('decodeMnistBinary', 'the buffer', buffer);
}
