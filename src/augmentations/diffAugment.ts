import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertFloatTensor, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { createRng, type Rng } from '../internal/random.js';
import type { Augmentation, AugmentationContext } from './types.js';
import { checkApply } from './checks.js';

/** The transforms a {@link diffAugment} policy may name, in the authors' terms. */
export type DiffAugmentTransform = 'color' | 'translation' | 'cutout';

/** Every name a policy may hold. */
export const DIFF_AUGMENT_TRANSFORMS: readonly DiffAugmentTransform[] = ['color', 'translation', 'cutout'];

/** Options of {@link diffAugment}. */
export interface DiffAugmentOptions {
  /**
   * Comma-separated transforms applied in order: `color` (brightness, saturation, contrast),
   * `translation`, `cutout`. An empty policy leaves every batch unchanged. @defaultValue 'color,translation,cutout'
   */
  policy?: string;
}

/** A parameter of the explicit DiffAugment transforms: one number for every image, or an array of one per image. */
export type PerImageValue = number | readonly number[];

function images4d(name: string, images: unknown): asserts images is tf.Tensor4D {
  assertFloatTensor(`${name}: images`, images);
  if (images.rank !== 4) {
    throw new GanHacksError('INVALID_SHAPE', `${name}: images must be [n, height, width, channels], got shape [${images.shape.join(', ')}].`);
  }
}

