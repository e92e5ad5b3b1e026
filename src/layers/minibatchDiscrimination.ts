import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { dcganNormal } from '../initializers/dcganNormal.js';
import { optionsObject } from '../internal/validate.js';
import { LAYER_LIMITS, assertCount, assertOptionalName, assertOptionalSeed, assertWeightCount } from './limits.js';

/** Standard deviation of T's initial values: the Normal(0.05) of Salimans et al.'s released code. */
const INIT_STDDEV = 0.05;

/** Options of {@link minibatchDiscrimination}. */
export interface MinibatchDiscriminationOptions {
  /** B in the paper: features appended, one per kernel; a positive integer. */
  kernels: number;
  /** C in the paper: length of each kernel's projection of a sample; a positive integer. */
  dims: number;
  /** Seed of T's initial values. */
  seed?: number;
  /** Layer name. @defaultValue tfjs's unique name for `minibatch_discrimination` */
  name?: string;
}

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/**
 * The minibatch discrimination layer of Salimans et al. 2016 (see {@link minibatchDiscrimination}).
 * Serialisable under the class name `MinibatchDiscrimination` once {@link registerGanHacksLayers} has run.
 */
export class MinibatchDiscrimination extends tf.layers.Layer {
  /** @internal */
  static className = 'MinibatchDiscrimination';
  readonly kernels: number;
  readonly dims: number;
  readonly seed: number | undefined;
  private t: tf.LayerVariable | undefined;

  /** @internal Use {@link minibatchDiscrimination}, which validates its arguments. */
  constructor(args: { kernels: number; dims: number; seed?: number | null } & LayerArgs) {
    super(args);
    this.kernels = args.kernels;
    this.dims = args.dims;
    this.seed = args.seed ?? undefined;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[1];
    if (shape.length !== 2 || features === null || features === undefined) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `minibatchDiscrimination: inputs must be [batch, features] with a known number of features, got shape [${shape.join(', ')}]; put tf.layers.flatten() before it.`,
      );
    }
    assertWeightCount('minibatchDiscrimination', 'tensor T', features * this.kernels * this.dims);
    this.t = this.addWeight('T', [features, this.kernels * this.dims], 'float32', dcganNormal({ stddev: INIT_STDDEV, seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[1];
    return [shape[0], features === null || features === undefined ? null : features + this.kernels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const n = x.shape[0];
      const m = tf.matMul(x, this.t!.read()).reshape([n, 1, this.kernels, this.dims]);
      // ||M_i,b − M_j,b||_L1 for every pair (i, j): [n, n, kernels].
      const l1 = tf.sum(tf.abs(tf.sub(m, m.reshape([1, n, this.kernels, this.dims]))), 3);
      // The sum over j includes i, whose term is exp(−0) = 1 exactly; removing it leaves the
      // sum over the other samples, as Salimans et al.'s released code does (see the TSDoc).
      const o = tf.sub(tf.sum(tf.exp(tf.neg(l1)), 1), 1);
      return tf.concat([x, o], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernels: this.kernels, dims: this.dims, seed: this.seed ?? null };
  }
}

/**
 * Minibatch discrimination (Salimans et al. 2016, "Improved Techniques for Training GANs",
 * {@link https://arxiv.org/abs/1606.03498}, section 3.2; soumith/ganhacks tip 15): a
 * discriminator layer that lets D compare each sample with the rest of its batch, so that a
 * batch of near-identical fakes (mode collapse) stands out. For inputs x of shape
 * [batch, features] it computes M = x·T reshaped to [batch, kernels, dims],
 * c_b(i, j) = exp(−‖M_i,b − M_j,b‖₁) and o(x_i)_b = Σ_{j ≠ i} c_b(i, j), and returns
 * [x, o(x)] of shape [batch, features + kernels].
 *
 * The sum leaves out j = i. The paper's formula sums over all j, which adds exp(0) = 1 to every
 * feature, a constant that carries no information and shifts D's input; both versions of the
 * authors' released code leave it out (Theano: 1e6 added to the diagonal of the distances;
 * ImageNet TensorFlow: a mask of 1 − I), and so does this layer. Unlike the Theano code, T
 * has no weight normalisation and the layer no bias. T ([features, kernels · dims]) is
 * trainable and initialised from N(0, 0.05), the released code's initial scale.
 *
 * Cost: the pairwise distances take batch² × kernels × dims values (a batch of 64 with the 100
 * kernels of 5 dims of the authors' CIFAR-10 code: 64² × 100 × 5 = 2M). To load a saved model that uses it, call {@link registerGanHacksLayers} first.
 *
 * @example
 * ```ts
 * const d = tf.sequential({ layers: [
 *   tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
 *   leakyReLU(),
 *   tf.layers.flatten(),
 *   minibatchDiscrimination({ kernels: 50, dims: 5 }), // [batch, 6272 + 50]
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for kernels or dims that are not positive integers,
 * a non-finite seed or options that are not an object; `INVALID_RANGE` for kernels × dims
 * above 65,536 (`LAYER_LIMITS.units`) or a T above 2^27 weights; `INVALID_SHAPE` when built on
 * inputs that are not [batch, features].
 */
export function minibatchDiscrimination(options: MinibatchDiscriminationOptions): MinibatchDiscrimination {
  const o = optionsObject('minibatchDiscrimination', options);
  assertCount('minibatchDiscrimination: kernels', o.kernels, LAYER_LIMITS.units, "Salimans et al.'s CIFAR-10 code uses 100.");
  assertCount('minibatchDiscrimination: dims', o.dims, LAYER_LIMITS.units, "Salimans et al.'s code uses 5.");
  assertCount('minibatchDiscrimination: kernels × dims', o.kernels * o.dims, LAYER_LIMITS.units);
  assertOptionalSeed('minibatchDiscrimination: seed', o.seed);
  assertOptionalName('minibatchDiscrimination: name', o.name);
  return new MinibatchDiscrimination({ kernels: o.kernels, dims: o.dims, seed: o.seed, name: o.name });
}
