import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { assertBoolean, optionsObject, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { spectralNormalization } from './spectralNormalization.js';
import { minibatchStddev, type MinibatchStddevOptions } from './minibatchStddev.js';
import { minibatchDiscrimination, type MinibatchDiscriminationOptions } from './minibatchDiscrimination.js';
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
  /** Remedies built into D (issue-17 layers); absent: none. */
  remedies?: DiscriminatorRemedies;
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
  const r = checkRemedies(spec.caller, spec.remedies);
  // Spectral normalisation wraps each weight layer; the wrapper keeps the layer's activation.
  const sn = (layer: tf.layers.Layer): tf.layers.Layer => (r.spectralNormalization ? spectralNormalization(layer, { seed: spec.seed }) : layer);
  const model = tf.sequential({ name: spec.name });
  model.add(sn(stridedDownsample({ filters: 64, kernelSize: 4, inputShape: spec.inputShape, kernelInitializer: init })));
  if (spec.batchNorm) model.add(batchNorm());
  model.add(leakyReLU());
  model.add(sn(stridedDownsample({ filters: 64, kernelSize: 4, kernelInitializer: init })));
  if (spec.batchNorm) model.add(batchNorm());
  model.add(leakyReLU());
  if (r.minibatchStddev) model.add(minibatchStddev(r.minibatchStddev === true ? {} : r.minibatchStddev));
  model.add(tf.layers.flatten());
  if (r.minibatchDiscrimination) model.add(minibatchDiscrimination({ kernels: 50, dims: 5, seed: spec.seed, ...(r.minibatchDiscrimination === true ? {} : r.minibatchDiscrimination) }));
  model.add(sn(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init })));
  return model;
}

/**
 * Remedy layers a small discriminator can be built with (each `false` or absent: not used).
 * Spectral normalisation wraps both convolutions and the output layer (Miyato et al. 2018);
 * minibatch stddev appends one feature map before the flatten (ProGAN); minibatch
 * discrimination appends its features after it (Salimans et al. 2016; default 50 kernels of 5 dims).
 */
export interface DiscriminatorRemedies {
  spectralNormalization?: boolean;
  minibatchStddev?: boolean | MinibatchStddevOptions;
  minibatchDiscrimination?: boolean | Partial<MinibatchDiscriminationOptions>;
}

function checkRemedies(caller: string, remedies: DiscriminatorRemedies | undefined): DiscriminatorRemedies {
  const r = optionsObject(`${caller}: remedies`, remedies);
  if (r.spectralNormalization !== undefined) assertBoolean(`${caller}: remedies.spectralNormalization`, r.spectralNormalization);
  for (const key of ['minibatchStddev', 'minibatchDiscrimination'] as const) {
    const v = r[key];
    if (v !== undefined && typeof v !== 'boolean' && (v === null || typeof v !== 'object')) {
      throw new GanHacksError('INVALID_ARGUMENT', `${caller}: remedies.${key} must be a boolean or an options object, got ${show(v)}.`);
    }
  }
  return r;
}
