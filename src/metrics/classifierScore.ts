import type * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { checkFeatureShape } from './features.js';

/** Options of {@link classifierScore}. */
export interface ClassifierScoreOptions {
  /** Number of consecutive chunks scored separately: an integer in [1, samples]. @defaultValue 10 (the original code's) */
  splits?: number;
}

/** Result of {@link classifierScore}: over the splits. */
export interface ClassifierScoreResult {
  /** Mean of the splits' scores, in [1, classes]. */
  mean: number;
  /** Population standard deviation of the splits' scores (0 for one split). */
  std: number;
}

/** Largest |row sum − 1| accepted: float32 softmax rows sum to 1 within about 1e-6. */
const ROW_SUM_TOLERANCE = 1e-3;

/**
 * The Inception Score formula (Salimans, Goodfellow, Zaremba, Cheung,
 * Radford & Chen 2016, "Improved Techniques for Training GANs",
 * {@link https://arxiv.org/abs/1606.03498}) on any classifier's class
 * probabilities: exp(E_x KL(p(y|x) ‖ p(y))), with p(y) the mean of p(y|x)
 * over the split. As the authors' code (openai/improved-gan), the samples are
 * cut into `splits` consecutive chunks, rows ⌊i·n/splits⌋ to
 * ⌊(i+1)·n/splits⌋ − 1; the result is the mean and the population standard
 * deviation (numpy's std) of the chunks' scores. High when each sample is
 * classified confidently and the classes are evenly used: 1 to the number of
 * classes. 0 · log 0 counts as 0.
 *
 * Scores from different classifiers are not comparable; on MNIST use a
 * classifier trained on the domain. Reads the probabilities once and computes
 * in float64 on the host.
 *
 * @example
 * ```ts
 * const probabilities = tf.softmax(classifier.predict(fakeImages) as tf.Tensor2D);
 * const { mean, std } = classifierScore(probabilities as tf.Tensor2D, { splits: 10 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-tensor or disposed input, mistyped
 * options or splits that is not a positive integer; `INVALID_SHAPE` unless a non-empty
 * Tensor2D [n, classes]; `INVALID_RANGE` for more splits than samples, a probability outside
 * [0, 1], a row that does not sum to 1 (within 1e-3), or sizes above
 * {@link FEATURE_METRIC_LIMITS} (65,536 samples, 2,048 classes); `NON_FINITE_INPUT` for NaN or
 * ±Infinity.
 */
export function classifierScore(probabilities: tf.Tensor2D, options?: ClassifierScoreOptions | null): ClassifierScoreResult {
  const fn = 'classifierScore';
  const o = optionsObject(fn, options);
  const splits = o.splits ?? 10;
  assertPositiveInteger(`${fn}: splits`, splits);
  const { n, d: classes } = checkFeatureShape(fn, 'probabilities', probabilities, 1, 'a score needs a sample');
  if (splits > n) {
    throw new GanHacksError('INVALID_RANGE', `${fn}: splits (${splits}) must not exceed the number of samples (${n}): each split needs a sample. Use fewer splits or more samples.`);
  }
  const p = probabilities.dataSync();
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = p[i * classes + c];
      if (!Number.isFinite(v)) throw new GanHacksError('NON_FINITE_INPUT', `${fn}: probabilities[${i}][${c}] is ${v}; check the classifier's output.`);
      if (v < 0 || v > 1) {
        throw new GanHacksError('INVALID_RANGE', `${fn}: probabilities[${i}][${c}] is ${show(v)}, outside [0, 1]; pass softmax outputs, not logits.`);
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new GanHacksError('INVALID_RANGE', `${fn}: row ${i} of probabilities sums to ${show(sum)}, not 1; pass softmax outputs (one distribution over the classes per sample).`);
    }
  }
  const scores: number[] = [];
  const marginal = new Float64Array(classes);
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * n) / splits);
    const end = Math.floor(((s + 1) * n) / splits);
    const rows = end - start;
    marginal.fill(0);
    for (let i = start; i < end; i++) for (let c = 0; c < classes; c++) marginal[c] += p[i * classes + c];
    for (let c = 0; c < classes; c++) marginal[c] /= rows;
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let c = 0; c < classes; c++) {
        const v = p[i * classes + c];
        // 0 · log 0 = 0; marginal[c] > 0 whenever v > 0.
        if (v > 0) kl += v * (Math.log(v) - Math.log(marginal[c]));
      }
    }
    scores.push(Math.exp(kl / rows));
  }
  return meanStd(scores);
}

/** Mean and population standard deviation (numpy's default, ddof 0). @internal */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std };
}
