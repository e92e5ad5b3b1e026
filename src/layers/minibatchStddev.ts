import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, assertPositiveInteger, optionsObject } from '../internal/validate.js';
import { assertOptionalName } from './limits.js';

/** Added to the variance before the square root, as in ProGAN's code. */
const EPSILON = 1e-8;

/** Options of {@link minibatchStddev}. */
export interface MinibatchStddevOptions {
  /**
   * Samples per group; a positive integer, at most `LIMITS.batchSize` (65,536). A batch smaller
   * than it forms one group; otherwise it must divide the batch size.
   * @defaultValue 4 (ProGAN)
   */
  groupSize?: number;
  /** Layer name. @defaultValue tfjs's unique name for `minibatch_stddev` */
  name?: string;
}

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/**
 * The minibatch standard deviation layer of ProGAN (see {@link minibatchStddev}).
 * Serialisable under the class name `MinibatchStddev` once {@link registerGanHacksLayers} has run.
 */
export class MinibatchStddev extends tf.layers.Layer {
  /** @internal */
  static className = 'MinibatchStddev';
  readonly groupSize: number;

  /** @internal Use {@link minibatchStddev}, which validates its arguments. */
  constructor(args: { groupSize: number } & LayerArgs) {
    super(args);
    this.groupSize = args.groupSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length < 2) {
      throw new GanHacksError('INVALID_SHAPE', `minibatchStddev: inputs must have a batch axis and at least one feature axis, got shape [${shape.join(', ')}].`);
    }
    const last = shape[shape.length - 1];
    return [...shape.slice(0, -1), last === null ? null : last + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const n = x.shape[0];
    const g = Math.min(this.groupSize, n);
    if (n % g !== 0) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `minibatchStddev: the batch size (${n}) must be a multiple of groupSize (${this.groupSize}); use a batch that divides by ${this.groupSize} or a groupSize that divides ${n}.`,
      );
    }
    return tf.tidy(() => {
      const m = n / g;
      // ProGAN's grouping: sample i belongs to group i mod m (the reshape to [g, m, ...]).
      const y = x.reshape([g, m, -1]);
      const centred = tf.sub(y, tf.mean(y, 0, true));
      const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), EPSILON)); // [m, features]
      const perGroup = tf.mean(std, 1); // [m]
      const perSample = tf.tile(perGroup, [g]); // sample g·m + j gets group j's value
      const featureShape = [n, ...x.shape.slice(1, -1), 1];
      const map = tf.broadcastTo(perSample.reshape(featureShape.map((d, i) => (i === 0 ? d : 1))), featureShape);
      return tf.concat([x, map], -1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}

/**
 * Minibatch standard deviation (Karras et al. 2018, "Progressive Growing of GANs for Improved
 * Quality, Stability, and Variation", {@link https://arxiv.org/abs/1710.10196}): a
 * discriminator layer that appends one feature map holding, for each group of `groupSize`
 * samples, the mean over all features (every position and channel) of the standard deviation
 * of that feature within the group. A batch of near-identical fakes shows a small value, so
 * the discriminator can see mode collapse. ProGAN's formulation: groups take samples
 * i, i + m, i + 2m, ... (m = batch / groupSize), the deviation is the population one
 * (divided by the group size) with 1e-8 added to the variance, and the layer has no weights.
 *
 * Inputs are [batch, ..., channels] (an image [batch, height, width, channels] gets one more
 * channel; a [batch, features] input one more feature). The batch must divide by `groupSize`
 * (or be smaller, then it is one group), also in `predict`, which splits its input into
 * batches of 32 unless told otherwise. Put it before the last convolutions of D, as ProGAN
 * does at 4×4. To load a saved model that uses it, call {@link registerGanHacksLayers} first.
 *
 * @example
 * ```ts
 * const d = tf.sequential({ layers: [
 *   tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
 *   leakyReLU(),
 *   minibatchStddev({ groupSize: 4 }), // [batch, 14, 14, 33]
 *   tf.layers.flatten(),
 *   tf.layers.dense({ units: 1 }),
 * ] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a groupSize that is not a positive integer or
 * options that are not an object; `INVALID_RANGE` for a groupSize above 65,536. When called,
 * `INVALID_SHAPE` for a batch that does not divide by the group size.
 */
export function minibatchStddev(options?: MinibatchStddevOptions | null): MinibatchStddev {
  const o = optionsObject('minibatchStddev', options);
  const groupSize = o.groupSize ?? 4;
  assertPositiveInteger('minibatchStddev: groupSize', groupSize, 'ProGAN uses 4.');
  assertAtMost('minibatchStddev: groupSize', groupSize, LIMITS.batchSize);
  assertOptionalName('minibatchStddev: name', o.name);
  return new MinibatchStddev({ groupSize, name: o.name });
}
