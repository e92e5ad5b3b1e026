import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';

/** Pixel data accepted by {@link scaleImages}: a tensor, a typed array or plain numbers. */
export type PixelData = tf.Tensor | Uint8Array | Uint8ClampedArray | Float32Array | number[];

/** Options of {@link scaleImages}. */
export interface ScaleImagesOptions {
  /**
   * Check that every value lies in [0, 255] first. For tensors this costs one
   * read from the device; turn it off in a hot loop over trusted data.
   * @defaultValue true
   */
  check?: boolean;
}

function rangeError(fn: string, lo: number, hi: number, min: number, max: number): GanHacksError {
  return new GanHacksError(
    'INVALID_RANGE',
    `${fn}: expected values in [${lo}, ${hi}], found values from ${min} to ${max}. ` +
      (fn === 'scaleImages'
        ? 'Pass raw pixel intensities (0-255); data already in [0, 1] must be multiplied by 255 first.'
        : 'Pass generator output in [-1, 1] (a tanh output layer guarantees it).'),
  );
}

function arrayMinMax(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= min)) min = Number.isNaN(v) ? NaN : v;
    if (!(v <= max)) max = Number.isNaN(v) ? NaN : v;
    if (Number.isNaN(v)) return [NaN, NaN];
  }
  return [min, max];
}

function tensorMinMax(t: tf.Tensor): [number, number] {
  const mm = tf.tidy(() => tf.stack([t.min(), t.max()]));
  const [min, max] = mm.dataSync();
  mm.dispose();
  return [min, max];
}

function checkRange(fn: string, data: PixelData, lo: number, hi: number): void {
  const [min, max] = data instanceof tf.Tensor ? tensorMinMax(data) : arrayMinMax(data);
  if (!(min >= lo && max <= hi)) throw rangeError(fn, lo, hi, min, max);
}

/**
 * Scales pixel intensities from [0, 255] to [-1, 1] with (x − 127.5) / 127.5,
 * the range of a tanh generator (EXPERIMENTS.md A7).
 *
 * A tensor comes back as a new float32 tensor of the same shape; arrays come
 * back as a `Float32Array`. The input is never modified or disposed.
 *
 * @example
 * ```ts
 * scaleImages(new Uint8Array([0, 255])); // Float32Array [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when a value lies outside [0, 255].
 */
export function scaleImages(images: tf.Tensor, options?: ScaleImagesOptions): tf.Tensor;
export function scaleImages(images: Exclude<PixelData, tf.Tensor>, options?: ScaleImagesOptions): Float32Array;
export function scaleImages(images: PixelData, options: ScaleImagesOptions = {}): tf.Tensor | Float32Array {
  if (options.check ?? true) checkRange('scaleImages', images, 0, 255);
  if (images instanceof tf.Tensor) return tf.tidy(() => images.toFloat().sub(127.5).div(127.5));
  const out = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) out[i] = (images[i] - 127.5) / 127.5;
  return out;
}

/**
 * The inverse of {@link scaleImages}: maps [-1, 1] back to [0, 255], rounded.
 *
 * A tensor comes back as an int32 tensor; arrays come back as a
 * `Uint8ClampedArray`, ready for an image buffer.
 *
 * @example
 * ```ts
 * unscaleImages([-1, 0, 1]); // Uint8ClampedArray [0, 128, 255]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when a value lies outside [-1, 1] (with `check`).
 */
export function unscaleImages(images: tf.Tensor, options?: ScaleImagesOptions): tf.Tensor;
export function unscaleImages(images: Exclude<PixelData, tf.Tensor>, options?: ScaleImagesOptions): Uint8ClampedArray;
export function unscaleImages(images: PixelData, options: ScaleImagesOptions = {}): tf.Tensor | Uint8ClampedArray {
  if (options.check ?? true) checkRange('unscaleImages', images, -1 - 1e-6, 1 + 1e-6);
  if (images instanceof tf.Tensor) {
    return tf.tidy(() => images.toFloat().mul(127.5).add(127.5).round().clipByValue(0, 255).toInt());
  }
  const out = new Uint8ClampedArray(images.length);
  for (let i = 0; i < images.length; i++) out[i] = Math.round(images[i] * 127.5 + 127.5);
  return out;
}
