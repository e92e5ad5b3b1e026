import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { assertPositiveInteger } from '../internal/validate.js';
import { batchNorm, leakyReLU, stridedDownsample, stridedUpsample } from './blocks.js';

/**
 * The small MNIST DCGAN pair shared by EXPERIMENTS.md B and C, which differ
 * only in the output kernel, the default latent size and the batch norm option.
 */
export interface SmallGeneratorSpec {
  latentDim: number;
  outputKernelSize: number;
  batchNorm: boolean;
  seed?: number;
  name: string;
}

export function smallGenerator(spec: SmallGeneratorSpec): tf.Sequential {
  assertPositiveInteger(`${spec.name}: latentDim`, spec.latentDim, 'The source uses 50 (B) or 128 (C); 1 or 2 provoke mode collapse.');
  const init = dcganNormal({ seed: spec.seed });
  const model = tf.sequential({ name: spec.name });
  model.add(tf.layers.dense({ units: 128 * 7 * 7, inputShape: [spec.latentDim], kernelInitializer: init }));
  model.add(leakyReLU());
  model.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  for (let i = 0; i < 2; i++) {
    model.add(stridedUpsample({ filters: 128, kernelSize: 4, kernelInitializer: init }));
    if (spec.batchNorm) model.add(batchNorm());
    model.add(leakyReLU());
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
}

export function smallDiscriminator(spec: SmallDiscriminatorSpec): tf.Sequential {
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
