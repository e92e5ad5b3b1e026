import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { assertAtMost, assertInRange, assertOneOf, assertNonNegativeInteger, optionsObject, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { batchNorm, leakyReLU } from './blocks.js';
import { LAYER_LIMITS, assertCount, assertImageShape, assertOptionalName, assertOptionalSeed, assertWeightCount } from './limits.js';

/** Most stride-2 blocks: 2^13 = 8,192, the largest side allowed. */
const MAX_BLOCKS = 13;

/** How a critic normalises its activations. */
export type Normalization = 'batch' | 'layer' | 'none';

/** Options of {@link dcganGenerator}. */
export interface DcganGeneratorArgs {
  /** Size of the latent vector (the WGAN-GP chapter of Raschka & Mirjalili uses 20). */
  latentDim: number;
  /** Output image shape [height, width, channels], e.g. [28, 28, 1]. */
  outputShape: [number, number, number];
  /** Channels of the first feature map; each upsampling block halves them. @defaultValue 128 */
  filters?: number;
  /** Number of stride-2 upsampling blocks; height and width must divide by 2^blocks. @defaultValue 2 */
  blocks?: number;
  /** Square kernel size of every transposed convolution. @defaultValue 5 */
  kernelSize?: number;
  /**
   * Dropout rate after each hidden transposed convolution's activation (soumith/ganhacks tip 17,
   * "use dropouts in G"; Isola et al. 2017, pix2pix); in [0, 1), 0 adds no layer. tfjs's
   * Dropout acts only in training calls (`apply(z, { training: true })`, as the Trainer makes
   * them), not in `predict`; ganhacks and pix2pix keep it at test time, which
   * `g.apply(z, { training: true })` gives (batch norm then also uses batch statistics).
   * The masks do not come from `seed`: a Trainer with a `seed` draws them from its own stream
   * (a tfjs Dropout with a fixed seed would repeat one mask every call).
   * @defaultValue 0
   */
  dropout?: number;
  /** Seed for reproducible initial weights. */
  seed?: number;
  /** Model name. @defaultValue 'dcgan_generator' */
  name?: string;
}

/**
 * The DCGAN generator of the WGAN-GP example of Raschka & Mirjalili, "Python Machine Learning" (3rd ed.), ch. 17 (docs/experiments/wgan-gp.md), `make_dcgan_generator`:
 * Dense (no bias) → BN → LeakyReLU → Reshape → Conv2DTranspose(s1) → BN → LeakyReLU →
 * per block (filters halve) Conv2DTranspose(s2) → BN → LeakyReLU → Conv2DTranspose(s1, tanh).
 *
 * With `latentDim: 20, outputShape: [28, 28, 1]` it has the source's 817,824
 * parameters, 804,832 of them trainable. `dropout` adds a Dropout layer after each hidden
 * block's LeakyReLU (blocks + 1 layers, no parameters).
 *
 * @example
 * ```ts
 * const g = dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1] });
 * g.predict(sampleLatent(5, 20, { distribution: 'uniform' })); // [5, 28, 28, 1] in [-1, 1]
 * ```
 * @throws GanHacksError `INVALID_SHAPE` when the output size does not divide by 2^blocks;
 * `INVALID_ARGUMENT` for sizes that are not positive integers; `INVALID_RANGE` above the caps
 * of `LAYER_LIMITS` (65,536 for latentDim and filters, kernel 64, 13 blocks, 2^27 weights a layer)
 * or a dropout outside [0, 1).
 */
export function dcganGenerator(args: DcganGeneratorArgs): tf.Sequential {
  args = optionsObject('dcganGenerator', args) as DcganGeneratorArgs;
  const filters = args.filters ?? 128;
  const blocks = args.blocks ?? 2;
  const kernelSize = args.kernelSize ?? 5;
  const dropout = args.dropout ?? 0;
  assertCount('dcganGenerator: latentDim', args.latentDim, LAYER_LIMITS.units);
  assertCount('dcganGenerator: filters', filters, LAYER_LIMITS.units);
  assertNonNegativeInteger('dcganGenerator: blocks', blocks);
  assertAtMost('dcganGenerator: blocks', blocks, MAX_BLOCKS);
  assertCount('dcganGenerator: kernelSize', kernelSize, LAYER_LIMITS.kernelSize);
  assertDropoutRate('dcganGenerator: dropout', dropout);
  assertOptionalSeed('dcganGenerator: seed', args.seed);
  assertOptionalName('dcganGenerator: name', args.name);
  assertImageShape('dcganGenerator: outputShape', args.outputShape);
  const [h, w, c] = args.outputShape;
  const scale = 2 ** blocks;
  if (h % scale !== 0 || w % scale !== 0) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `dcganGenerator: outputShape must be [height, width, channels] with height and width divisible by 2^blocks = ${scale}, got [${args.outputShape.join(', ')}].`,
    );
  }
  if (filters % 2 ** blocks !== 0) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `dcganGenerator: filters (${filters}) must divide by 2^blocks = ${scale}, since each block halves them.`,
    );
  }
  const fn = 'dcganGenerator';
  assertWeightCount(fn, 'dense layer', args.latentDim * filters * (h / scale) * (w / scale));
  assertWeightCount(fn, 'first transposed convolution', kernelSize * kernelSize * filters * filters);
  assertWeightCount(fn, 'output convolution', kernelSize * kernelSize * (filters / scale) * c);
  const init = dcganNormal({ seed: args.seed });
  const h0 = h / scale;
  const w0 = w / scale;
  const model = tf.sequential({ name: args.name ?? 'dcgan_generator' });
  model.add(tf.layers.dense({ units: filters * h0 * w0, useBias: false, inputShape: [args.latentDim], kernelInitializer: init }));
  model.add(batchNorm());
  model.add(leakyReLU());
  model.add(tf.layers.reshape({ targetShape: [h0, w0, filters] }));
  model.add(tf.layers.conv2dTranspose({ filters, kernelSize, strides: 1, padding: 'same', useBias: false, kernelInitializer: init }));
  model.add(batchNorm());
  model.add(leakyReLU());
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  let nf = filters;
  for (let i = 0; i < blocks; i++) {
    nf /= 2;
    model.add(tf.layers.conv2dTranspose({ filters: nf, kernelSize, strides: 2, padding: 'same', useBias: false, kernelInitializer: init }));
    model.add(batchNorm());
    model.add(leakyReLU());
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  model.add(
    tf.layers.conv2dTranspose({ filters: c, kernelSize, strides: 1, padding: 'same', useBias: false, activation: 'tanh', kernelInitializer: init }),
  );
  return model;
}

