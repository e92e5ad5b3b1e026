import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../train/history.js';
import { meanPairwiseDistance } from '../metrics/diversity.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { assertPositiveInteger } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

/** Options of {@link DiversityProbe}. */
export interface DiversityProbeOptions {
  /** Real samples to compare with (at least 2; 100-500 is plenty). */
  real: tf.Tensor;
  /** Measure every this many iterations. @defaultValue 25 */
  every?: number;
  /** Generated samples per measurement, from one fixed latent batch. @defaultValue 100 */
  samples?: number;
  /** @defaultValue 'gaussian' */
  latentDistribution?: LatentDistribution;
  /** Seed of the fixed latent batch. @defaultValue 0 */
  seed?: number;
}

/**
 * Adds a `diversity` column to the history every N iterations: the mean
 * pairwise distance of samples generated from a fixed latent batch, divided
 * by that of real samples. {@link diagnose} reads it as direct evidence of
 * mode collapse (below 0.75 by default) or of a healthy spread (near 1).
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new DiversityProbe({ real: images.slice(0, 200) })] });
 * ```
 */
export class DiversityProbe implements Hook {
  readonly name = 'DiversityProbe';
  private readonly every: number;
  private readonly samples: number;
  private readonly realDistance: number;
  private latent: tf.Tensor2D | undefined;

  constructor(private readonly options: DiversityProbeOptions) {
    if (!options || !(options.real instanceof tf.Tensor)) {
      throw new GanHacksError('INVALID_ARGUMENT', 'DiversityProbe: pass { real } with a batch of real samples.');
    }
    this.every = options.every ?? 25;
    this.samples = options.samples ?? 100;
    assertPositiveInteger('DiversityProbe: every', this.every);
    assertPositiveInteger('DiversityProbe: samples', this.samples);
    this.realDistance = meanPairwiseDistance(options.real);
  }

  onTrainBegin(state: TrainState): void {
    this.latent?.dispose();
    this.latent = tf.keep(
      sampleLatent(this.samples, state.latentDim, { distribution: this.options.latentDistribution ?? 'gaussian', seed: this.options.seed ?? 0 }),
    );
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    if (logs.iteration % this.every !== 0 || !this.latent) return;
    const fake = tf.tidy(() => state.generator.apply(this.latent!, { training: false }) as tf.Tensor);
    try {
      logs.diversity = meanPairwiseDistance(fake) / this.realDistance;
    } catch {
      logs.diversity = NaN;
    } finally {
      fake.dispose();
    }
  }

  onTrainEnd(): void {
    this.latent?.dispose();
    this.latent = undefined;
  }
}
