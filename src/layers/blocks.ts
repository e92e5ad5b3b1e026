import * as tf from '@tensorflow/tfjs';
import { dcganNormal, type Initializer } from '../initializers/dcganNormal.js';
import { assertPositiveInteger } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

/** Anything tfjs-layers accepts as a kernel initializer. */
export type KernelInitializer = Initializer | 'glorotUniform' | 'heNormal' | 'zeros';

/** Options of {@link stridedDownsample}. */
export interface StridedDownsampleArgs {
  /** Number of output channels. */
  filters: number;
  /** Square kernel size. @defaultValue 3 (the source's A1 example) */
  kernelSize?: number;
  /** Input shape [height, width, channels], only for a model's first layer. */
  inputShape?: [number, number, number];
  /** @defaultValue dcganNormal() */
  kernelInitializer?: KernelInitializer;
  /** @defaultValue true */
  useBias?: boolean;
  /** Layer name. */
  name?: string;
}

function checkInputShape(fn: string, inputShape: number[] | undefined): void {
  if (inputShape === undefined) return;
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: inputShape must be [height, width, channels] of positive integers, got [${inputShape.join(', ')}].`,
    );
  }
}

/**
 * Downsampling by a strided convolution instead of pooling (DCGAN, EXPERIMENTS.md A1):
 * Conv2D with strides 2 and `same` padding halves height and width.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] })] });
 * model.outputShape; // [null, 32, 32, 64], 1,792 parameters
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-positive `filters` or `kernelSize`.
 */
export function stridedDownsample(args: StridedDownsampleArgs): tf.layers.Layer {
  assertPositiveInteger('stridedDownsample: filters', args.filters);
  const kernelSize = args.kernelSize ?? 3;
  assertPositiveInteger('stridedDownsample: kernelSize', kernelSize);
  checkInputShape('stridedDownsample', args.inputShape);
  return tf.layers.conv2d({
    filters: args.filters,
    kernelSize,
    strides: 2,
    padding: 'same',
    inputShape: args.inputShape,
    kernelInitializer: args.kernelInitializer ?? dcganNormal(),
    useBias: args.useBias ?? true,
    name: args.name,
  });
}

/** Options of {@link stridedUpsample}. */
export interface StridedUpsampleArgs {
  /** Number of output channels. */
  filters: number;
  /**
   * Square kernel size; a multiple of the stride avoids checkerboard artefacts.
   * @defaultValue 4 (the source's A2 example)
   */
  kernelSize?: number;
  /** Stride; 2 doubles height and width. @defaultValue 2 */
  strides?: number;
  /** Input shape [height, width, channels], only for a model's first layer. */
  inputShape?: [number, number, number];
  /** @defaultValue dcganNormal() */
  kernelInitializer?: KernelInitializer;
  /** @defaultValue true */
  useBias?: boolean;
  /** Fused activation, e.g. 'tanh' for an output layer. @defaultValue 'linear' */
  activation?: 'linear' | 'tanh' | 'sigmoid' | 'relu';
  /** Layer name. */
  name?: string;
}

/**
 * Upsampling by a strided transposed convolution (DCGAN, EXPERIMENTS.md A2):
 * Conv2DTranspose with strides 2 and `same` padding doubles height and width.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [stridedUpsample({ filters: 64, inputShape: [64, 64, 3] })] });
 * model.outputShape; // [null, 128, 128, 64], 3,136 parameters
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-positive `filters`, `kernelSize` or `strides`.
 */
export function stridedUpsample(args: StridedUpsampleArgs): tf.layers.Layer {
  assertPositiveInteger('stridedUpsample: filters', args.filters);
  const kernelSize = args.kernelSize ?? 4;
  const strides = args.strides ?? 2;
  assertPositiveInteger('stridedUpsample: kernelSize', kernelSize);
  assertPositiveInteger('stridedUpsample: strides', strides);
  checkInputShape('stridedUpsample', args.inputShape);
  return tf.layers.conv2dTranspose({
    filters: args.filters,
    kernelSize,
    strides,
    padding: 'same',
    inputShape: args.inputShape,
    kernelInitializer: args.kernelInitializer ?? dcganNormal(),
    useBias: args.useBias ?? true,
    activation: args.activation ?? 'linear',
    name: args.name,
  });
}

/** Options of {@link leakyReLU}. */
export interface LeakyReLUArgs {
  /** Slope for negative inputs. @defaultValue 0.2 (DCGAN; note tfjs's own default is 0.3) */
  alpha?: number;
  /** Layer name. */
  name?: string;
}

/**
 * LeakyReLU with the DCGAN slope 0.2 (EXPERIMENTS.md A3). A layer with no parameters.
 *
 * @example
 * ```ts
 * model.add(leakyReLU()); // alpha 0.2, not tfjs's default 0.3
 * ```
 */
export function leakyReLU(args: LeakyReLUArgs = {}): tf.layers.Layer {
  return tf.layers.leakyReLU({ alpha: args.alpha ?? 0.2, name: args.name });
}

/** Options of {@link batchNorm}. */
export interface BatchNormArgs {
  /** Moving-average momentum (Keras convention). @defaultValue 0.99 */
  momentum?: number;
  /** @defaultValue 0.001 */
  epsilon?: number;
  /** Layer name. */
  name?: string;
}

/**
 * Batch normalization placed after a convolution and before its activation
 * (DCGAN, EXPERIMENTS.md A4). Adds 4 values per channel: gamma and beta
 * (trainable) and the moving mean and variance (not trainable).
 *
 * @example
 * ```ts
 * model.add(stridedDownsample({ filters: 64, inputShape: [64, 64, 3] }));
 * model.add(batchNorm());
 * model.add(leakyReLU());
 * ```
 */
export function batchNorm(args: BatchNormArgs = {}): tf.layers.Layer {
  return tf.layers.batchNormalization({ momentum: args.momentum ?? 0.99, epsilon: args.epsilon ?? 1e-3, name: args.name });
}
