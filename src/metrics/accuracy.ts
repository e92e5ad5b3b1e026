import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorOutput } from '../losses/types.js';
import { GanHacksError } from '../errors/index.js';
import { assertFloatTensor, assertOneOf, optionsObject, warnDeprecated } from '../internal/validate.js';

/** Options of {@link discriminatorAccuracy}. */
export interface DiscriminatorAccuracyOptions {
  /** Whether the outputs are D's verdicts on real samples (right when above the threshold) or on fakes. */
  kind: 'real' | 'fake';
  /** How to read the outputs: probabilities (threshold 0.5) or logits (threshold 0). @defaultValue 'probability' */
  output?: Exclude<DiscriminatorOutput, 'score'>;
}

/**
 * Share of samples a discriminator classifies correctly, reading its output
 * as probabilities (threshold 0.5) or logits (threshold 0). One device read.
 *
 * The positional form `discriminatorAccuracy(output, kind, as)` of 0.1 still
 * works, with a one-time deprecation warning, until the next minor version.
 *
 * @example
 * ```ts
 * discriminatorAccuracy(d.predict(realBatch) as tf.Tensor, { kind: 'real' }); // e.g. 0.75
 * discriminatorAccuracy(logits, { kind: 'fake', output: 'logit' });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-tensor, a disposed or non-float32
 * tensor, or an unknown kind / output; `INVALID_SHAPE` for an empty tensor;
 * `NON_FINITE_INPUT` when an output is NaN or infinite.
 */
export function discriminatorAccuracy(
  output: tf.Tensor,
  options: DiscriminatorAccuracyOptions | 'real' | 'fake',
  as?: Exclude<DiscriminatorOutput, 'score'>,
): number {
  let kind: unknown;
  let read: unknown;
  if (typeof options === 'string') {
    warnDeprecated('discriminatorAccuracy', "discriminatorAccuracy(output, kind, as) takes an options object now: discriminatorAccuracy(output, { kind, output: as }). The positional form goes in the next minor version.");
    kind = options;
    read = as ?? 'probability';
  } else {
    const o = optionsObject('discriminatorAccuracy', options);
    if (as !== undefined) {
      throw new GanHacksError('INVALID_ARGUMENT', 'discriminatorAccuracy: pass the output kind inside the options ({ kind, output }), not as a third argument.');
    }
    kind = o.kind;
    read = o.output ?? 'probability';
  }
  assertOneOf('discriminatorAccuracy: kind', kind as 'real', ['real', 'fake'] as const);
  assertOneOf('discriminatorAccuracy: output', read as 'probability', ['probability', 'logit'] as const);
  assertFloatTensor('discriminatorAccuracy: output', output);
  const threshold = read === 'probability' ? 0.5 : 0;
  const both = tf.tidy(() => {
    const right = (kind === 'real' ? output.greater(threshold) : output.lessEqual(threshold)).toFloat().mean();
    const bad = tf.logicalNot(tf.isFinite(output)).any().toFloat();
    return tf.stack([right, bad]);
  });
  const [acc, bad] = both.dataSync();
  both.dispose();
  if (bad) {
    throw new GanHacksError('NON_FINITE_INPUT', 'discriminatorAccuracy: the outputs contain NaN or infinite values; the discriminator diverged or its input is broken.');
  }
  return acc;
}