/** Options of {@link dcganDiscriminator}. */
export interface DcganDiscriminatorArgs {
  /** Input image shape [height, width, channels], e.g. [28, 28, 1]. */
  inputShape: [number, number, number];
  /** Channels of the first convolution; each downsampling block doubles them. @defaultValue 64 */
  filters?: number;
  /** Number of stride-2 downsampling blocks. @defaultValue 2 */
  blocks?: number;
  /** Dropout rate after each block; 0 disables it. @defaultValue 0.3 */
  dropout?: number;
  /**
   * Normalisation after each convolution. `'batch'` is the source's choice;
   * use `'layer'` (or `'none'`) for a WGAN-GP critic, since batch norm mixes
   * samples and breaks the per-sample gradient penalty.
   * @defaultValue 'batch'
   */
  normalization?: Normalization;
  /** Square kernel size of the block convolutions. @defaultValue 5 */
  kernelSize?: number;
  /** Seed for reproducible initial weights. */
  seed?: number;
  /** Model name. @defaultValue 'dcgan_discriminator' */
  name?: string;
}

/** A dropout rate in [0, 1): a rate of 1 would drop every activation. */
export function assertDropoutRate(name: string, rate: number): void {
  assertInRange(name, rate, 0, 1);
  if (rate === 1) {
    throw new GanHacksError('INVALID_RANGE', `${name} must lie in [0, 1), got ${show(rate)}; a rate of 1 drops every activation.`);
  }
}

function normalizationLayer(kind: Normalization): tf.layers.Layer | undefined {
  if (kind === 'batch') return batchNorm();
  if (kind === 'layer') return tf.layers.layerNormalization({ axis: -1, epsilon: 1e-3 });
  return undefined;
}

