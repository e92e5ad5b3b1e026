import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { MAX_PAIRWISE_SAMPLES, assertSpread, meanPairwiseDistance, medianNearestNeighborDistance } from '../metrics/diversity.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { LIMITS, assertAtMost, assertNumericTensor, assertOneOf, assertPositiveInteger, optionsObject } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { assertOptionalSeed } from '../layers/limits.js';

/** Options of {@link DiversityProbe}. */
export interface DiversityProbeOptions {
  /**
   * Real samples to compare with: a batch [n, ...] of at least `samples` distinct
   * samples (100-500 is plenty; at most 4,096). The probe reads it once, in its
   * constructor, and keeps nothing of it.
   */
  real: tf.Tensor;
  /** Measure every this many iterations. @defaultValue 25 */
  every?: number;
  /** Generated samples per measurement, from one fixed latent batch (2 to 4,096). @defaultValue 100 */
  samples?: number;
  /** The latent distribution of the fixed batch. @defaultValue the Trainer's `latentDistribution` */
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
 * Both ratios divide by a spread of the real samples, so a real batch whose
 * samples are all identical (an all-zero batch, say) is refused when the probe
 * is built, instead of logging Infinity at every measurement.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new DiversityProbe({ real: images.slice(0, 200) })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without a live `real` tensor, when the real
 * samples are all identical or mostly duplicates (zero spread), or for a bad option;
 * `INVALID_SHAPE` for fewer real samples than `samples`; `INVALID_RANGE` above 4,096 samples;
 * `NON_FINITE_INPUT` for NaN in `real`.
 */
export class DiversityProbe implements Hook {
  readonly name = 'DiversityProbe';
  private readonly every: number;
  private readonly samples: number;
  private readonly realDistance: number;
  private readonly realNeighbor: number;
  private latent: tf.Tensor2D | undefined;

  constructor(private readonly options: DiversityProbeOptions) {
    const o = optionsObject('DiversityProbe', options);
    if (o.real === undefined) {
      throw new GanHacksError('INVALID_ARGUMENT', 'DiversityProbe: pass { real } with a batch of real samples.');
    }
    assertNumericTensor('DiversityProbe: real', o.real);
    this.every = o.every ?? 25;
    this.samples = o.samples ?? 100;
    assertPositiveInteger('DiversityProbe: every', this.every);
    assertAtMost('DiversityProbe: every', this.every, LIMITS.iterations);
    assertPositiveInteger('DiversityProbe: samples', this.samples);
    assertAtMost('DiversityProbe: samples', this.samples, MAX_PAIRWISE_SAMPLES, 'Pairwise distances grow with n².');
    if (this.samples < 2) {
      throw new GanHacksError('INVALID_RANGE', 'DiversityProbe: samples must be at least 2 (distances need pairs), got 1.');
    }
    assertOneOf('DiversityProbe: latentDistribution', o.latentDistribution ?? 'gaussian', ['gaussian', 'uniform'] as const);
    assertOptionalSeed('DiversityProbe: seed', o.seed);
    const real = o.real;
    if (real.rank < 2 || real.shape[0] < this.samples) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `DiversityProbe: real must be a batch [n, ...] of at least \`samples\` (${this.samples}) samples, got shape [${real.shape.join(', ')}].`,
      );
    }
    assertAtMost('DiversityProbe: real samples', real.shape[0], MAX_PAIRWISE_SAMPLES, 'Pass a random subset (100-500 is plenty).');
    this.realDistance = meanPairwiseDistance(real);
    assertSpread('DiversityProbe', 'mean pairwise distance', this.realDistance);
    // Nearest-neighbour distances depend on the batch size: measure the same count as generated.
    const same = real.slice(0, this.samples);
    try {
      this.realNeighbor = medianNearestNeighborDistance(same);
    } finally {
      same.dispose();
    }
    assertSpread('DiversityProbe', `median nearest-neighbour distance (over its first ${this.samples} samples)`, this.realNeighbor);
  }

  onTrainBegin(state: TrainState): void {
    this.latent?.dispose();
    this.latent = tf.keep(
      sampleLatent(this.samples, state.latentDim, { distribution: this.options.latentDistribution ?? state.latentDistribution, seed: this.options.seed ?? 0 }),
    );
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    if (logs.iteration % this.every !== 0 || !this.latent) return;
    const fake = state.sample(this.latent!);
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
