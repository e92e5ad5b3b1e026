import * as tf from '@tensorflow/tfjs';
import { dcganNormal, type Initializer } from '../initializers/dcganNormal.js';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, optionsObject } from '../internal/validate.js';
import { batchNorm, leakyReLU, stridedDownsample, stridedUpsample } from './blocks.js';
import { assertDropoutRate } from './dcgan.js';
import { LAYER_LIMITS, assertCount, assertImageShape, assertOptionalName, assertOptionalSeed, assertWeightCount } from './limits.js';

/**
 * Most classes a conditional builder accepts: the one-hot table (classes × classes, see
 * {@link conditionalGenerator}) must stay within `LAYER_LIMITS.weights` (2^27).
 */
export const MAX_CONDITIONAL_CLASSES = Math.floor(Math.sqrt(LAYER_LIMITS.weights));

/** Options of {@link conditionalGenerator}. */
export interface ConditionalGeneratorArgs {
  /** Size of the latent vector. */
  latentDim: number;
  /** Number of classes; labels are integers in [0, classes). At least 2, at most 11,585. */
  classes: number;
  /** Width of the learned label embedding joined to the latent. @defaultValue 50 (Brownlee's cGAN tutorial) */
  embeddingDim?: number;
  /** Output image shape [height, width, channels]; height and width divisible by 4. @defaultValue [28, 28, 1] */
  outputShape?: [number, number, number];
  /** Channels of the dense layer's feature map and of both transposed convolutions. @defaultValue 128 (the source) */
  filters?: number;
  /**
   * Batch norm after each transposed convolution, before its LeakyReLU (the DCGAN paper, Radford et
   * al. 2015; an earlier revision of the source, as `failureModesGenerator({ batchNorm })`).
   * @defaultValue false
   */
  batchNorm?: boolean;
  /** Seed for reproducible initial weights. */
  seed?: number;
  /** Model name. @defaultValue 'conditional_generator' */
  name?: string;
}

/** Options shared by {@link projectionDiscriminator} and {@link acganDiscriminator}. */
export interface ConditionalDiscriminatorArgs {
  /** Number of classes; labels are integers in [0, classes). At least 2, at most 11,585. */
  classes: number;
  /** Input image shape [height, width, channels]. @defaultValue [28, 28, 1] */
  inputShape?: [number, number, number];
  /** Channels of both strided convolutions. @defaultValue 64 (the source) */
  filters?: number;
  /**
   * Dropout rate on the features φ(x) before the heads, in [0, 1); 0 adds no layer. Brownlee's
   * cGAN tutorial ("How to Develop a Conditional GAN (cGAN) From Scratch", 2019) puts 0.4 there
   * to keep D from overpowering G; active in training calls only.
   * @defaultValue 0
   */
  dropout?: number;
  /** Seed for reproducible initial weights. */
  seed?: number;
  /** Model name. @defaultValue 'projection_discriminator' or 'acgan_discriminator' */
  name?: string;
}

/** Options of {@link projectionDiscriminator}. */
export type ProjectionDiscriminatorArgs = ConditionalDiscriminatorArgs;
/** Options of {@link acganDiscriminator}. */
export type AcganDiscriminatorArgs = ConditionalDiscriminatorArgs;

function checkClasses(fn: string, classes: unknown): asserts classes is number {
  assertCount(`${fn}: classes`, classes, MAX_CONDITIONAL_CLASSES, 'The one-hot table holds classes × classes values.');
  if (classes < 2) throw new GanHacksError('INVALID_RANGE', `${fn}: classes must be at least 2 (one class is an unconditional GAN), got ${classes}.`);
}

/**
 * The label input and its one-hot code, [n, classes]. The one-hot code is a frozen identity
 * Embedding: a trainable Embedding's gradient (a gather's, an UnsortedSegmentSum) has no kernel
 * on the WASM backend, whereas Dense(one-hot) learns the same table with matrix products only.
 */
function oneHotLabel(classes: number): { label: tf.SymbolicTensor; oneHot: tf.SymbolicTensor } {
  const label = tf.input({ shape: [1], dtype: 'int32', name: 'label' });
  const table = tf.layers.embedding({ inputDim: classes, outputDim: classes, embeddingsInitializer: tf.initializers.identity({ gain: 1 }), trainable: false, name: 'label_one_hot' });
  const looked = table.apply(label) as tf.SymbolicTensor;
  // Marks the table's variable too, so readers of weight.trainable (the ema hook) leave it alone.
  table.trainable = false;
  return { label, oneHot: tf.layers.flatten().apply(looked) as tf.SymbolicTensor };
}

