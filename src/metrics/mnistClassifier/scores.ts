import type * as tf from '@tensorflow/tfjs';
import { optionsObject } from '../../internal/validate.js';
import { classifierScore, type ClassifierScoreOptions } from '../classifierScore.js';
import { FEATURE_METRIC_LIMITS } from '../features.js';
import { frechetDistance } from '../frechetDistance.js';
import { kernelDistance, type KernelDistanceOptions } from '../kernelDistance.js';
import { checkImages, mnistClassifier, type MnistClassifier } from './index.js';

/** Result of {@link mnistFid}. */
export interface MnistFidResult {
  /** The Fréchet distance between the two sets' features. */
  value: number;
  /** The feature network ({@link MnistClassifier.name}): values from different networks are not comparable. */
  network: string;
  /** Generated images scored: FID is biased upwards for small n, so compare values at the same n. */
  n: number;
  /** Real images they were compared with. */
  nReal: number;
}

/** Result of {@link mnistKid}. */
export interface MnistKidResult {
  /** Mean and standard deviation of the unbiased MMD² over the subsets ({@link kernelDistance}). */
  value: { mean: number; std: number };
  /** The feature network ({@link MnistClassifier.name}). */
  network: string;
  /** Generated images scored. */
  n: number;
  /** Real images they were compared with. */
  nReal: number;
  /** Images of each set per subset: min(subsetSize, n, nReal). */
  subsetSize: number;
}

/** Result of {@link mnistScore}. */
export interface MnistScoreResult {
  /** Mean and standard deviation of the score over the splits ({@link classifierScore}), from 1 to 10. */
  value: { mean: number; std: number };
  /** The classifier ({@link MnistClassifier.name}). */
  network: string;
  /** Generated images scored. */
  n: number;
}

/** Options of {@link mnistFid}. */
export interface MnistFidOptions {
  /** Images per pass through the network (memory, not the result). @defaultValue 500 */
  batchSize?: number;
}

/** Options of {@link mnistKid}: those of {@link kernelDistance}, and the network's batch size. */
export interface MnistKidOptions extends KernelDistanceOptions {
  /** Images per pass through the network (memory, not the result). @defaultValue 500 */
  batchSize?: number;
}

/** Options of {@link mnistScore}: those of {@link classifierScore}, and the network's batch size. */
export interface MnistScoreOptions extends ClassifierScoreOptions {
  /** Images per pass through the network (memory, not the result). @defaultValue 500 */
  batchSize?: number;
}

/** Checks the image sets (shape, count within the feature metrics' cap, range, NaN), then runs `body` with a classifier handle it frees. */
async function withClassifier<T>(fn: string, sets: Array<[string, tf.Tensor4D]>, batchSize: number | undefined, body: (c: MnistClassifier) => T): Promise<T> {
  // FID and KID need 2 samples of each set; the score needs 1.
  const min = sets.length === 2 ? 2 : 1;
  for (const [name, images] of sets) checkImages(fn, images, name, FEATURE_METRIC_LIMITS.samples, min);
  const classifier = await mnistClassifier({ batchSize });
  try {
    return body(classifier);
  } finally {
    classifier.dispose();
  }
}

/**
 * FID on MNIST-like digits with {@link mnistClassifier}'s features (its
 * 128-unit penultimate layer) instead of Inception's: {@link frechetDistance}
 * between the features of `real` and `fake`, both `[n, 28, 28, 1]` in
 * [-1, 1]. As TF-GAN's MNIST example scores its GANs with a classifier
 * trained on the domain. The value depends on the network and on n (biased
 * upwards for small n): the result carries both; compare values with the same
 * network and sample sizes only.
 *
 * @example
 * ```ts
 * const { images } = await loadMnist({ limit: 2000 });
 * const fake = trainer.generate(2000, 1);
 * const { value, network, n } = await mnistFid(images, fake);
 * console.log(`FID ${value.toFixed(2)} (${network}, n = ${n})`);
 * ```
 * @throws GanHacksError as {@link MnistClassifier.features} for either image set
 * (`INVALID_SHAPE` unless `[n, 28, 28, 1]`, `INVALID_RANGE` outside [-1, 1],
 * `NON_FINITE_INPUT` for NaN), `INVALID_RANGE` for fewer than 2 or more than
 * {@link FEATURE_METRIC_LIMITS}.samples (65,536) images in a set, and as
 * {@link frechetDistance}. Nothing is left allocated when it throws.
 */
