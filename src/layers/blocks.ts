import * as tf from '@tensorflow/tfjs';
import { dcganNormal, isInitializer, type Initializer } from '../initializers/dcganNormal.js';
import { assertBoolean, assertInRange, assertOneOf, optionsObject, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { LAYER_LIMITS, assertCount, assertImageShape, assertOptionalName, assertWeightCount } from './limits.js';

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

const INITIALIZER_NAMES = ['glorotUniform', 'heNormal', 'zeros'] as const;

/** The kernel initializer option: an initializer object or one of the names of {@link KernelInitializer}. */
export function checkKernelInitializer(name: string, value: unknown): void {
  if (value === undefined || isInitializer(value)) return;
  if (typeof value === 'string') {
    assertOneOf(name, value as (typeof INITIALIZER_NAMES)[number], INITIALIZER_NAMES);
    return;
  }
  throw new GanHacksError('INVALID_ARGUMENT', `${name} must be an initializer (e.g. dcganNormal()) or one of ${INITIALIZER_NAMES.map((n) => JSON.stringify(n)).join(', ')}, got ${show(value)}.`);
}

/** Shared checks of the two strided blocks; returns the validated kernel size. */
function checkConvArgs(fn: string, args: StridedDownsampleArgs | StridedUpsampleArgs, defaultKernel: number): number {
  assertCount(`${fn}: filters`, args.filters, LAYER_LIMITS.units);
  const kernelSize = args.kernelSize ?? defaultKernel;
  assertCount(`${fn}: kernelSize`, kernelSize, LAYER_LIMITS.kernelSize);
  if (args.inputShape !== undefined) {
    assertImageShape(`${fn}: inputShape`, args.inputShape);
    assertWeightCount(fn, 'convolution kernel', kernelSize * kernelSize * args.inputShape[2] * args.filters);
  }
  checkKernelInitializer(`${fn}: kernelInitializer`, args.kernelInitializer);
  if (args.useBias !== undefined) assertBoolean(`${fn}: useBias`, args.useBias);
  assertOptionalName(`${fn}: name`, args.name);
  return kernelSize;
}

/**
 * Downsampling by a strided convolution instead of pooling (the DCGAN paper, Radford et al. 2015; docs/experiments/hacks.md):
 * Conv2D with strides 2 and `same` padding halves height and width.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [stridedDownsample({ filters: 64, inputShape: [64, 64, 3] })] });
 * model.outputShape; // [null, 32, 32, 64], 1,792 parameters
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a `filters` or `kernelSize` that is not a
 * positive integer or an unknown initializer; `INVALID_RANGE` above the caps of
 * `LAYER_LIMITS` (65,536 filters, kernel 64, 2^27 weights); `INVALID_SHAPE` for a bad `inputShape`.
 */
export function stridedDownsample(args: StridedDownsampleArgs): tf.layers.Layer {
  args = optionsObject('stridedDownsample', args) as StridedDownsampleArgs;
  const kernelSize = checkConvArgs('stridedDownsample', args, 3);
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
 * Upsampling by a strided transposed convolution (the DCGAN paper, Radford et al. 2015; docs/experiments/hacks.md):
 * Conv2DTranspose with strides 2 and `same` padding doubles height and width.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [stridedUpsample({ filters: 64, inputShape: [64, 64, 3] })] });
 * model.outputShape; // [null, 128, 128, 64], 3,136 parameters
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a `filters`, `kernelSize` or `strides` that
 * is not a positive integer, an unknown initializer or activation; `INVALID_RANGE` above the
 * caps of `LAYER_LIMITS`, also when the output (input side × strides) would exceed 8,192;
 * `INVALID_SHAPE` for a bad `inputShape`.
 */
