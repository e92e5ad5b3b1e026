import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, assertNonNegativeInteger, assertNumericTensor, assertOneOf, assertPositiveInteger, optionsObject } from '../internal/validate.js';
import type { ImageRange } from '../data/mnist.js';

/** An 8-bit raster image, row-major. */
export interface Raster {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  pixels: Uint8ClampedArray;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** Images per row (a positive integer). @defaultValue ceil(sqrt(n)) */
  columns?: number;
  /** Pixels between tiles (background colour), a non-negative integer. @defaultValue 2 */
  padding?: number;
  /** Integer upscaling of every pixel (a positive integer). @defaultValue 1 */
  scale?: number;
  /** Value range of the images. @defaultValue 'tanh' ([-1, 1]) */
  range?: ImageRange;
  /** Reversed grayscale (ink dark on white), as the source's `cmap='gray_r'`. @defaultValue true */
  invert?: boolean;
}

/** Most bytes in one raster (width × height × channels): 2^28, 256 MiB. */
export const MAX_RASTER_BYTES = 2 ** 28;

/** Validates the rendering options of {@link imageGrid} (all but `columns`). */
export function checkImageGridOptions(fn: string, options: Omit<ImageGridOptions, 'columns'> | null | undefined): void {
  const o = optionsObject(fn, options);
  if (o.padding !== undefined) assertNonNegativeInteger(`${fn}: padding`, o.padding);
  if (o.scale !== undefined) assertPositiveInteger(`${fn}: scale`, o.scale);
  if (o.range !== undefined) assertOneOf(`${fn}: range`, o.range, ['tanh', 'unit', 'uint8'] as const);
  if (o.invert !== undefined) assertBoolean(`${fn}: invert`, o.invert);
}

/**
 * Tiles a batch of images [n, h, w, c] (c = 1 or 3) into one raster, ready
 * for a PNG encoder or a canvas. Reads the batch from the device once.
 * Values outside the range are clipped; NaN or ±Infinity are refused.
 *
 * @example
 * ```ts
 * const grid = imageGrid(generator.predict(z) as tf.Tensor4D, { columns: 10 });
 * await writePng(grid, 'epoch-1.png'); // gan-hacks/node
 * ```
 * @throws GanHacksError `INVALID_SHAPE` unless the batch is [n, h, w, 1 or 3] with n, h, w ≥ 1;
 * `INVALID_ARGUMENT` for a value that is not a live tensor of numbers or a bad option;
 * `INVALID_RANGE` when the raster would exceed 2^28 bytes; `NON_FINITE_INPUT` for NaN or ±Infinity.
 */
export function imageGrid(images: tf.Tensor, options?: ImageGridOptions | null): Raster {
  const o = optionsObject('imageGrid', options);
  assertNumericTensor('imageGrid: images', images);
  if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3)) {
    throw new GanHacksError('INVALID_SHAPE', `imageGrid: images must be [n, height, width, 1 or 3], got [${images.shape.join(', ')}].`);
  }
  checkImageGridOptions('imageGrid', o);
  const [n, h, w, c] = images.shape as [number, number, number, 1 | 3];
  const columns = o.columns ?? Math.ceil(Math.sqrt(n));
  const padding = o.padding ?? 2;
  const scale = o.scale ?? 1;
  const invert = o.invert ?? true;
  const range = o.range ?? 'tanh';
  assertPositiveInteger('imageGrid: columns', columns);
  const rows = Math.ceil(n / columns);
  const tileW = w * scale;
  const tileH = h * scale;
  const width = columns * tileW + (columns + 1) * padding;
  const height = rows * tileH + (rows + 1) * padding;
  if (!(width * height * c <= MAX_RASTER_BYTES)) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `imageGrid: a ${width} × ${height} raster (${columns} columns, scale ${scale}, padding ${padding}) exceeds ${MAX_RASTER_BYTES} bytes; use fewer columns, a smaller scale or fewer images.`,
    );
  }
  const bytes = tf.tidy(() => {
    let x = images.toFloat();
    // x − x is NaN exactly where x is NaN or ±Infinity: it survives clipping, so the one read below finds it.
    x = x.add(x.sub(x));
    if (range === 'tanh') x = x.add(1).mul(127.5);
    else if (range === 'unit') x = x.mul(255);
    x = x.clipByValue(0, 255);
    if (invert) x = tf.scalar(255).sub(x);
    return x.round();
  });
  const values = bytes.dataSync();
  bytes.dispose();
  if (values.some(Number.isNaN)) {
    throw new GanHacksError('NON_FINITE_INPUT', 'imageGrid: images contain NaN or infinite values; check the generator output.');
  }
  const pixels = new Uint8ClampedArray(width * height * c).fill(invert ? 255 : 0);
  for (let k = 0; k < n; k++) {
    const ox = padding + (k % columns) * (tileW + padding);
    const oy = padding + Math.floor(k / columns) * (tileH + padding);
    for (let y = 0; y < tileH; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < tileW; x++) {
        const sx = Math.floor(x / scale);
        const src = ((k * h + sy) * w + sx) * c;
        const dst = ((oy + y) * width + ox + x) * c;
        for (let ch = 0; ch < c; ch++) pixels[dst + ch] = values[src + ch];
      }
    }
  }
  return { width, height, channels: c, pixels };
}
