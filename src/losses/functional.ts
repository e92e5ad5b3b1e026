import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, assertFloatTensor, optionsObject, show, warnDeprecated } from '../internal/validate.js';
import type { DiscriminatorLossInput, GeneratorLossInput } from './types.js';

/** The largest weight a penalty or regularizer accepts: beyond it, ordinary losses overflow float32. */
export const MAX_WEIGHT = 1e6;

/** Keras's clipping constant for probabilities inside a log. */
export const PROBABILITY_EPSILON = 1e-7;

/** Options of {@link binaryCrossEntropy}. */
export interface BinaryCrossEntropyOptions {
  /** Whether `output` holds logits instead of probabilities. @defaultValue false */
  fromLogits?: boolean;
}

/**
 * Checks a batch of D outputs: a live, non-empty float32 tensor with a batch axis.
 * @internal
 */
export function checkOutputs(name: string, value: unknown): asserts value is tf.Tensor {
  assertFloatTensor(name, value);
  if (value.rank < 1) {
    throw new GanHacksError('INVALID_SHAPE', `${name} must be a batch of D outputs [n, ...], got a scalar; reshape it to [1].`);
  }
}

/** Checks that `targets` is a float tensor shaped like `output`. @internal */
export function checkTargets(name: string, targets: unknown, output: tf.Tensor): asserts targets is tf.Tensor {
  assertFloatTensor(name, targets);
  if (!tf.util.arraysEqual(targets.shape, output.shape)) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${name} [${targets.shape.join(', ')}] must have the shape of the outputs it labels [${output.shape.join(', ')}].`,
    );
  }
}

function checkInputObject(fn: string, input: unknown): asserts input is Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || input instanceof tf.Tensor) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: pass an object such as { real, fake }, got ${Array.isArray(input) ? 'an array' : show(input)}.`);
  }
}

/**
 * Validates the input of a `discriminatorLoss` on entry, before any tensor is
 * made: at least one half, each a non-empty float32 batch; real and fake
 * samples of the same per-sample shape (batch sizes may differ); targets shaped
 * like the outputs they label, and only beside them. No device read.
 * @internal
 */
export function checkDiscriminatorInput(fn: string, input: unknown, targets: boolean): asserts input is DiscriminatorLossInput {
  checkInputObject(fn, input);
  const { real, fake, realTargets, fakeTargets } = input;
  if (real === undefined && fake === undefined) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: pass D outputs on real samples, on fake samples, or both ({ real, fake }).`);
  }
  if (real !== undefined) checkOutputs(`${fn}: real`, real);
  if (fake !== undefined) checkOutputs(`${fn}: fake`, fake);
  if (real instanceof tf.Tensor && fake instanceof tf.Tensor && !tf.util.arraysEqual(real.shape.slice(1), fake.shape.slice(1))) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: real [${real.shape.join(', ')}] and fake [${fake.shape.join(', ')}] outputs must have the same shape per sample; both come from the same discriminator.`,
    );
  }
  for (const [key, half, value] of [
    ['realTargets', 'real', realTargets],
    ['fakeTargets', 'fake', fakeTargets],
  ] as const) {
    if (value === undefined) continue;
    const output = input[half];
    if (!(output instanceof tf.Tensor)) {
      throw new GanHacksError('INVALID_ARGUMENT', `${fn}: ${key} given without ${half}; targets label the outputs beside them.`);
    }
    if (!targets) {
      throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${fn}: this loss reads no targets, so ${key} would be ignored; leave it out (label smoothing and noise do not apply).`);
    }
    checkTargets(`${fn}: ${key}`, value, output);
  }
}

/** Validates the input of a `generatorLoss` on entry (see {@link checkDiscriminatorInput}). @internal */
export function checkGeneratorInput(fn: string, input: unknown, targets: boolean): asserts input is GeneratorLossInput {
  checkInputObject(fn, input);
  if (input.fake === undefined) throw new GanHacksError('INVALID_ARGUMENT', `${fn}: pass { fake }, D's outputs on generated samples.`);
  checkOutputs(`${fn}: fake`, input.fake);
  if (input.targets !== undefined) {
    if (!targets) {
      throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${fn}: this loss reads no targets, so targets would be ignored; leave them out.`);
    }
    checkTargets(`${fn}: targets`, input.targets, input.fake);
  }
}

/**
 * Mean binary cross-entropy −[t·log p + (1−t)·log(1−p)].
 *
 * With `fromLogits` it takes logits x and uses the stable form
 * max(x, 0) − x·t + log(1 + e^−|x|); otherwise probabilities are clipped to
 * [1e-7, 1 − 1e-7] as Keras does. Logits passed as probabilities are clipped
 * too, silently giving a wrong value: say `fromLogits: true` when the outputs
 * have no sigmoid. Non-finite values propagate into the result (no device read).
 *
 * The third argument as a bare boolean (`binaryCrossEntropy(t, x, true)`) is
 * deprecated and will be removed in the next minor version; pass `{ fromLogits: true }`.
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tf.ones([4, 1]), dOutput);                       // -mean(log D(x))
 * binaryCrossEntropy(tf.ones([4, 1]), dLogits, { fromLogits: true }); // mean softplus(-x)
 * ```
 * @throws GanHacksError `INVALID_SHAPE` when the shapes differ or a tensor is
 * empty; `INVALID_ARGUMENT` for a non-tensor, a disposed or non-float32 tensor.
 */
export function binaryCrossEntropy(targets: tf.Tensor, output: tf.Tensor, options?: BinaryCrossEntropyOptions | boolean | null): tf.Scalar {
  let fromLogits: boolean;
  if (typeof options === 'boolean') {
    warnDeprecated('binaryCrossEntropy', 'binaryCrossEntropy(targets, output, fromLogits) takes an options object now: binaryCrossEntropy(targets, output, { fromLogits }). The boolean form goes in the next minor version.');
    fromLogits = options;
  } else {
    fromLogits = optionsObject('binaryCrossEntropy', options).fromLogits ?? false;
    assertBoolean('binaryCrossEntropy: fromLogits', fromLogits);
  }
  assertFloatTensor('binaryCrossEntropy: output', output);
  assertFloatTensor('binaryCrossEntropy: targets', targets);
  if (!tf.util.arraysEqual(targets.shape, output.shape)) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `binaryCrossEntropy: targets [${targets.shape.join(', ')}] and output [${output.shape.join(', ')}] must have the same shape.`,
    );
  }
  return bce(targets, output, fromLogits);
}

/** BCE without validation, for callers that validated on entry. @internal */
export function bce(targets: tf.Tensor, output: tf.Tensor, fromLogits: boolean): tf.Scalar {
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
