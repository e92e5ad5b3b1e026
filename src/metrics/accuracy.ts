import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorOutput } from '../losses/types.js';
import { assertTensor } from '../internal/validate.js';

/**
 * Share of samples a discriminator classifies correctly, reading its output
 * as probabilities (threshold 0.5) or logits (threshold 0).
 *
 * @example
 * ```ts
 * discriminatorAccuracy(d.predict(realBatch) as tf.Tensor, 'real'); // e.g. 0.75
 * ```
 */
export function discriminatorAccuracy(output: tf.Tensor, kind: 'real' | 'fake', as: Exclude<DiscriminatorOutput, 'score'> = 'probability'): number {
  assertTensor('discriminatorAccuracy: output', output);
  const threshold = as === 'probability' ? 0.5 : 0;
  const acc = tf.tidy(() => (kind === 'real' ? output.greater(threshold) : output.lessEqual(threshold)).toFloat().mean());
  const v = acc.dataSync()[0];
  acc.dispose();
  return v;
}