/** The learned embedding of a one-hot code: row k of the kernel is class k's vector. */
function embed(oneHot: tf.SymbolicTensor, units: number, init: Initializer, name: string): tf.SymbolicTensor {
  return tf.layers.dense({ units, useBias: false, kernelInitializer: init, name }).apply(oneHot) as tf.SymbolicTensor;
}

/**
 * A class-conditional DCGAN generator (Mirza & Osindero 2014, "Conditional Generative Adversarial
 * Nets", https://arxiv.org/abs/1411.1784): the label's learned embedding is concatenated to the
 * latent, then the generator of "How to Identify and Diagnose GAN Failure Modes" (Brownlee 2019;
 * {@link failureModesGenerator}): Dense(filters·h/4·w/4) → LeakyReLU(0.2) → Reshape →
 * 2 × [Conv2DTranspose(filters, 4×4, s2, same) → (BatchNorm with `batchNorm`) → LeakyReLU] →
 * Conv2D(channels, 7×7, same, tanh).
 *
 * Inputs `[latent [n, latentDim], label [n, 1] int32]`, the order the {@link Trainer} passes them
 * with `classes` set; output `[n, ...outputShape]` in [-1, 1]. The embedding is a Dense layer
 * (no bias) on the label's one-hot code, which a frozen identity Embedding gives (classes²
 * non-trainable values): it learns the same table as an Embedding layer, and trains on every
 * backend (an Embedding's gradient has no WASM kernel). Only standard tfjs layers, so
 * `tf.loadLayersModel` reloads a saved model as is.
 *
 * Parameters (trainable): classes·E + (latentDim + E)·f·h·w/16 + f·h·w/16 + 2·(16f² + f) + 49·f·c + c,
 * with E = embeddingDim and f = filters; 1,478,389 for latentDim 100, 10 classes and the defaults
 * (plus the 100 frozen one-hot values); `batchNorm` adds 2·2f trainable and 2·2f moving statistics.
 *
 * @example
 * ```ts
 * const g = conditionalGenerator({ latentDim: 100, classes: 10 });
 * const digits = g.predict([sampleLatent(10, 100), tf.tensor2d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 1], 'int32')]); // [10, 28, 28, 1]
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for sizes that are not positive integers, a non-boolean
 * batchNorm, a non-finite seed or an empty name; `INVALID_RANGE` for fewer than 2 classes or sizes above the caps
 * (`MAX_CONDITIONAL_CLASSES` classes, 65,536 units, 2^27 weights a layer); `INVALID_SHAPE` for an
 * outputShape that is not [height, width, channels] with height and width divisible by 4.
 */