export async function mnistFid(real: tf.Tensor4D, fake: tf.Tensor4D, options?: MnistFidOptions | null): Promise<MnistFidResult> {
  const o = optionsObject('mnistFid', options);
  return withClassifier('mnistFid', [['real', real], ['fake', fake]], o.batchSize, (c) => {
    const r = c.features(real);
    try {
      const f = c.features(fake);
      try {
        return { value: frechetDistance(r, f), network: c.name, n: fake.shape[0], nReal: real.shape[0] };
      } finally {
        f.dispose();
      }
    } finally {
      r.dispose();
    }
  });
}

/**
 * KID on MNIST-like digits with {@link mnistClassifier}'s features:
 * {@link kernelDistance} between the features of `real` and `fake` (both
 * `[n, 28, 28, 1]` in [-1, 1]), with its options (`subsets`, `subsetSize`,
 * `seed`, kernel parameters). Unbiased in n, unlike FID; the result names the
 * network and the sample sizes.
 *
 * @example
 * ```ts
 * const { value } = await mnistKid(realImages, fakeImages, { subsets: 50, subsetSize: 500, seed: 0 });
 * console.log(`KID ${(value.mean * 1000).toFixed(2)} ± ${(value.std * 1000).toFixed(2)} (×1000)`);
 * ```
 * @throws GanHacksError as {@link mnistFid} for the images, and as {@link kernelDistance}
 * for its options. Nothing is left allocated when it throws.
 */
export async function mnistKid(real: tf.Tensor4D, fake: tf.Tensor4D, options?: MnistKidOptions | null): Promise<MnistKidResult> {
  const { batchSize, ...kid } = optionsObject('mnistKid', options);
  return withClassifier('mnistKid', [['real', real], ['fake', fake]], batchSize, (c) => {
    const r = c.features(real);
    try {
      const f = c.features(fake);
      try {
        const { mean, std, subsetSize } = kernelDistance(r, f, kid);
        return { value: { mean, std }, network: c.name, n: fake.shape[0], nReal: real.shape[0], subsetSize };
      } finally {
        f.dispose();
      }
    } finally {
      r.dispose();
    }
  });
}

/**
 * The Inception Score formula with {@link mnistClassifier}'s class
 * probabilities ({@link classifierScore}, `splits` consecutive chunks): from
 * 1 (every image the same class, or no confident class) to 10 (every image
 * confidently classified and the digits evenly used). The bundled digits
 * score close to 10; a generator that drops digits scores lower.
 *
 * @example
 * ```ts
 * const { value, n } = await mnistScore(trainer.generate(1000, 1), { splits: 10 });
 * console.log(`score ${value.mean.toFixed(2)} ± ${value.std.toFixed(2)} over ${n} samples`);
 * ```
 * @throws GanHacksError as {@link mnistFid} for the images (at least 1), and as
 * {@link classifierScore} for `splits`. Nothing is left allocated when it throws.
 */
export async function mnistScore(fake: tf.Tensor4D, options?: MnistScoreOptions | null): Promise<MnistScoreResult> {
  const { batchSize, ...score } = optionsObject('mnistScore', options);
  return withClassifier('mnistScore', [['fake', fake]], batchSize, (c) => {
    const p = c.probabilities(fake);
    try {
      return { value: classifierScore(p, score), network: c.name, n: fake.shape[0] };
    } finally {
      p.dispose();
    }
  });
}
