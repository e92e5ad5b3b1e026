import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, assertOneOf, assertPositiveInteger, optionsObject } from '../internal/validate.js';
import { LAYER_LIMITS, assertOptionalSeed } from '../layers/limits.js';

/** Most values one {@link sampleLatent} call draws (n × dim): 2^27, 512 MiB of float32. */
const MAX_LATENT_VALUES = 2 ** 27;

/** Distribution of latent points. */
export type LatentDistribution = 'gaussian' | 'uniform';

/** Options of {@link sampleLatent}. */
export interface SampleLatentOptions {
  /**
   * `'gaussian'`: N(0, 1), the DCGAN advice. `'uniform'`: U(−1, 1), as
   * the WGAN-GP chapter of Raschka & Mirjalili samples.
   * @defaultValue 'gaussian'
   */
  distribution?: LatentDistribution;
  /** Seed for a reproducible sample (a finite number). */
  seed?: number;
}

/**
 * Draws `n` latent points of size `dim` (a Gaussian latent, the DCGAN advice; docs/experiments/hacks.md).
 *
 * @example
 * ```ts
 * const z = sampleLatent(500, 100); // [500, 100], mean ~0, std ~1
 * const u = sampleLatent(128, 20, { distribution: 'uniform', seed: 7 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `n` or `dim` is not a positive integer, for
 * an unknown distribution or a non-finite seed; `INVALID_RANGE` when `n` exceeds
 * `LIMITS.samples` (1,048,576), `dim` exceeds 65,536 or n × dim exceeds 2^27 values.
 */
export function sampleLatent(n: number, dim: number, options?: SampleLatentOptions | null): tf.Tensor2D {
  assertPositiveInteger('sampleLatent: n', n);
  assertAtMost('sampleLatent: n', n, LIMITS.samples, 'Draw large samples in batches.');
  assertPositiveInteger('sampleLatent: dim', dim, 'A latent space needs at least one dimension.');
  assertAtMost('sampleLatent: dim', dim, LAYER_LIMITS.units);
  if (n * dim > MAX_LATENT_VALUES) {
    throw new GanHacksError('INVALID_RANGE', `sampleLatent: n × dim = ${n} × ${dim} exceeds ${MAX_LATENT_VALUES} values in one call; draw the sample in batches.`);
  }
  const o = optionsObject('sampleLatent', options);
  const distribution = o.distribution ?? 'gaussian';
  assertOneOf('sampleLatent: distribution', distribution, ['gaussian', 'uniform'] as const);
  assertOptionalSeed('sampleLatent: seed', o.seed);
  return distribution === 'gaussian'
    ? tf.randomNormal([n, dim], 0, 1, 'float32', normalSeed(o.seed))
    : tf.randomUniform([n, dim], -1, 1, 'float32', o.seed);
}

/**
 * tfjs's randomNormal takes a seed of 0 for "no seed" (`seed ? seed : Math.random()`), so seed 0, the
 * default of the sample-grid hooks, would draw a different batch every run. It seeds its stream with
 * `seed.toString()`; a truthy String object with the text '0' gives the stream seed 0 names, the same
 * one randomUniform uses for 0.
 */
function normalSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? (Object('0') as number) : seed;
}