/** One value per image from a number or an array of n, checked. */
function perImage(name: string, value: unknown, n: number, integer: boolean): number[] {
  const values = typeof value === 'number' ? new Array<number>(n).fill(value) : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (values === undefined) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a number or an array of one number per image, got ${show(value)}.`);
  }
  if (values.length !== n) {
    throw new GanHacksError('INVALID_SHAPE', `${name} must hold one value per image (${n}), got ${values.length}.`);
  }
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new GanHacksError('INVALID_ARGUMENT', `${name} must hold finite ${integer ? 'integers' : 'numbers'}, got ${show(v)}.`);
    }
  }
  return values as number[];
}

/** Options of {@link adjustBrightness}. */
export interface AdjustBrightnessOptions {
  /** Added to every pixel: one number, or one per image. */
  shift: PerImageValue;
}

/**
 * DiffAugment's brightness transform with its draw made explicit: `x + shift` per image
 * (Zhao et al. 2020, {@link https://arxiv.org/abs/2006.10738}; the policy draws shift from U(−0.5, 0.5)).
 *
 * @example
 * ```ts
 * adjustBrightness(images, { shift: [0.2, -0.1] }); // two images, brighter and darker
 * ```
 * @throws GanHacksError `INVALID_SHAPE` for images that are not [n, h, w, c] or a shift list of
 * another length; `INVALID_ARGUMENT` for a non-float32 or disposed tensor, or a non-finite shift.
 */
export function adjustBrightness(images: tf.Tensor4D, options: AdjustBrightnessOptions): tf.Tensor4D {
  images4d('adjustBrightness', images);
  const shift = perImage('adjustBrightness: shift', optionsObject('adjustBrightness', options).shift, images.shape[0], false);
  return tf.tidy(() => images.add(tf.tensor4d(shift, [shift.length, 1, 1, 1])));
}

/** Options of {@link adjustSaturation} and {@link adjustContrast}. */
export interface AdjustFactorOptions {
  /** How far each pixel is moved from the mean: one number, or one per image (1 keeps the image). */
  factor: PerImageValue;
}

/**
 * DiffAugment's saturation transform with its draw made explicit: every pixel's channels are moved
 * away from their mean over the channels, `(x − mean_c) · factor + mean_c` (the policy draws factor
 * from U(0, 2)). Single-channel images have nothing to saturate and come back equal.
 *
 * @example
 * ```ts
 * adjustSaturation(rgb, { factor: 0 }); // grey: every channel set to the pixel's channel mean
 * ```
 * @throws GanHacksError as {@link adjustBrightness}, for `factor`.
 */
export function adjustSaturation(images: tf.Tensor4D, options: AdjustFactorOptions): tf.Tensor4D {
  images4d('adjustSaturation', images);
  const factor = perImage('adjustSaturation: factor', optionsObject('adjustSaturation', options).factor, images.shape[0], false);
  return tf.tidy(() => {
    const mean = images.mean(3, true);
    return images.sub(mean).mul(tf.tensor4d(factor, [factor.length, 1, 1, 1])).add(mean) as tf.Tensor4D;
  });
}

/**
 * DiffAugment's contrast transform with its draw made explicit: every value is moved away from the
 * image's mean (over pixels and channels), `(x − mean) · factor + mean` (the policy draws factor
 * from U(0.5, 1.5)).
 *
 * @example
 * ```ts
 * adjustContrast(images, { factor: 1.5 }); // every image's contrast raised by half
 * ```
 * @throws GanHacksError as {@link adjustBrightness}, for `factor`.
 */
export function adjustContrast(images: tf.Tensor4D, options: AdjustFactorOptions): tf.Tensor4D {
  images4d('adjustContrast', images);
  const factor = perImage('adjustContrast: factor', optionsObject('adjustContrast', options).factor, images.shape[0], false);
  return tf.tidy(() => {
    const mean = images.mean([1, 2, 3], true);
    return images.sub(mean).mul(tf.tensor4d(factor, [factor.length, 1, 1, 1])).add(mean) as tf.Tensor4D;
  });
}

/** Options of {@link translateImages}. */
export interface TranslateImagesOptions {
  /** Pixels each image moves right (negative: left), one integer or one per image. */
  x: PerImageValue;
  /** Pixels each image moves down (negative: up), one integer or one per image. */
  y: PerImageValue;
}

/**
 * DiffAugment's translation with its draw made explicit: each image moves by whole pixels,
 * `out[i, j] = in[i − y, j − x]`, and the pixels uncovered are 0 (zero padding, as in the
 * authors' code; the policy draws x and y uniformly from the integers within ±1/8 of the side).
 * Each image is a slice of the zero-padded batch, so the gradient (a pad of the slice's) flows
 * back to the pixels that moved, on every backend: the authors' gather would need
 * UnsortedSegmentSum for its gradient, which tfjs's WASM backend lacks.
 *
 * @example
 * ```ts
 * translateImages(images, { x: 2, y: -1 }); // every image 2 px right and 1 px up
 * ```
 * @throws GanHacksError as {@link adjustBrightness}, for `x` and `y` (integers).
 */
export function translateImages(images: tf.Tensor4D, options: TranslateImagesOptions): tf.Tensor4D {
  images4d('translateImages', images);
  const o = optionsObject('translateImages', options);
  const [n, h, w, c] = images.shape;
  // A shift by the whole side or more leaves only padding: clamped, so the padding stays small.
  const xs = perImage('translateImages: x', o.x, n, true).map((v) => Math.max(-w, Math.min(w, v)));
  const ys = perImage('translateImages: y', o.y, n, true).map((v) => Math.max(-h, Math.min(h, v)));
  const px = Math.max(...xs.map(Math.abs));
  const py = Math.max(...ys.map(Math.abs));
  return tf.tidy(() => {
    const padded = tf.pad(images, [[0, 0], [py, py], [px, px], [0, 0]]);
    const moved = xs.map((x, b) => tf.slice(padded, [b, py - ys[b], px - x, 0], [1, h, w, c]));
    return (n === 1 ? moved[0] : tf.concat(moved, 0)) as tf.Tensor4D;
  });
}

/** Options of {@link cutoutImages}. */
export interface CutoutImagesOptions {
  /** First row of the zeroed rectangle (may lie outside the image), one integer or one per image. */
  top: PerImageValue;
  /** First column of the zeroed rectangle (may lie outside the image), one integer or one per image. */
  left: PerImageValue;
  /** Rows of the rectangle (a positive integer). */
  height: number;
  /** Columns of the rectangle (a positive integer). */
  width: number;
}

/**
 * DiffAugment's cutout with its draw made explicit: the rectangle of rows [top, top + height) and
 * columns [left, left + width), clipped to the image, is set to 0 in every channel (the policy
 * draws a square of half the side at a uniform centre, as the authors' code does). A product with
 * a 0/1 mask, so gradients flow to the pixels kept.
 *
 * @example
 * ```ts
 * cutoutImages(images, { top: 2, left: 2, height: 4, width: 4 }); // a 4x4 hole at (2, 2)
 * ```
 * @throws GanHacksError as {@link adjustBrightness}, for `top` and `left` (integers);
 * `INVALID_ARGUMENT` for a height or width that is not a positive integer.
 */
export function cutoutImages(images: tf.Tensor4D, options: CutoutImagesOptions): tf.Tensor4D {
  images4d('cutoutImages', images);
  const o = optionsObject('cutoutImages', options);
  const [n, h, w] = images.shape;
  const tops = perImage('cutoutImages: top', o.top, n, true);
  const lefts = perImage('cutoutImages: left', o.left, n, true);
  assertPositiveInteger('cutoutImages: height', o.height as number);
  assertPositiveInteger('cutoutImages: width', o.width as number);
  const mask = new Float32Array(n * h * w).fill(1);
  for (let b = 0; b < n; b++) {
    for (let i = Math.max(tops[b], 0); i < Math.min(tops[b] + o.height!, h); i++) {
      for (let j = Math.max(lefts[b], 0); j < Math.min(lefts[b] + o.width!, w); j++) mask[(b * h + i) * w + j] = 0;
    }
  }
  return tf.tidy(() => images.mul(tf.tensor4d(mask, [n, h, w, 1])));
}

/** A uniform integer in [lo, hi]. */
function randint(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** One transform of the policy, drawing its parameters from `rng` as the authors' code does. */
function randomTransform(name: DiffAugmentTransform, x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const draw = (f: () => number): number[] => Array.from({ length: n }, f);
  if (name === 'color') {
    const shift = draw(() => rng() - 0.5);
    const saturation = draw(() => rng() * 2);
    const contrast = draw(() => rng() + 0.5);
    return adjustContrast(adjustSaturation(adjustBrightness(x, { shift }), { factor: saturation }), { factor: contrast });
  }
  if (name === 'translation') {
    // int(side · 1/8 + 0.5) as in the authors' code: ±4 px at 28, ±1 px at 4.
    const sy = Math.floor(h * 0.125 + 0.5);
    const sx = Math.floor(w * 0.125 + 0.5);
    const y = draw(() => randint(rng, -sy, sy));
    return translateImages(x, { x: draw(() => randint(rng, -sx, sx)), y });
  }
  // A square of half the side whose centre is uniform over the image (one step past it for even sizes, as the authors draw it).
  const ch = Math.floor(h * 0.5 + 0.5);
  const cw = Math.floor(w * 0.5 + 0.5);
  const top = draw(() => randint(rng, 0, h - (ch % 2)) - Math.floor(ch / 2));
  const left = draw(() => randint(rng, 0, w - (cw % 2)) - Math.floor(cw / 2));
  return cutoutImages(x, { top, left, height: ch, width: cw });
}

/** The transforms a policy string names, checked. */
function parsePolicy(policy: unknown): DiffAugmentTransform[] {
  if (typeof policy !== 'string') {
    throw new GanHacksError('INVALID_ARGUMENT', `diffAugment: policy must be a string such as 'color,translation,cutout', got ${show(policy)}.`);
  }
  if (policy.trim() === '') return [];
  return policy.split(',').map((part) => {
    const name = part.trim();
    if (!DIFF_AUGMENT_TRANSFORMS.includes(name as DiffAugmentTransform)) {
      throw new GanHacksError('INVALID_ARGUMENT', `diffAugment: policy names unknown transform ${show(name)}; the valid ones are ${DIFF_AUGMENT_TRANSFORMS.map((t) => `'${t}'`).join(', ')}, comma-separated (got ${show(policy)}).`);
    }
    return name as DiffAugmentTransform;
  });
}

/**
 * Differentiable augmentation: see {@link diffAugment}.
 *
 * @example
 * ```ts
 * const augment = new DiffAugment({ policy: 'translation,cutout' }); // same as diffAugment(...)
 * ```
 * @throws GanHacksError as {@link diffAugment}.
 */
export class DiffAugment implements Augmentation {
  readonly name = 'diffAugment';
  /** The transforms applied, in order (empty: the identity). */
  readonly transforms: readonly DiffAugmentTransform[];

  constructor(options?: DiffAugmentOptions | null) {
    const o = optionsObject('diffAugment', options);
    this.transforms = Object.freeze(parsePolicy(o.policy ?? 'color,translation,cutout'));
  }

  /**
   * `images` through every transform of the policy, each image with its own draw from
   * `context.seed`; `images` itself for an empty policy. Differentiable w.r.t. `images`.
   * @throws GanHacksError `INVALID_SHAPE` for a batch that is not [n, h, w, c];
   * `INVALID_ARGUMENT` for a non-float32 or disposed batch, or a malformed context.
   */
  apply(images: tf.Tensor, context: AugmentationContext): tf.Tensor {
    checkApply('diffAugment', images, context, 4);
    if (this.transforms.length === 0) return images;
    const rng = createRng(context.seed);
    return tf.tidy(() => this.transforms.reduce((x, t) => randomTransform(t, x, rng), images as tf.Tensor4D));
  }
}

/**
 * DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for
 * Data-Efficient GAN Training", {@link https://arxiv.org/abs/2006.10738}): the
 * same random, differentiable transforms applied to every batch D sees, real
 * and fake in D's update and G's samples in G's update, so D cannot memorise
 * the few real images it has while G still gets a gradient through the
 * transform. Augmenting the reals alone would teach G the augmentations.
 *
 * The transforms follow the authors' released code (DiffAugment_pytorch.py,
 * mit-han-lab/data-efficient-gans): `color` = brightness + U(−0.5, 0.5), then
 * saturation × U(0, 2) around the mean over channels, then contrast ×
 * U(0.5, 1.5) around the image mean; `translation` = a whole-pixel shift of up
 * to 1/8 of the side with zero padding; `cutout` = a zeroed square of half the
 * side at a random place. Each image draws its own parameters. The authors'
 * data are in [−1, 1] too (their CIFAR loader normalises with mean 0.5 and
 * std 0.5), so the constants mean the same here: padding and cutout fill with
 * mid-grey 0, and brightness moves an image by up to a quarter of its range.
 * On single-channel images saturation is the identity.
 *
 * Stateless; the draws come from the seed the Trainer passes with each batch,
 * so a seeded run repeats and resumes exactly. The explicit transforms
 * ({@link adjustBrightness}, {@link adjustSaturation}, {@link adjustContrast},
 * {@link translateImages}, {@link cutoutImages}) take their parameters as
 * arguments.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, latentDim: 100, seed: 1,
 *   augmentations: [diffAugment({ policy: 'color,translation,cutout' })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, a policy that is
 * not a string, or one that names a transform other than 'color', 'translation' and 'cutout'.
 */
export function diffAugment(options?: DiffAugmentOptions | null): DiffAugment {
  return new DiffAugment(options);
}
