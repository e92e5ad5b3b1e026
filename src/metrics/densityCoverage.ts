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
} from './features.js';

/** Options of {@link densityCoverage}. */
export interface DensityCoverageOptions {
  /** Neighbourhood size of the real balls: an integer in [1, real samples − 1]. @defaultValue 5 (the paper's) */
  k?: number;
}

/** Result of {@link densityCoverage}. */
export interface DensityCoverageResult {
  /** Mean number of real balls holding a fake sample, divided by k: about 1 when fake matches real, above 1 when fakes crowd dense real regions; unbounded. */
  density: number;
  /** Share of real samples whose ball holds at least one fake sample, in [0, 1]. */
  coverage: number;
}

/**
 * Density and coverage (Naeem, Oh, Uh, Choi & Yoo 2020, "Reliable Fidelity
 * and Diversity Metrics for Generative Models",
 * {@link https://arxiv.org/abs/2002.09797}): balls around the real samples
 * only, reaching each one's k-th nearest other real sample. Density counts,
 * per fake sample, the real balls that hold it (divided by k, averaged over
 * fakes); coverage is the share of real balls holding at least one fake.
 * Unlike precision and recall they are not inflated by real outliers. Inside
 * means strictly closer than the radius (`<`, as the authors' code,
 * clovaai/generative-evaluation-prdc).
 *
 * Squared distances are computed with tfjs ops (any backend) in blocks of
 * 1,024 × 1,024; one read per block pair.
 *
 * @example
 * ```ts
 * const { density, coverage } = densityCoverage(realFeatures, fakeFeatures, { k: 5 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-tensor or disposed input, mistyped
 * options or a k that is not a positive integer; `INVALID_SHAPE` unless both are non-empty
 * Tensor2D [n, d] with the same d; `INVALID_RANGE` for k ≥ the real samples, or sizes above
 * {@link FEATURE_METRIC_LIMITS} (65,536 samples, 2,048 features, 2^40 multiply-adds of
 * distances); `NON_FINITE_INPUT` for NaN or ±Infinity.
 */
export function densityCoverage(realFeatures: tf.Tensor2D, fakeFeatures: tf.Tensor2D, options?: DensityCoverageOptions | null): DensityCoverageResult {
  const fn = 'densityCoverage';
  const o = optionsObject(fn, options);
  const k = o.k ?? 5;
  const real = checkFeatureShape(fn, 'realFeatures', realFeatures, 2, 'each real sample needs a nearest neighbour');
  const fake = checkFeatureShape(fn, 'fakeFeatures', fakeFeatures, 1, 'there must be a fake sample');
  checkSameWidth(fn, realFeatures, fakeFeatures);
  checkNeighbours(fn, k, real.n, 'real');
  checkWork(fn, 'the k-NN distances', (real.n * real.n + real.n * fake.n) * real.d, 'Pass random subsets of the features.');
  checkFeatureValues(fn, 'realFeatures', realFeatures);
  checkFeatureValues(fn, 'fakeFeatures', fakeFeatures);
  const radii = kthNeighbourSquaredDistances(realFeatures, k);
  const counts = crossNeighbourhoods(realFeatures, fakeFeatures, radii, undefined, true);
  let inside = 0;
  for (const c of counts.realBallsPerFake) inside += c;
  let covered = 0;
  for (const c of counts.fakeInOwnBall) covered += c;
  return { density: inside / (k * fake.n), coverage: covered / real.n };
}
