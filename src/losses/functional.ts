import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';

/** Keras's clipping constant for probabilities inside a log. */
export const PROBABILITY_EPSILON = 1e-7;

/**
 * Mean binary cross-entropy −[t·log p + (1−t)·log(1−p)].
 *
 * With `fromLogits` it takes logits x and uses the stable form
 * max(x, 0) − x·t + log(1 + e^−|x|); otherwise probabilities are clipped to
 * [1e-7, 1 − 1e-7] as Keras does.
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tf.ones([4, 1]), dOutput); // -mean(log D(x))
 * ```
 */
export function binaryCrossEntropy(targets: tf.Tensor, output: tf.Tensor, fromLogits = false): tf.Scalar {
  if (!tf.util.arraysEqual(targets.shape, output.shape)) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `binaryCrossEntropy: targets [${targets.shape.join(', ')}] and output [${output.shape.join(', ')}] must have the same shape.`,
    );
  }
  return tf.tidy(() => {
    if (fromLogits) {
      const x = output;
      return tf.relu(x).sub(x.mul(targets)).add(tf.log1p(tf.exp(tf.abs(x).neg()))).mean() as tf.Scalar;
    }
    const p = output.clipByValue(PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return targets.mul(p.log()).add(tf.scalar(1).sub(targets).mul(tf.scalar(1).sub(p).log())).mean().neg() as tf.Scalar;
  });
}

/** A tensor of `value` shaped like `like` (a default target). */
export function filled(like: tf.Tensor, value: number): tf.Tensor {
  return tf.fill(like.shape, value);
}

/** Sums the present scalars; used to form `total` from optional halves. */
export function sumScalars(values: (tf.Scalar | undefined)[]): tf.Scalar {
  const present = values.filter((v): v is tf.Scalar => v !== undefined);
  if (present.length === 0) {
    throw new GanHacksError('INVALID_ARGUMENT', 'discriminatorLoss: pass D outputs on real samples, on fake samples, or both.');
  }
  return present.length === 1 ? (present[0].clone() as tf.Scalar) : (tf.addN(present) as tf.Scalar);
}
