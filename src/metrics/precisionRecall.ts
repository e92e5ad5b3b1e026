import type * as tf from '@tensorflow/tfjs';
import { optionsObject } from '../internal/validate.js';
import {
  checkFeatureShape,
  checkFeatureValues,
  checkNeighbours,
  checkSameWidth,
  checkWork,
  crossNeighbourhoods,
  kthNeighbourSquaredDistances,
  neighbourWork,
} from './features.js';

/** Options of {@link precisionRecall}. */
export interface PrecisionRecallOptions {
  /** Neighbourhood size: each sample's ball reaches its k-th nearest other sample; an integer in [1, samples − 1] of each set. @defaultValue 3 (the paper's) */
  k?: number;
}

/** Result of {@link precisionRecall}. */
export interface PrecisionRecallResult {
  /** Share of fake samples inside the real manifold (fidelity), in [0, 1]. */
  precision: number;
  /** Share of real samples inside the fake manifold (coverage of the data), in [0, 1]. */
  recall: number;
}

/**
 * Improved precision and recall (Kynkäänniemi, Karras, Laine, Lehtinen & Aila
 * 2019, "Improved Precision and Recall Metric for Assessing Generative
 * Models", {@link https://arxiv.org/abs/1904.06991}): each set's manifold is
 * the union of balls around its samples reaching their k-th nearest
 * neighbour (the sample itself excluded). Precision is the share of fake
 * samples inside the real manifold, recall the share of real samples inside
 * the fake one. A point on a ball's boundary is inside (`≤`, as the authors'
 * code compares squared distances). Mode collapse shows as a recall far below
 * the precision.
 *
 * Squared distances are computed with tfjs ops (any backend) in blocks of
 * 1,024 × 1,024, so memory stays bounded; one read per block pair.
 *
 * @example
 * ```ts
 * const { precision, recall } = precisionRecall(realFeatures, fakeFeatures, { k: 3 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-tensor or disposed input, mistyped
 * options or a k that is not a positive integer; `INVALID_SHAPE` unless both are non-empty
 * Tensor2D [n, d] with the same d; `INVALID_RANGE` for k ≥ the samples of either set, or sizes
 * above {@link FEATURE_METRIC_LIMITS} (65,536 samples, 2,048 features, 2^40 multiply-adds of
 * distances); `NON_FINITE_INPUT` for NaN or ±Infinity.
 */
export function precisionRecall(realFeatures: tf.Tensor2D, fakeFeatures: tf.Tensor2D, options?: PrecisionRecallOptions | null): PrecisionRecallResult {
  const fn = 'precisionRecall';
  const o = optionsObject(fn, options);
  const k = o.k ?? 3;
  const real = checkFeatureShape(fn, 'realFeatures', realFeatures, 2, 'each sample needs a nearest neighbour');
  const fake = checkFeatureShape(fn, 'fakeFeatures', fakeFeatures, 2, 'each sample needs a nearest neighbour');
  checkSameWidth(fn, realFeatures, fakeFeatures);
  checkNeighbours(fn, k, real.n, 'real');
  checkNeighbours(fn, k, fake.n, 'fake');
  checkWork(fn, 'the k-NN distances', neighbourWork(real.n, fake.n, real.d), 'Pass random subsets of the features.');
  checkFeatureValues(fn, 'realFeatures', realFeatures);
  checkFeatureValues(fn, 'fakeFeatures', fakeFeatures);
  const realRadii = kthNeighbourSquaredDistances(realFeatures, k);
  const fakeRadii = kthNeighbourSquaredDistances(fakeFeatures, k);
  const counts = crossNeighbourhoods(realFeatures, fakeFeatures, realRadii, fakeRadii, false);
  let precise = 0;
  for (const c of counts.realBallsPerFake) if (c > 0) precise++;
  let recalled = 0;
  for (const c of counts.inSomeFakeBall) recalled += c;
  return { precision: precise / fake.n, recall: recalled / real.n };
}
