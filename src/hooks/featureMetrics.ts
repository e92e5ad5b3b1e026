import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { frechetDistance } from '../metrics/frechetDistance.js';
import { kernelDistance } from '../metrics/kernelDistance.js';
import { precisionRecall } from '../metrics/precisionRecall.js';
import { densityCoverage } from '../metrics/densityCoverage.js';
import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, assertFunction, assertNumericTensor, assertOneOf, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { assertOptionalSeed } from '../layers/limits.js';

/** The history columns {@link FeatureMetrics} can log. */
export type FeatureMetricName = 'fid' | 'kid' | 'precision' | 'recall' | 'density' | 'coverage';

const ALL_METRICS: readonly FeatureMetricName[] = ['fid', 'kid', 'precision', 'recall', 'density', 'coverage'];

/** Turns a batch of images into feature vectors [n, d], e.g. `(await mnistClassifier()).features`. */
export type FeatureExtractor = (images: tf.Tensor4D) => tf.Tensor2D;

/** Options of {@link FeatureMetrics}. */
export interface FeatureMetricsOptions {
  /** Real images [n, h, w, c] in the generator's range; their features are computed once, in the constructor. */
  real: tf.Tensor4D;
  /** The feature network, e.g. `(await mnistClassifier()).features`; every score is only comparable under the same one. */
  features: FeatureExtractor;
  /** Measure every this many iterations. @defaultValue 100 */
  every?: number;
  /** Generated samples per measurement, from one fixed latent batch (2 to 65,536). @defaultValue 500 */
  samples?: number;
  /** Columns to log. @defaultValue all: 'fid', 'kid', 'precision', 'recall', 'density', 'coverage' */
  metrics?: FeatureMetricName[];
  /** Neighbours of precision/recall (Kynkäänniemi et al.). @defaultValue 3 */
  precisionRecallK?: number;
  /** Neighbours of density/coverage (Naeem et al.). @defaultValue 5 */
  densityCoverageK?: number;
  /** Subsets KID averages over (each of up to 1,000 samples). @defaultValue 10 */
  kidSubsets?: number;
  /** Images per generator and feature-network call, which bounds memory. @defaultValue 250 */
  batchSize?: number;
  /** The latent distribution of the fixed batch. @defaultValue the Trainer's `latentDistribution` */
  latentDistribution?: LatentDistribution;
  /** Seed of the fixed latent batch and of KID's subsets. @defaultValue 0 */
  seed?: number;
}

/** Features of `images` in batches of `batchSize` (caller disposes the result). */
function featuresInBatches(features: FeatureExtractor, images: (start: number, size: number) => tf.Tensor4D, n: number, batchSize: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const batch = images(start, size);
      try {
        const f = features(batch);
        if (!(f instanceof tf.Tensor) || f.rank !== 2 || f.shape[0] !== size) {
          const shape = f instanceof tf.Tensor ? `[${f.shape.join(', ')}]` : show(f);
          if (f instanceof tf.Tensor) f.dispose();
          throw new GanHacksError('INVALID_SHAPE', `FeatureMetrics: features(images) must return a [${size}, d] tensor for ${size} images, got ${shape}.`);
        }
        parts.push(f);
      } finally {
        batch.dispose();
      }
    }
    return parts.length === 1 ? (parts[0].clone() as tf.Tensor2D) : (tf.concat(parts, 0) as tf.Tensor2D);
  } finally {
    tf.dispose(parts);
  }
}

/**
 * Logs feature-space scores of the generator every N iterations, on one fixed
 * latent batch against real images, as history columns: `fid` (Fréchet
 * distance, Heusel et al. 2017, https://arxiv.org/abs/1706.08500), `kid` (the
 * mean of KID's subsets, Bińkowski et al. 2018, https://arxiv.org/abs/1801.01401),
 * `precision` / `recall` (Kynkäänniemi et al. 2019, https://arxiv.org/abs/1904.06991)
 * and `density` / `coverage` (Naeem et al. 2020, https://arxiv.org/abs/2002.09797).
 * Iterations in between carry no such column. Scores depend on the feature
 * network and on the sample size: compare runs only under the same `features`
 * and `samples`.
 *
 * The real features are kept until {@link FeatureMetrics.dispose}; the latent
 * batch lives from the start to the end of each `fit`.
 *
 * @example
 * ```ts
 * const classifier = await mnistClassifier();
 * const metrics = new FeatureMetrics({ real: images.slice(0, 500), features: classifier.features, every: 50 });
 * const history = await new Trainer({ ..., hooks: [metrics] }).fit(images, { batchSize: 128, iterations: 300 });
 * history.column('fid'); // NaN except every 50th iteration
 * metrics.dispose();
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without `real` images or a `features` function, or for a bad
 * option; `INVALID_SHAPE` when `real` is not [n, h, w, c] with n at least `samples`, or the network's
 * output is not [n, d]; `INVALID_RANGE` for counts beyond their caps.
 */
export class FeatureMetrics implements Hook {
  readonly name = 'FeatureMetrics';
  readonly every: number;
  readonly samples: number;
  readonly metrics: readonly FeatureMetricName[];
  private readonly options: FeatureMetricsOptions;
  private readonly batchSize: number;
  private realFeatures: tf.Tensor2D | undefined;
  private latent: tf.Tensor2D | undefined;

