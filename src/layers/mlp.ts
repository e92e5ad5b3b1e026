import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { optionsObject, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { leakyReLU } from './blocks.js';
import { LAYER_LIMITS, assertCount, assertImageShape, assertOptionalSeed, assertWeightCount } from './limits.js';

/** Options of {@link mlpGenerator}. */
export interface MlpGeneratorArgs {
  /** @defaultValue 100 */
  latentDim?: number;
  /** Hidden layer widths. @defaultValue [256, 512] */
  hidden?: number[];
  /** Output image shape. @defaultValue [28, 28, 1] */
  outputShape?: [number, number, number];
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/** Most hidden layers of an MLP builder. */
const MAX_HIDDEN_LAYERS = 64;

/** Checks the hidden widths and every dense kernel from `input` values through them to `output`. */
function checkWidths(fn: string, widths: unknown, input: number, output: number): asserts widths is number[] {
  if (!Array.isArray(widths) || widths.length === 0 || widths.length > MAX_HIDDEN_LAYERS) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${fn}: hidden must list 1 to ${MAX_HIDDEN_LAYERS} layer widths, got ${Array.isArray(widths) ? `${widths.length} widths` : show(widths)}.`,
    );
  }
  widths.forEach((w, i) => assertCount(`${fn}: hidden[${i}]`, w, LAYER_LIMITS.units));
  const sizes = [input, ...widths, output];
  let total = 0;
  for (let i = 1; i < sizes.length; i++) {
    assertWeightCount(fn, `dense layer ${i}`, sizes[i - 1] * sizes[i]);
    total += sizes[i - 1] * sizes[i];
  }
  // Each layer under the cap is not enough: 64 of them could still hold 2^33 weights.
  if (total > 2 * LAYER_LIMITS.weights) {
    throw new GanHacksError('INVALID_RANGE', `${fn}: the ${widths.length + 1} dense layers would hold ${total.toExponential(2)} weights in all, more than ${2 * LAYER_LIMITS.weights}; use fewer or narrower layers.`);
  }
}

/**
 * The fully connected generator of the survey (docs/experiments/survey.md):
 * 100 → 256 → 512 → 784 with ReLU and a Tanh output, reshaped to an image.
 *
 * @example
 * ```ts
 * const g = mlpGenerator(); // [n, 100] -> [n, 28, 28, 1]
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for sizes that are not positive integers or an empty
 * `hidden`; `INVALID_SHAPE` for a bad `outputShape`; `INVALID_RANGE` above 65,536 units,
 * 2^27 weights in a layer or 2^28 in all.
 */
export function mlpGenerator(args?: MlpGeneratorArgs | null): tf.Sequential {
  const o = optionsObject('mlpGenerator', args);
  const latentDim = o.latentDim ?? 100;
  const hidden = o.hidden ?? [256, 512];
  const outputShape = o.outputShape ?? [28, 28, 1];
  assertCount('mlpGenerator: latentDim', latentDim, LAYER_LIMITS.units);
  assertImageShape('mlpGenerator: outputShape', outputShape);
  checkWidths('mlpGenerator', hidden, latentDim, outputShape[0] * outputShape[1] * outputShape[2]);
  assertOptionalSeed('mlpGenerator: seed', o.seed);
  const init = dcganNormal({ seed: o.seed });
  const model = tf.sequential({ name: 'mlp_generator' });
  hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init, ...(i === 0 ? { inputShape: [latentDim] } : {}) })),
  );
  model.add(tf.layers.dense({ units: outputShape[0] * outputShape[1] * outputShape[2], activation: 'tanh', kernelInitializer: init }));
  model.add(tf.layers.reshape({ targetShape: outputShape }));
  return model;
}

/** Options of {@link mlpDiscriminator}. */
export interface MlpDiscriminatorArgs {
  /** @defaultValue [28, 28, 1] */
  inputShape?: [number, number, number];
  /** Hidden layer widths. @defaultValue [512, 256] */
  hidden?: number[];
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * A fully connected discriminator matching {@link mlpGenerator}: flatten →
 * 512 → 256 (LeakyReLU 0.2) → 1 (sigmoid). The survey elides its layers; this
 * mirrors the generator, as is customary.
 *
 * @example
 * ```ts
 * const d = mlpDiscriminator();
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for widths that are not positive integers or an
 * empty `hidden`; `INVALID_SHAPE` for a bad `inputShape`; `INVALID_RANGE` above 65,536 units,
 * 2^27 weights in a layer or 2^28 in all.
 */
export function mlpDiscriminator(args?: MlpDiscriminatorArgs | null): tf.Sequential {
  const o = optionsObject('mlpDiscriminator', args);
  const inputShape = o.inputShape ?? [28, 28, 1];
  const hidden = o.hidden ?? [512, 256];
  assertImageShape('mlpDiscriminator: inputShape', inputShape);
  checkWidths('mlpDiscriminator', hidden, inputShape[0] * inputShape[1] * inputShape[2], 1);
  assertOptionalSeed('mlpDiscriminator: seed', o.seed);
  const init = dcganNormal({ seed: o.seed });
  const model = tf.sequential({ name: 'mlp_discriminator' });
  model.add(tf.layers.flatten({ inputShape }));
  for (const units of hidden) {
    model.add(tf.layers.dense({ units, kernelInitializer: init }));
    model.add(leakyReLU());
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init }));
  return model;
}
