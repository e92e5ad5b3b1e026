import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { assertBoolean } from '../internal/validate.js';
import { batchNorm, leakyReLU, stridedDownsample, stridedUpsample } from './blocks.js';
import { assertDropoutRate } from './dcgan.js';
import { LAYER_LIMITS, assertCount, assertImageShape, assertOptionalSeed, assertWeightCount } from './limits.js';

/**
 * The small MNIST DCGAN pair shared by the failure-modes and monitoring articles (docs/experiments/failure-modes.md, monitoring.md), which differ
 * only in the output kernel, the default latent size and the batch norm option.
 */
export interface SmallGeneratorSpec {
  latentDim: number;
  outputKernelSize: number;
  batchNorm: boolean;
  /** Dropout rate after each upsampling block's activation; 0 (or absent) adds no layer. */
  dropout?: number;
  seed?: number;
  name: string;
  /** The public builder, named in error messages. */
  caller: string;
}

export function smallGenerator(spec: SmallGeneratorSpec): tf.Sequential {
  assertCount(`${spec.caller}: latentDim`, spec.latentDim, LAYER_LIMITS.units, 'The source uses 50 (B) or 128 (C); 1 or 2 provoke mode collapse.');
  assertBoolean(`${spec.caller}: batchNorm`, spec.batchNorm);
  const dropout = spec.dropout ?? 0;
  assertDropoutRate(`${spec.caller}: dropout`, dropout);
  assertOptionalSeed(`${spec.caller}: seed`, spec.seed);
  const init = dcganNormal({ seed: spec.seed });
  const model = tf.sequential({ name: spec.name });
  model.add(tf.layers.dense({ units: 128 * 7 * 7, inputShape: [spec.latentDim], kernelInitializer: init }));
  model.add(leakyReLU());
  model.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  for (let i = 0; i < 2; i++) {
    model.add(stridedUpsample({ filters: 128, kernelSize: 4, kernelInitializer: init }));
    if (spec.batchNorm) model.add(batchNorm());
    model.add(leakyReLU());
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  model.add(
    tf.layers.conv2d({ filters: 1, kernelSize: spec.outputKernelSize, padding: 'same', activation: 'tanh', kernelInitializer: init }),
  );
  return model;
}

export interface SmallDiscriminatorSpec {
  inputShape: [number, number, number];
  batchNorm: boolean;
  seed?: number;
  name: string;
  /** The public builder, named in error messages. */
  caller: string;
}

export function smallDiscriminator(spec: SmallDiscriminatorSpec): tf.Sequential {
  assertImageShape(`${spec.caller}: inputShape`, spec.inputShape);
  assertBoolean(`${spec.caller}: batchNorm`, spec.batchNorm);
  assertOptionalSeed(`${spec.caller}: seed`, spec.seed);
  const [h, w, c] = spec.inputShape;
  assertWeightCount(spec.caller, 'first convolution', 16 * c * 64);
  // Two stride-2 'same' convolutions leave ceil(h / 4) × ceil(w / 4) × 64 values for the dense layer.
  assertWeightCount(spec.caller, 'dense layer', Math.ceil(h / 4) * Math.ceil(w / 4) * 64);
  const init = dcganNormal({ seed: spec.seed });
  const model = tf.sequential({ name: spec.name });
  model.add(stridedDownsample({ filters: 64, kernelSize: 4, inputShape: spec.inputShape, kernelInitializer: init }));
  if (spec.batchNorm) model.add(batchNorm());
  model.add(leakyReLU());
  model.add(stridedDownsample({ filters: 64, kernelSize: 4, kernelInitializer: init }));
  if (spec.batchNorm) model.add(batchNorm());
  model.add(leakyReLU());
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init }));
  return model;
}
