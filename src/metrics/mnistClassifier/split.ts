import { createRng } from '../../internal/random.js';

/**
 * The fixed split of the 10,000 digits bundled with the `mnist` package that
 * {@link mnistClassifier}'s network was trained and measured on: of each
 * digit, a seeded shuffle of its images (in `loadMnist()`'s order, all ten
 * digits, no limit) puts the first `round(heldOutShare × count)` in the
 * held-out set and the rest in the training set (stratified: every digit
 * keeps its share).
 * @internal
 */
export const MNIST_CLASSIFIER_SPLIT = {
  /** Seed of the per-digit shuffles (alea, as every seeded stream in gan-hacks). */
  seed: 'gan-hacks-mnist-cnn-v1',
  /** Share of each digit held out. */
  heldOutShare: 0.2,
} as const;

/** Indices into `loadMnist()`'s 10,000 digits, each list ascending. @internal */
export interface MnistClassifierSplit {
  train: number[];
  heldOut: number[];
}

/**
 * Splits digit labels (as `loadMnist()` returns them for all ten digits) into
 * the training and held-out indices of {@link MNIST_CLASSIFIER_SPLIT}. Used by
 * scripts/train-mnist-classifier.ts and by the tests that recompute the
 * recorded held-out accuracy, so both see the same digits.
 * @internal
 */
export function mnistClassifierSplit(labels: ArrayLike<number>): MnistClassifierSplit {
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let digit = 0; digit <= 9; digit++) {
    const pool: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === digit) pool.push(i);
    // One stream per digit: a digit's split does not depend on how many images the others have.
    const rng = createRng(`${MNIST_CLASSIFIER_SPLIT.seed}/${digit}`);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    const cut = Math.round(MNIST_CLASSIFIER_SPLIT.heldOutShare * pool.length);
    heldOut.push(...pool.slice(0, cut));
    train.push(...pool.slice(cut));
  }
  return { train: train.sort((a, b) => a - b), heldOut: heldOut.sort((a, b) => a - b) };
}
