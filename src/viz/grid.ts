import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertNonNegativeInteger, assertPositiveInteger, assertTensor } from '../internal/validate.js';
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
  /** Images per row. @defaultValue ceil(sqrt(n)) */
  columns?: number;
  /** Pixels between tiles (background colour). @defaultValue 2 */
  padding?: number;
  /** Integer upscaling of every pixel. @defaultValue 1 */
  scale?: number;
  /** Value range of the images. @defaultValue 'tanh' ([-1, 1]) */
  range?: ImageRange;
  /** Reversed grayscale (ink dark on white), as the source's `cmap='gray_r'`. @defaultValue true */
  invert?: boolean;
}

/**
 * Tiles a batch of images [n, h, w, c] (c = 1 or 3) into one raster, ready
 * for a PNG encoder or a canvas. Reads the batch from the device once.
 *
 * @example
 * ```ts
 * const grid = imageGrid(generator.predict(z) as tf.Tensor4D, { columns: 10 });
 * await writePng('epoch-1.png', grid); // gan-hacks/node
 * ```
 * @throws GanHacksError `INVALID_SHAPE` unless the batch is [n, h, w, 1 or 3].
 */
export function imageGrid(images: tf.Tensor, options: ImageGridOptions = {}): Raster {
  assertTensor('imageGrid: images', images);
  if (images.rank !== 4 || (images.shape[3] !== 1 && images.shape[3] !== 3) || images.shape[0] < 1) {
    throw new GanHacksError('INVALID_SHAPE', `imageGrid: images must be [n, height, width, 1 or 3], got [${images.shape.join(', ')}].`);
  }
  const [n, h, w, c] = images.shape as [number, number, number, 1 | 3];
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  const padding = options.padding ?? 2;
  const scale = options.scale ?? 1;
  const invert = options.invert ?? true;
  const range = options.range ?? 'tanh';
  assertPositiveInteger('imageGrid: columns', columns);
  assertNonNegativeInteger('imageGrid: padding', padding);
  assertPositiveInteger('imageGrid: scale', scale);
  const rows = Math.ceil(n / columns);
  const bytes = tf.tidy(() => {
    let x = images.toFloat();
    if (range === 'tanh') x = x.add(1).mul(127.5);
    else if (range === 'unit') x = x.mul(255);
    x = x.clipByValue(0, 255);
    if (invert) x = tf.scalar(255).sub(x);
    return x.round();
  });
  const values = bytes.dataSync();
  bytes.dispose();
  const tileW = w * scale;
  const tileH = h * scale;
  const width = columns * tileW + (columns + 1) * padding;
  const height = rows * tileH + (rows + 1) * padding;
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