export function conditionalGenerator(args: ConditionalGeneratorArgs): tf.LayersModel {
  const fn = 'conditionalGenerator';
  const o = optionsObject(fn, args);
  const embeddingDim = o.embeddingDim ?? 50;
  const filters = o.filters ?? 128;
  const outputShape = o.outputShape ?? [28, 28, 1];
  const withBatchNorm = o.batchNorm ?? false;
  assertCount(`${fn}: latentDim`, o.latentDim, LAYER_LIMITS.units);
  checkClasses(fn, o.classes);
  assertCount(`${fn}: embeddingDim`, embeddingDim, LAYER_LIMITS.units);
  assertCount(`${fn}: filters`, filters, LAYER_LIMITS.units);
  assertImageShape(`${fn}: outputShape`, outputShape);
  assertBoolean(`${fn}: batchNorm`, withBatchNorm);
  assertOptionalSeed(`${fn}: seed`, o.seed);
  assertOptionalName(`${fn}: name`, o.name);
  const [h, w, c] = outputShape;
  if (h % 4 !== 0 || w % 4 !== 0) {
    throw new GanHacksError('INVALID_SHAPE', `${fn}: outputShape must have height and width divisible by 4 (two stride-2 upsamplings), got [${outputShape.join(', ')}]; 28x28 digits start from 7x7.`);
  }
  const cells = (h / 4) * (w / 4);
  assertWeightCount(fn, 'label embedding', o.classes * embeddingDim);
  assertWeightCount(fn, 'dense layer', (o.latentDim + embeddingDim) * filters * cells);
  assertWeightCount(fn, 'transposed convolutions', 16 * filters * filters);
  assertWeightCount(fn, 'output convolution', 49 * filters * c);
  const init = dcganNormal({ seed: o.seed });
  const latent = tf.input({ shape: [o.latentDim], name: 'latent' });
  const { label, oneHot } = oneHotLabel(o.classes);
  const joined = tf.layers.concatenate().apply([latent, embed(oneHot, embeddingDim, init, 'label_embedding')]) as tf.SymbolicTensor;
  let x = tf.layers.dense({ units: filters * cells, kernelInitializer: init }).apply(joined) as tf.SymbolicTensor;
  x = leakyReLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [h / 4, w / 4, filters] }).apply(x) as tf.SymbolicTensor;
  for (let i = 0; i < 2; i++) {
    x = stridedUpsample({ filters, kernelSize: 4, kernelInitializer: init }).apply(x) as tf.SymbolicTensor;
    if (withBatchNorm) x = batchNorm().apply(x) as tf.SymbolicTensor;
    x = leakyReLU().apply(x) as tf.SymbolicTensor;
  }
  const image = tf.layers.conv2d({ filters: c, kernelSize: 7, padding: 'same', activation: 'tanh', kernelInitializer: init }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [latent, label], outputs: image, name: o.name ?? 'conditional_generator' });
}

/** Validated options of a conditional discriminator, and its image trunk's features φ(x). */
function trunk(fn: string, args: ConditionalDiscriminatorArgs): { classes: number; image: tf.SymbolicTensor; features: tf.SymbolicTensor; featureCount: number; init: Initializer; name: string | undefined } {
  const o = optionsObject(fn, args);
  const inputShape = o.inputShape ?? [28, 28, 1];
  const filters = o.filters ?? 64;
  const dropout = o.dropout ?? 0;
  checkClasses(fn, o.classes);
  assertImageShape(`${fn}: inputShape`, inputShape);
  assertCount(`${fn}: filters`, filters, LAYER_LIMITS.units);
  assertDropoutRate(`${fn}: dropout`, dropout);
  assertOptionalSeed(`${fn}: seed`, o.seed);
  assertOptionalName(`${fn}: name`, o.name);
  const [h, w, c] = inputShape;
  // Two stride-2 'same' convolutions leave ceil(h / 4) × ceil(w / 4) × filters features.
  const featureCount = Math.ceil(h / 4) * Math.ceil(w / 4) * filters;
  assertWeightCount(fn, 'first convolution', 16 * c * filters);
  assertWeightCount(fn, 'second convolution', 16 * filters * filters);
  assertWeightCount(fn, 'class head', featureCount * o.classes);
  const init = dcganNormal({ seed: o.seed });
  const image = tf.input({ shape: inputShape, name: 'image' });
  let x = image;
  for (let i = 0; i < 2; i++) {
    x = stridedDownsample({ filters, kernelSize: 4, kernelInitializer: init }).apply(x) as tf.SymbolicTensor;
    x = leakyReLU().apply(x) as tf.SymbolicTensor;
  }
  let features = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  if (dropout > 0) features = tf.layers.dropout({ rate: dropout }).apply(features) as tf.SymbolicTensor;
  return { classes: o.classes, image, features, featureCount, init, name: o.name };
}