  constructor(options: FeatureMetricsOptions) {
    const o = optionsObject('FeatureMetrics', options);
    if (o.real === undefined) throw new GanHacksError('INVALID_ARGUMENT', 'FeatureMetrics: pass { real } with a batch of real images [n, h, w, c].');
    assertNumericTensor('FeatureMetrics: real', o.real);
    if (o.features === undefined) {
      throw new GanHacksError('INVALID_ARGUMENT', 'FeatureMetrics: pass { features }, a function from images to features [n, d], e.g. (await mnistClassifier()).features.');
    }
    assertFunction('FeatureMetrics: features', o.features);
    this.every = o.every ?? 100;
    assertPositiveInteger('FeatureMetrics: every', this.every);
    assertAtMost('FeatureMetrics: every', this.every, LIMITS.iterations);
    this.samples = o.samples ?? 500;
    assertPositiveInteger('FeatureMetrics: samples', this.samples);
    assertAtMost('FeatureMetrics: samples', this.samples, 65_536);
    if (this.samples < 2) throw new GanHacksError('INVALID_RANGE', 'FeatureMetrics: samples must be at least 2 (a covariance needs two), got 1.');
    this.batchSize = o.batchSize ?? 250;
    assertPositiveInteger('FeatureMetrics: batchSize', this.batchSize);
    assertAtMost('FeatureMetrics: batchSize', this.batchSize, LIMITS.batchSize);
    const metrics = o.metrics ?? [...ALL_METRICS];
    if (!Array.isArray(metrics) || metrics.length === 0) {
      throw new GanHacksError('INVALID_ARGUMENT', `FeatureMetrics: metrics must be a non-empty list of ${ALL_METRICS.map((m) => `'${m}'`).join(', ')}, got ${show(metrics)}.`);
    }
    for (const m of metrics) assertOneOf('FeatureMetrics: metrics', m, ALL_METRICS);
    this.metrics = [...new Set(metrics)];
    for (const key of ['precisionRecallK', 'densityCoverageK', 'kidSubsets'] as const) {
      if (o[key] !== undefined) assertPositiveInteger(`FeatureMetrics: ${key}`, o[key]);
    }
    if (o.kidSubsets !== undefined) assertAtMost('FeatureMetrics: kidSubsets', o.kidSubsets, 10_000);
    assertOneOf('FeatureMetrics: latentDistribution', o.latentDistribution ?? 'gaussian', ['gaussian', 'uniform'] as const);
    assertOptionalSeed('FeatureMetrics: seed', o.seed);
    const real = o.real;
    if (real.rank !== 4 || real.shape[0] < this.samples) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `FeatureMetrics: real must be images [n, h, w, c] with n at least samples (${this.samples}), got shape [${real.shape.join(', ')}]. Pass more images or fewer samples.`,
      );
    }
    this.options = o as FeatureMetricsOptions;
    this.realFeatures = tf.keep(featuresInBatches(o.features, (start, size) => real.slice(start, size), real.shape[0], this.batchSize));
  }

  /** Generates the fixed batch, extracts its features and computes the chosen scores. */
  measure(state: TrainState): Partial<Record<FeatureMetricName, number>> {
    if (!this.realFeatures) throw new GanHacksError('TRAINING_STATE', 'FeatureMetrics: this hook was disposed; make a new one.');
    const latent = this.latent ?? sampleLatent(this.samples, state.latentDim, { distribution: this.options.latentDistribution ?? state.latentDistribution, seed: this.options.seed ?? 0 });
    const generate = (start: number, size: number): tf.Tensor4D => tf.tidy(() => state.sample(latent.slice(start, size)) as tf.Tensor4D);
    const fake = featuresInBatches(this.options.features, generate, this.samples, this.batchSize);
    const out: Partial<Record<FeatureMetricName, number>> = {};
    try {
      const want = new Set(this.metrics);
      if (want.has('fid')) out.fid = frechetDistance(this.realFeatures, fake);
      if (want.has('kid')) out.kid = kernelDistance(this.realFeatures, fake, { subsets: this.options.kidSubsets ?? 10, seed: this.options.seed ?? 0 }).mean;
      if (want.has('precision') || want.has('recall')) {
        const pr = precisionRecall(this.realFeatures, fake, { k: this.options.precisionRecallK ?? 3 });
        if (want.has('precision')) out.precision = pr.precision;
        if (want.has('recall')) out.recall = pr.recall;
      }
      if (want.has('density') || want.has('coverage')) {
        const dc = densityCoverage(this.realFeatures, fake, { k: this.options.densityCoverageK ?? 5 });
        if (want.has('density')) out.density = dc.density;
        if (want.has('coverage')) out.coverage = dc.coverage;
      }
    } finally {
      fake.dispose();
      if (latent !== this.latent) latent.dispose();
    }
    return out;
  }

  onTrainBegin(state: TrainState): void {
    this.latent?.dispose();
    this.latent = tf.keep(sampleLatent(this.samples, state.latentDim, { distribution: this.options.latentDistribution ?? state.latentDistribution, seed: this.options.seed ?? 0 }));
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    if (logs.iteration % this.every !== 0) return;
    let scores: Partial<Record<FeatureMetricName, number>>;
    try {
      scores = this.measure(state);
    } catch (e) {
      // A generator gone non-finite has no score; the run's own guards decide whether to stop.
      if (!(e instanceof GanHacksError) || e.code !== 'NON_FINITE_INPUT') throw e;
      scores = Object.fromEntries(this.metrics.map((m) => [m, NaN]));
    }
    Object.assign(logs, scores);
  }

  onTrainEnd(): void {
    this.latent?.dispose();
    this.latent = undefined;
  }

  onTrainError(): void {
    this.onTrainEnd();
  }

  /** Frees the real features (and a latent batch left by an interrupted run). */
  dispose(): void {
    this.onTrainEnd();
    this.realFeatures?.dispose();
    this.realFeatures = undefined;
  }
}
