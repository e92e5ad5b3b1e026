import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { meanPairwiseDistance, medianNearestNeighborDistance } from '../metrics/diversity.js';
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
 * Adds two columns to the history every N iterations, measured on samples
 * generated from a fixed latent batch: `diversity`, their mean pairwise
 * distance over that of real samples, and `nearestNeighborRatio`, their
 * median nearest-neighbour distance over that of as many real samples.
 * {@link diagnose} reads them as direct evidence of mode collapse (few
 * distinct outputs, or near-duplicates) or of a healthy spread (both near 1).
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
  private readonly realNeighbor: number;
  private latent: tf.Tensor2D | undefined;

  constructor(private readonly options: DiversityProbeOptions) {
    if (!options || !(options.real instanceof tf.Tensor)) {
      throw new GanHacksError('INVALID_ARGUMENT', 'DiversityProbe: pass { real } with a batch of real samples.');
    }
    this.every = options.every ?? 25;
    this.samples = options.samples ?? 100;
    assertPositiveInteger('DiversityProbe: every', this.every);
    assertPositiveInteger('DiversityProbe: samples', this.samples);
    if (options.real.shape[0] < this.samples) {
      throw new GanHacksError('INVALID_ARGUMENT', `DiversityProbe: pass at least \`samples\` (${this.samples}) real samples, got ${options.real.shape[0]}.`);
    }
    this.realDistance = meanPairwiseDistance(options.real);
    // Nearest-neighbour distances depend on the batch size: measure the same count as generated.
    const same = options.real.slice(0, this.samples);
    this.realNeighbor = medianNearestNeighborDistance(same);
    same.dispose();
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
      logs.nearestNeighborRatio = medianNearestNeighborDistance(fake) / this.realNeighbor;
    } catch {
      logs.diversity = NaN;
      logs.nearestNeighborRatio = NaN;
    } finally {
      fake.dispose();
    }
  }

  onTrainEnd(): void {
    this.latent?.dispose();
    this.latent = undefined;
  }
}