export function stridedUpsample(args: StridedUpsampleArgs): tf.layers.Layer {
  args = optionsObject('stridedUpsample', args) as StridedUpsampleArgs;
  const kernelSize = checkConvArgs('stridedUpsample', args, 4);
  const strides = args.strides ?? 2;
  assertCount('stridedUpsample: strides', strides, LAYER_LIMITS.kernelSize);
  if (args.inputShape !== undefined && Math.max(args.inputShape[0], args.inputShape[1]) * strides > LAYER_LIMITS.side) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `stridedUpsample: an input of [${args.inputShape.join(', ')}] upsampled by strides ${strides} would exceed ${LAYER_LIMITS.side} pixels a side.`,
    );
  }
  const activation = args.activation ?? 'linear';
  assertOneOf('stridedUpsample: activation', activation, ['linear', 'tanh', 'sigmoid', 'relu'] as const);
  return tf.layers.conv2dTranspose({
    filters: args.filters,
    kernelSize,
    strides,
    padding: 'same',
    inputShape: args.inputShape,
    kernelInitializer: args.kernelInitializer ?? dcganNormal(),
    useBias: args.useBias ?? true,
    activation,
    name: args.name,
  });
}

/** Options of {@link leakyReLU}. */
export interface LeakyReLUArgs {
  /** Slope for negative inputs, in [0, 1]. @defaultValue 0.2 (DCGAN; note tfjs's own default is 0.3) */
  alpha?: number;
  /** Layer name. */
  name?: string;
}

/**
 * LeakyReLU with the DCGAN slope 0.2 (the DCGAN paper, Radford et al. 2015). A layer with no parameters.
 *
 * @example
 * ```ts
 * model.add(leakyReLU()); // alpha 0.2, not tfjs's default 0.3
 * ```
 * @throws GanHacksError `INVALID_RANGE` for an `alpha` outside [0, 1] (`INVALID_ARGUMENT` if not a finite number).
 */
export function leakyReLU(args?: LeakyReLUArgs | null): tf.layers.Layer {
  const o = optionsObject('leakyReLU', args);
  const alpha = o.alpha ?? 0.2;
  assertInRange('leakyReLU: alpha', alpha, 0, 1);
  assertOptionalName('leakyReLU: name', o.name);
  return tf.layers.leakyReLU({ alpha, name: o.name });
}

/** Options of {@link batchNorm}. */
export interface BatchNormArgs {
  /** Moving-average momentum (Keras convention), in [0, 1]. @defaultValue 0.99 */
  momentum?: number;
  /** Added to the variance before the square root; > 0 (and not rounded to 0 in float32). @defaultValue 0.001 */
  epsilon?: number;
  /** Layer name. */
  name?: string;
}

/**
 * Batch normalization placed after a convolution and before its activation
 * (the DCGAN paper, Radford et al. 2015). Adds 4 values per channel: gamma and beta
 * (trainable) and the moving mean and variance (not trainable).
 *
 * @example
 * ```ts
 * model.add(stridedDownsample({ filters: 64, inputShape: [64, 64, 3] }));
 * model.add(batchNorm());
 * model.add(leakyReLU());
 * ```
 * @throws GanHacksError `INVALID_RANGE` for a `momentum` outside [0, 1] or an `epsilon` ≤ 0
 * (a zero-variance channel would give NaN) or beyond float32.
 */
export function batchNorm(args?: BatchNormArgs | null): tf.layers.Layer {
  const o = optionsObject('batchNorm', args);
  const momentum = o.momentum ?? 0.99;
  const epsilon = o.epsilon ?? 1e-3;
  assertInRange('batchNorm: momentum', momentum, 0, 1);
  assertFloat32Positive('batchNorm: epsilon', epsilon);
  assertOptionalName('batchNorm: name', o.name);
  return tf.layers.batchNormalization({ momentum, epsilon, name: o.name });
}

/** A number > 0 that stays > 0 and finite in float32 (an epsilon). */
export function assertFloat32Positive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a finite number, got ${show(value)}.`);
  }
  const f = Math.fround(value);
  if (!(f > 0) || !Number.isFinite(f)) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${name} must be > 0 and representable in float32 (between 1.4e-45 and 3.4e38), got ${show(value)}; 1e-3 is the usual value.`,
    );
  }
}
