import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, assertNumericTensor, optionsObject, show } from '../internal/validate.js';

/** Pixel data accepted by {@link scaleImages}: a tensor, a typed array or plain numbers. */
export type PixelData = tf.Tensor | Uint8Array | Uint8ClampedArray | Float32Array | number[];

/** Options of {@link scaleImages}. */
export interface ScaleImagesOptions {
  /**
   * Check that every value is finite and lies in the expected range first
   * ([0, 255], or [-1, 1] for {@link unscaleImages}). For tensors this costs
   * one read from the device; turn it off in a hot loop over trusted data.
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

function nonFiniteError(fn: string): GanHacksError {
  return new GanHacksError('NON_FINITE_INPUT', `${fn}: images contain NaN or infinite values; check the data pipeline or the generator output.`);
}

const ARRAY_TYPES = [Uint8Array, Uint8ClampedArray, Float32Array];

/** Checks the pixel container (not its values) and the options; returns `check`. */
function checkInput(fn: string, data: unknown, options: ScaleImagesOptions | null | undefined): boolean {
  const o = optionsObject(fn, options);
  if (o.check !== undefined) assertBoolean(`${fn}: check`, o.check);
  if (data instanceof tf.Tensor) {
    assertNumericTensor(`${fn}: images`, data);
  } else if (Array.isArray(data) || ARRAY_TYPES.some((T) => data instanceof T)) {
    if ((data as ArrayLike<number>).length === 0) {
      throw new GanHacksError('INVALID_SHAPE', `${fn}: images is empty; pass at least one pixel value.`);
    }
    if (Array.isArray(data)) {
      const i = data.findIndex((v) => typeof v !== 'number');
      if (i >= 0) throw new GanHacksError('INVALID_ARGUMENT', `${fn}: images[${i}] must be a number, got ${show(data[i])}.`);
    }
  } else {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${fn}: images must be a tf.Tensor, a Uint8Array, a Uint8ClampedArray, a Float32Array or an array of numbers, got ${data === null ? 'null' : typeof data === 'object' ? (data as object).constructor?.name ?? 'an object' : show(data)}.`,
    );
  }
  return o.check ?? true;
}

function arrayMinMax(fn: string, values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw nonFiniteError(fn);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function tensorMinMax(fn: string, t: tf.Tensor): [number, number] {
  // x - x is 0 for finite values and NaN for NaN or ±Infinity: one read gives all three.
  const mm = tf.tidy(() => {
    const x = t.toFloat();
    return tf.stack([x.min(), x.max(), x.sub(x).sum()]);
  });
  const [min, max, nonFinite] = mm.dataSync();
  mm.dispose();
  if (Number.isNaN(nonFinite)) throw nonFiniteError(fn);
  return [min, max];
}

function checkRange(fn: string, data: PixelData, lo: number, hi: number): void {
  const [min, max] = data instanceof tf.Tensor ? tensorMinMax(fn, data) : arrayMinMax(fn, data);
  if (!(min >= lo && max <= hi)) throw rangeError(fn, lo, hi, min, max);
}

/**
 * Scales pixel intensities from [0, 255] to [-1, 1] with (x − 127.5) / 127.5,
 * the range of a tanh generator (the DCGAN paper, Radford et al. 2015; docs/experiments/hacks.md).
 *
 * A tensor comes back as a new float32 tensor of the same shape; arrays come
 * back as a `Float32Array`. The input is never modified or disposed.
 *
 * @example
 * ```ts
 * scaleImages(new Uint8Array([0, 255])); // Float32Array [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_RANGE` when a value lies outside [0, 255]; `NON_FINITE_INPUT`
 * for NaN or ±Infinity (both with `check`); `INVALID_SHAPE` for empty input;
 * `INVALID_ARGUMENT` for other containers, non-numbers or a string tensor.
 */
export function scaleImages(images: tf.Tensor, options?: ScaleImagesOptions | null): tf.Tensor;
export function scaleImages(images: Exclude<PixelData, tf.Tensor>, options?: ScaleImagesOptions | null): Float32Array;
export function scaleImages(images: PixelData, options?: ScaleImagesOptions | null): tf.Tensor | Float32Array {
  if (checkInput('scaleImages', images, options)) checkRange('scaleImages', images, 0, 255);
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
 * @throws GanHacksError `INVALID_RANGE` when a value lies outside [-1, 1]; `NON_FINITE_INPUT`
 * for NaN or ±Infinity (both with `check`); `INVALID_SHAPE` for empty input;
 * `INVALID_ARGUMENT` for other containers, non-numbers or a string tensor.
 */
export function unscaleImages(images: tf.Tensor, options?: ScaleImagesOptions | null): tf.Tensor;
export function unscaleImages(images: Exclude<PixelData, tf.Tensor>, options?: ScaleImagesOptions | null): Uint8ClampedArray;
export function unscaleImages(images: PixelData, options?: ScaleImagesOptions | null): tf.Tensor | Uint8ClampedArray {
  if (checkInput('unscaleImages', images, options)) checkRange('unscaleImages', images, -1 - 1e-6, 1 + 1e-6);
  if (images instanceof tf.Tensor) {
    return tf.tidy(() => images.toFloat().mul(127.5).add(127.5).round().clipByValue(0, 255).toInt());
  }
  const out = new Uint8ClampedArray(images.length);
  for (let i = 0; i < images.length; i++) out[i] = Math.round(images[i] * 127.5 + 127.5);
  return out;
}