/**
 * A projection discriminator (Miyato & Koyama 2018, "cGANs with Projection Discriminator",
 * https://arxiv.org/abs/1802.05637) on the trunk of "How to Identify and Diagnose GAN Failure
 * Modes" (Brownlee 2019; {@link failureModesDiscriminator}): φ(x) = Flatten(2 × [Conv2D(filters,
 * 4×4, s2, same) → LeakyReLU(0.2)]) (then Dropout with `dropout`), and the output
 *
 *   D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩,
 *
 * with ψ a Dense(1) and embed(y) a learned vector per class of φ's width (a Dense without bias
 * on the label's one-hot code, as in {@link conditionalGenerator}). The inner product is a
 * standard Dot layer, the sum an Add, so the model is serialisable with standard layers only.
 *
 * Inputs `[image, label [n, 1] int32]`; output `[n, 1]` logits: the model ends in a linear
 * Activation layer, so a {@link Trainer} without a `loss` picks `new MinimaxGAN({ fromLogits: true })`;
 * `new HingeGAN()` (the paper's loss) fits too. Losses whose penalty runs D on images alone
 * (WGANGP) are refused by the Trainer.
 *
 * Parameters (all trainable, besides classes² in the frozen one-hot table), with F =
 * ceil(h/4)·ceil(w/4)·f: 16·c·f + f + 16f² + f (trunk) + F + 1 (ψ) + classes·F (embed);
 * 69,825 + 31,360 = 101,185 for 28x28x1 digits and 10 classes.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   generator: conditionalGenerator({ latentDim: 100, classes: 10 }),
 *   discriminator: projectionDiscriminator({ classes: 10 }),
 *   latentDim: 100, classes: 10, // loss: MinimaxGAN({ fromLogits: true }), read from D's linear output
 * });
 * await trainer.fit({ images, labels }, { batchSize: 64, iterations: 2000 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for sizes that are not positive integers, a non-finite
 * seed or an empty name; `INVALID_RANGE` for fewer than 2 classes, sizes above the caps or a
 * dropout outside [0, 1); `INVALID_SHAPE` for an inputShape that is not [height, width, channels].
 */
export function projectionDiscriminator(args: ProjectionDiscriminatorArgs): tf.LayersModel {
  const fn = 'projectionDiscriminator';
  const t = trunk(fn, args);
  const { label, oneHot } = oneHotLabel(t.classes);
  const psi = tf.layers.dense({ units: 1, kernelInitializer: t.init, name: 'psi' }).apply(t.features) as tf.SymbolicTensor;
  const classVector = embed(oneHot, t.featureCount, t.init, 'projection_embedding');
  const projection = tf.layers.dot({ axes: -1, name: 'projection' }).apply([classVector, t.features]) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([psi, projection]) as tf.SymbolicTensor;
  // An Add reports no activation; this identity tells the Trainer the output is a logit.
  const logit = tf.layers.activation({ activation: 'linear', name: 'logit' }).apply(sum) as tf.SymbolicTensor;
  return tf.model({ inputs: [t.image, label], outputs: logit, name: t.name ?? 'projection_discriminator' });
}

/**
 * An auxiliary-classifier discriminator (Odena et al. 2017, "Conditional Image Synthesis with
 * Auxiliary Classifier GANs", https://arxiv.org/abs/1610.09585) on the trunk of "How to Identify
 * and Diagnose GAN Failure Modes" (Brownlee 2019; {@link failureModesDiscriminator}):
 * Flatten(2 × [Conv2D(filters, 4×4, s2, same) → LeakyReLU(0.2)]) (then Dropout with `dropout`) feeding two heads, the source
 * (Dense(1, sigmoid): the probability that the image is real, for {@link ACGAN}'s default
 * `MinimaxGAN()` source loss) and the class logits (Dense(classes), no activation).
 *
 * Input `image`; outputs `[source [n, 1], classLogits [n, classes]]`. Train it with
 * `new ACGAN()`; the Trainer refuses a class head with any other loss.
 *
 * Parameters, with F = ceil(h/4)·ceil(w/4)·f: 16·c·f + f + 16f² + f (trunk) + F + 1 (source) +
 * F·classes + classes; 101,195 for 28x28x1 digits and 10 classes.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   generator: conditionalGenerator({ latentDim: 100, classes: 10 }),
 *   discriminator: acganDiscriminator({ classes: 10 }),
 *   loss: new ACGAN(), latentDim: 100, classes: 10,
 * });
 * await trainer.fit({ images, labels }, { batchSize: 64, iterations: 2000 });
 * ```
 * @throws GanHacksError as {@link projectionDiscriminator}.
 */
export function acganDiscriminator(args: AcganDiscriminatorArgs): tf.LayersModel {
  const fn = 'acganDiscriminator';
  const t = trunk(fn, args);
  const source = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: t.init, name: 'source' }).apply(t.features) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: t.classes, kernelInitializer: t.init, name: 'class_logits' }).apply(t.features) as tf.SymbolicTensor;
  return tf.model({ inputs: t.image, outputs: [source, logits], name: t.name ?? 'acgan_discriminator' });
}