/**
 * The DCGAN discriminator / critic of the WGAN-GP example of Raschka & Mirjalili, "Python Machine Learning" (3rd ed.), ch. 17 (docs/experiments/wgan-gp.md), `make_dcgan_discriminator`:
 * Conv2D(s1) → norm → LeakyReLU → per block (filters double) Conv2D(s2) → norm →
 * LeakyReLU → Dropout → Conv2D(1, remaining size, valid) → Reshape([1]).
 *
 * It outputs an unbounded score: a logit for {@link MinimaxGAN} with
 * `fromLogits: true`, or a critic value for {@link WGANGP}. With
 * `inputShape: [28, 28, 1]` and batch norm it has the source's 1,040,385
 * parameters, 1,039,489 of them trainable.
 *
 * @example
 * ```ts
 * const critic = dcganDiscriminator({ inputShape: [28, 28, 1], normalization: 'layer' });
 * ```
 * @throws GanHacksError `INVALID_SHAPE` when the input size does not divide by 2^blocks;
 * `INVALID_ARGUMENT` for sizes that are not positive integers or an unknown normalization;
 * `INVALID_RANGE` for a dropout outside [0, 1) or sizes above the caps of `LAYER_LIMITS`
 * (filters × 2^blocks at most 65,536, kernel 64, 2^27 weights a layer).
 */
export function dcganDiscriminator(args: DcganDiscriminatorArgs): tf.Sequential {
  args = optionsObject('dcganDiscriminator', args) as DcganDiscriminatorArgs;
  const filters = args.filters ?? 64;
  const blocks = args.blocks ?? 2;
  const dropout = args.dropout ?? 0.3;
  const normalization = args.normalization ?? 'batch';
  const kernelSize = args.kernelSize ?? 5;
  assertCount('dcganDiscriminator: filters', filters, LAYER_LIMITS.units);
  assertNonNegativeInteger('dcganDiscriminator: blocks', blocks);
  assertAtMost('dcganDiscriminator: blocks', blocks, MAX_BLOCKS);
  assertCount('dcganDiscriminator: kernelSize', kernelSize, LAYER_LIMITS.kernelSize);
  assertDropoutRate('dcganDiscriminator: dropout', dropout);
  assertOneOf('dcganDiscriminator: normalization', normalization, ['batch', 'layer', 'none'] as const);
  assertOptionalSeed('dcganDiscriminator: seed', args.seed);
  assertOptionalName('dcganDiscriminator: name', args.name);
  assertImageShape('dcganDiscriminator: inputShape', args.inputShape);
  const [h, w, c] = args.inputShape;
  const scale = 2 ** blocks;
  if (h % scale !== 0 || w % scale !== 0) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `dcganDiscriminator: inputShape must be [height, width, channels] with height and width divisible by 2^blocks = ${scale}, got [${args.inputShape.join(', ')}].`,
    );
  }
  const last = filters * scale;
  assertAtMost('dcganDiscriminator: filters × 2^blocks (channels of the last block)', last, LAYER_LIMITS.units);
  const fn = 'dcganDiscriminator';
  assertWeightCount(fn, 'first convolution', kernelSize * kernelSize * c * filters);
  if (blocks > 0) assertWeightCount(fn, 'last block convolution', (kernelSize * kernelSize * last * last) / 2);
  assertWeightCount(fn, 'output convolution', (h / scale) * (w / scale) * last);
  const init = dcganNormal({ seed: args.seed });
  const model = tf.sequential({ name: args.name ?? 'dcgan_discriminator' });
  const addNormAndActivation = (): void => {
    const norm = normalizationLayer(normalization);
    if (norm) model.add(norm);
    model.add(leakyReLU());
  };
  model.add(tf.layers.conv2d({ filters, kernelSize, strides: 1, padding: 'same', inputShape: [h, w, c], kernelInitializer: init }));
  addNormAndActivation();
  let nf = filters;
  for (let i = 0; i < blocks; i++) {
    nf *= 2;
    model.add(tf.layers.conv2d({ filters: nf, kernelSize, strides: 2, padding: 'same', kernelInitializer: init }));
    addNormAndActivation();
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  model.add(tf.layers.conv2d({ filters: 1, kernelSize: [h / scale, w / scale], padding: 'valid', kernelInitializer: init }));
  model.add(tf.layers.reshape({ targetShape: [1] }));
  return model;
}
