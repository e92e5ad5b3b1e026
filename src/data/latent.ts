import * as tf from '@tensorflow/tfjs';
import { assertOneOf, assertPositiveInteger, assertFiniteNumber } from '../internal/validate.js';

/** Distribution of latent points. */
export type LatentDistribution = 'gaussian' | 'uniform';

/** Options of {@link sampleLatent}. */
export interface SampleLatentOptions {
  /**
   * `'gaussian'`: N(0, 1), the DCGAN advice (A8). `'uniform'`: U(−1, 1), as
   * the WGAN-GP source (D) samples.
   * @defaultValue 'gaussian'
   */
  distribution?: LatentDistribution;
  /** Seed for a reproducible sample. */
  seed?: number;
}

/**
 * Draws `n` latent points of size `dim` (EXPERIMENTS.md A8).
 *
 * @example
 * ```ts
 * const z = sampleLatent(500, 100); // [500, 100], mean ~0, std ~1
 * const u = sampleLatent(128, 20, { distribution: 'uniform', seed: 7 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `n` or `dim` is not a positive integer.
 */
export function sampleLatent(n: number, dim: number, options: SampleLatentOptions = {}): tf.Tensor2D {
  assertPositiveInteger('sampleLatent: n', n);
  assertPositiveInteger('sampleLatent: dim', dim, 'A latent space needs at least one dimension.');
  const distribution = options.distribution ?? 'gaussian';
  assertOneOf('sampleLatent: distribution', distribution, ['gaussian', 'uniform'] as const);
  if (options.seed !== undefined) assertFiniteNumber('sampleLatent: seed', options.seed);
  return distribution === 'gaussian'
    ? tf.randomNormal([n, dim], 0, 1, 'float32', options.seed)
    : tf.randomUniform([n, dim], -1, 1, 'float32', options.seed);
}
