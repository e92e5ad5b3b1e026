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
 * Where each image of a batch goes in a grid, with the rendering options
 * resolved: what {@link imageGrid} and gan-hacks/browser's `drawGrid` share.
 * @internal
 */
export interface GridLayout {
  /** Images, height and width of one image, channels. */
  n: number;
  h: number;
  w: number;
  c: 1 | 3;
  columns: number;
  padding: number;
  scale: number;
  invert: boolean;
  range: ImageRange;
  /** The whole raster's size in pixels. */
  width: number;
  height: number;
}

/**
 * Validates a batch and grid options and computes the layout, before any
 * tensor is allocated or read. `fn` names the caller in messages.
 * @internal
 */
export function gridLayout(fn: string, images: tf.Tensor, options: ImageGridOptions | null | undefined): GridLayout {
  const o = optionsObject(fn, options);
  assertNumericTensor(`${fn}: images`, images);
  if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3)) {
    throw new GanHacksError('INVALID_SHAPE', `${fn}: images must be [n, height, width, 1 or 3], got [${images.shape.join(', ')}].`);
  }
  checkImageGridOptions(fn, o);
  const [n, h, w, c] = images.shape as [number, number, number, 1 | 3];
  const columns = o.columns ?? Math.ceil(Math.sqrt(n));
  const padding = o.padding ?? 2;
  const scale = o.scale ?? 1;
  assertPositiveInteger(`${fn}: columns`, columns);
  const rows = Math.ceil(n / columns);
  const width = columns * w * scale + (columns + 1) * padding;
  const height = rows * h * scale + (rows + 1) * padding;
  if (!(width * height * c <= MAX_RASTER_BYTES)) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${fn}: a ${width} × ${height} raster (${columns} columns, scale ${scale}, padding ${padding}) exceeds ${MAX_RASTER_BYTES} bytes; use fewer columns, a smaller scale or fewer images.`,
    );
  }
  return { n, h, w, c, columns, padding, scale, invert: o.invert ?? true, range: o.range ?? 'tanh', width, height };
}

/**
 * The batch as pixel values 0-255 (inverted when asked), NaN wherever the
 * input was NaN or infinite; the caller reads it once and disposes it.
 * @internal
 */
export function gridBytes(images: tf.Tensor, layout: GridLayout): tf.Tensor {
  return tf.tidy(() => {
    let x = images.toFloat();
    // x − x is NaN exactly where x is NaN or ±Infinity: it survives clipping, so the one read finds it.
    x = x.add(x.sub(x));
    if (layout.range === 'tanh') x = x.add(1).mul(127.5);
    else if (layout.range === 'unit') x = x.mul(255);
    x = x.clipByValue(0, 255);
    if (layout.invert) x = tf.scalar(255).sub(x);
    return x.round();
  });
}

/**
 * Tiles the values {@link gridBytes} read into one raster: pure, so the
 * synchronous and the asynchronous readers share it.
 * @throws GanHacksError `NON_FINITE_INPUT` when a value is NaN (the input held NaN or ±Infinity).
 * @internal
 */
export function tileGrid(fn: string, values: ArrayLike<number>, layout: GridLayout): Raster {
  const { n, h, w, c, columns, padding, scale, invert, width, height } = layout;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new GanHacksError('NON_FINITE_INPUT', `${fn}: images contain NaN or infinite values; check the generator output.`);
    }
  }
  const tileW = w * scale;
  const tileH = h * scale;
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

/**
 * Tiles a batch of images [n, h, w, c] (c = 1 or 3) into one raster, ready
 * for a PNG encoder or a canvas. Reads the batch from the device once.
 * Values outside the range are clipped; NaN or ±Infinity are refused.
 * In a page, gan-hacks/browser's `drawGrid` does the same without blocking.
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
  const layout = gridLayout('imageGrid', images, options);
  const bytes = gridBytes(images, layout);
  let values: ArrayLike<number>;
  try {
    values = bytes.dataSync();
  } finally {
    bytes.dispose();
  }
  return tileGrid('imageGrid', values, layout);
}
