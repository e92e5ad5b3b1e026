import type * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { show } from '../internal/validate.js';
import { gridBytes, gridLayout, tileGrid, type ImageGridOptions, type Raster } from '../viz/grid.js';

/**
 * Pixels as a canvas takes them: RGBA, 4 bytes per pixel, row-major. A
 * browser's `ImageData` has this shape, and `new ImageData(image.data, image.width)`
 * accepts one.
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, alpha 255. */
  data: Uint8ClampedArray<ArrayBuffer>;
}

/** The part of a 2D canvas context {@link drawGrid} uses. */
export interface GridContext2D {
  putImageData(image: ImageData, dx: number, dy: number): void;
}

/**
 * What {@link drawGrid} draws on: an `HTMLCanvasElement`, an `OffscreenCanvas`
 * (in a worker), or anything with a size and a 2D context that takes
 * `putImageData` (a test's stand-in).
 */
export interface GridCanvas {
  width: number;
  height: number;
  getContext(contextId: '2d'): GridContext2D | null;
}

/** Options of {@link drawGrid}: those of `imageGrid` (core entry). */
export type DrawGridOptions = ImageGridOptions;

/**
 * Expands a gray or RGB raster (what `imageGrid` returns) to RGBA with alpha
 * 255, the layout `ImageData` requires: a 1- or 3-channel array is refused by
 * the browser with `IndexSizeError` ("not a multiple of (4 * width)").
 *
 * @example
 * ```ts
 * const rgba = toRgba(imageGrid(images, { columns: 8 }));
 * canvas.getContext('2d')!.putImageData(new ImageData(rgba.data, rgba.width), 0, 0);
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `raster` is not a raster (positive integer
 * width and height, 1 or 3 channels, width × height × channels pixels).
 */
export function toRgba(raster: Raster): RgbaImage {
  const r = raster as Partial<Raster> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    Number.isInteger(r.width) &&
    Number.isInteger(r.height) &&
    r.width! > 0 &&
    r.height! > 0 &&
    (r.channels === 1 || r.channels === 3) &&
    r.pixels instanceof Uint8ClampedArray &&
    r.pixels.length === r.width! * r.height! * r.channels;
  if (!ok) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `toRgba: raster must be { width, height, channels: 1 | 3, pixels: Uint8ClampedArray of width × height × channels }, got ${show(raster)}${
        r && typeof r === 'object' ? ` (width ${show(r.width)}, height ${show(r.height)}, channels ${show(r.channels)}, ${r.pixels instanceof Uint8ClampedArray ? `${r.pixels.length} pixels` : `pixels ${show(r.pixels)}`})` : ''
      }.`,
    );
  }
  const { width, height, channels, pixels } = raster;
  const n = width * height;
  const data = new Uint8ClampedArray(n * 4);
  if (channels === 1) {
    for (let i = 0; i < n; i++) {
      const v = pixels[i];
      data[4 * i] = v;
      data[4 * i + 1] = v;
      data[4 * i + 2] = v;
      data[4 * i + 3] = 255;
    }
  } else {
    for (let i = 0; i < n; i++) {
      data[4 * i] = pixels[3 * i];
      data[4 * i + 1] = pixels[3 * i + 1];
      data[4 * i + 2] = pixels[3 * i + 2];
      data[4 * i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** The canvas's 2D context, or a GanHacksError saying why there is none. */
function context2d(canvas: unknown): GridContext2D {
  const c = canvas as Partial<GridCanvas> | null;
  if (c === null || typeof c !== 'object' || typeof c.getContext !== 'function') {
    throw new GanHacksError('INVALID_ARGUMENT', `drawGrid: canvas must be an HTMLCanvasElement or OffscreenCanvas (something with getContext('2d')), got ${show(canvas)}.`);
  }
  const ctx = c.getContext('2d');
  if (ctx === null || typeof ctx !== 'object' || typeof (ctx as Partial<GridContext2D>).putImageData !== 'function') {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      "drawGrid: canvas.getContext('2d') gave no 2D context; a canvas that already holds a WebGL or bitmap context cannot give one: draw on a canvas of its own.",
    );
  }
  return ctx;
}

/**
 * Draws a batch of images [n, h, w, 1 or 3] on a canvas as one grid, the
 * picture `imageGrid` makes for the Node PNGs (reversed grayscale by default:
 * ink dark on white). The canvas is resized to the grid. The batch is read
 * from the device once, with an asynchronous `data()`: the page keeps
 * painting while a WebGL or WebGPU backend finishes its work. The caller keeps
 * (and disposes) `images`.
 *
 * @returns the RGBA pixels drawn.
 * @example
 * ```ts
 * const images = tf.tidy(() => generator.apply(z, { training: false }) as tf.Tensor4D);
 * await drawGrid(document.querySelector('canvas')!, images, { columns: 8, scale: 2 });
 * images.dispose();
 * ```
 * @throws GanHacksError (the promise rejects, nothing is drawn) `INVALID_ARGUMENT` for a canvas
 * without a 2D context, a value that is not a live tensor of numbers or a bad option;
 * `INVALID_SHAPE` unless the batch is [n, h, w, 1 or 3]; `INVALID_RANGE` when the grid would
 * exceed 2^28 bytes; `NON_FINITE_INPUT` for NaN or ±Infinity in the images.
 */
export async function drawGrid(canvas: GridCanvas | HTMLCanvasElement | OffscreenCanvas, images: tf.Tensor, options?: DrawGridOptions | null): Promise<RgbaImage> {
  const layout = gridLayout('drawGrid', images, options);
  const ctx = context2d(canvas);
  const bytes = gridBytes(images, layout);
  let values: ArrayLike<number>;
  try {
    values = await bytes.data();
  } finally {
    bytes.dispose();
  }
  const rgba = toRgba(tileGrid('drawGrid', values, layout));
  const target = canvas as GridCanvas;
  // Setting a canvas's size clears it even when unchanged; only resize when needed.
  if (target.width !== rgba.width) target.width = rgba.width;
  if (target.height !== rgba.height) target.height = rgba.height;
  ctx.putImageData(imageData(rgba), 0, 0);
  return rgba;
}

/**
 * A real `ImageData` where the platform has one (every browser and worker:
 * a real context accepts nothing else); the plain object elsewhere, for a
 * stand-in context in tests.
 */
function imageData(rgba: RgbaImage): ImageData {
  const ImageDataClass = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  return ImageDataClass ? new ImageDataClass(rgba.data, rgba.width, rgba.height) : (rgba as unknown as ImageData);
}
