import * as tf from '@tensorflow/tfjs';
import { assertNonNegative, assertNonNegativeInteger, optionsObject } from '../internal/validate.js';
import type { Augmentation, AugmentationContext } from './types.js';
import { checkApply } from './checks.js';

/** Options of {@link instanceNoise} and {@link instanceNoiseStd}. */
export interface InstanceNoiseOptions {
  /** Standard deviation of the Gaussian noise at iteration 0 (a finite number ≥ 0). @defaultValue 0.1 */
  std?: number;
  /**
   * Iterations over which the standard deviation falls linearly to 0, after which the batches pass
   * unchanged (a non-negative integer; 0 keeps it constant). @defaultValue 0
   */
  decay?: number;
}

function resolve(name: string, options: InstanceNoiseOptions | null | undefined): { std: number; decay: number } {
  const o = optionsObject(name, options);
  const std = o.std ?? 0.1;
  const decay = o.decay ?? 0;
  assertNonNegative(`${name}: std`, std);
  assertNonNegativeInteger(`${name}: decay`, decay);
  return { std, decay };
}

/**
 * The standard deviation {@link instanceNoise} adds at `iteration` (iterations finished before the
 * current one): `std · max(0, 1 − iteration / decay)`, or `std` when `decay` is 0. A pure function,
 * so a schedule can be shown or plotted without a Trainer.
 *
 * @example
 * ```ts
 * instanceNoiseStd(0, { std: 0.1, decay: 1000 });    // 0.1
 * instanceNoiseStd(250, { std: 0.1, decay: 1000 });  // 0.075
 * instanceNoiseStd(1000, { std: 0.1, decay: 1000 }); // 0: batches pass unchanged from here on
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an iteration or decay that is not a non-negative
 * integer, or options that are not an object; `INVALID_RANGE` / `INVALID_ARGUMENT` for a negative
 * or non-finite std.
 */
export function instanceNoiseStd(iteration: number, options?: InstanceNoiseOptions | null): number {
  assertNonNegativeInteger('instanceNoiseStd: iteration', iteration);
  const { std, decay } = resolve('instanceNoiseStd', options);
  return scheduledStd(iteration, std, decay);
}

function scheduledStd(iteration: number, std: number, decay: number): number {
  if (decay === 0) return std;
  return std * Math.max(0, 1 - iteration / decay);
}

/**
 * Instance noise: see {@link instanceNoise}.
 *
 * @example
 * ```ts
 * const noise = new InstanceNoise({ std: 0.1, decay: 2000 }); // same as instanceNoise(...)
 * ```
 * @throws GanHacksError as {@link instanceNoise}.
 */
export class InstanceNoise implements Augmentation {
  readonly name = 'instanceNoise';
  /** The standard deviation at iteration 0. */
  readonly std: number;
  /** Iterations over which the standard deviation falls to 0 (0: constant). */
  readonly decay: number;

  constructor(options?: InstanceNoiseOptions | null) {
    ({ std: this.std, decay: this.decay } = resolve('instanceNoise', options));
  }

  /**
   * `images` plus N(0, σ²) noise drawn from `context.seed`, σ = {@link instanceNoiseStd} at
   * `context.iteration`; `images` itself once σ is 0.
   * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_SHAPE` for a batch that is not a live,
   * non-empty float32 tensor, or a malformed context.
   */
  apply(images: tf.Tensor, context: AugmentationContext): tf.Tensor {
    checkApply('instanceNoise', images, context);
    const sigma = scheduledStd(context.iteration, this.std, this.decay);
    if (sigma === 0) return images;
    return tf.tidy(() => images.add(tf.randomNormal(images.shape, 0, sigma, 'float32', context.seed)));
  }
}

/**
 * Instance noise (Sønderby et al. 2016, "Amortised MAP Inference for Image
 * Super-resolution", {@link https://arxiv.org/abs/1610.04490}; Arjovsky & Bottou
 * 2017, "Towards Principled Methods for Training Generative Adversarial
 * Networks", {@link https://arxiv.org/abs/1701.04862}; soumith/ganhacks tip 13,
 * "add noise to inputs, decay over time"): Gaussian noise added to every batch
 * the discriminator sees, real and fake, in D's and G's updates. Both
 * distributions are blurred by the same noise, so their supports overlap and
 * D cannot separate them perfectly, which keeps G's gradient alive early in
 * training; `decay` anneals the noise away (linearly, see
 * {@link instanceNoiseStd}) so the final model is trained on clean images.
 *
 * The noise is drawn from the seed the Trainer passes with each batch: a
 * seeded run repeats and resumes exactly. Stateless: nothing to checkpoint.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator, discriminator, latentDim: 100, seed: 1,
 *   augmentations: [instanceNoise({ std: 0.1, decay: 2000 })] }); // gone after 2000 iterations
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, a non-finite
 * std or a decay that is not a non-negative integer; `INVALID_RANGE` for a negative std.
 */
export function instanceNoise(options?: InstanceNoiseOptions | null): InstanceNoise {
  return new InstanceNoise(options);
}
