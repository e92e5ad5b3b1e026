import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { assertPositiveInteger } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { leakyReLU } from './blocks.js';

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

function checkWidths(fn: string, widths: number[]): void {
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: hidden must list at least one layer width, got ${JSON.stringify(widths)}.`);
  }
  widths.forEach((w, i) => assertPositiveInteger(`${fn}: hidden[${i}]`, w));
}

/**
 * The fully connected generator of the survey (EXPERIMENTS.md E, sources/003):
 * 100 → 256 → 512 → 784 with ReLU and a Tanh output, reshaped to an image.
 *
 * @example
 * ```ts
 * const g = mlpGenerator(); // [n, 100] -> [n, 28, 28, 1]
 * ```
 */
export function mlpGenerator(args: MlpGeneratorArgs = {}): tf.Sequential {
  const latentDim = args.latentDim ?? 100;
  const hidden = args.hidden ?? [256, 512];
  const outputShape = args.outputShape ?? [28, 28, 1];
  assertPositiveInteger('mlpGenerator: latentDim', latentDim);
  checkWidths('mlpGenerator', hidden);
  const init = dcganNormal({ seed: args.seed });
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
 */
export function mlpDiscriminator(args: MlpDiscriminatorArgs = {}): tf.Sequential {
  const inputShape = args.inputShape ?? [28, 28, 1];
  const hidden = args.hidden ?? [512, 256];
  checkWidths('mlpDiscriminator', hidden);
  const init = dcganNormal({ seed: args.seed });
  const model = tf.sequential({ name: 'mlp_discriminator' });
  model.add(tf.layers.flatten({ inputShape }));
  for (const units of hidden) {
    model.add(tf.layers.dense({ units, kernelInitializer: init }));
    model.add(leakyReLU());
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init }));
  return model;
}
