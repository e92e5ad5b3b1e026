import * as tf from '@tensorflow/tfjs';
import type { Regularizer, RegularizerContext } from './types.js';
import { GanHacksError } from '../errors/index.js';
import { assertFiniteNumber } from '../internal/validate.js';

/** Options of {@link featureMatching}. */
export interface FeatureMatchingOptions {
  /** The discriminator layer whose output is matched: its name or its index in `model.layers`. */
  layer: string | number;
  /** Weight of the penalty. @defaultValue 1 */
  weight?: number;
  /**
   * Replace the generator's adversarial loss instead of adding to it, as in
   * Salimans et al. @defaultValue false
   */
  replaceLoss?: boolean;
}

/** The feature matching regularizer: see {@link featureMatching}. */
export class FeatureMatching implements Regularizer {
  readonly name = 'featureMatching';
  readonly target = 'generator' as const;
  readonly replacesLoss: boolean;
  readonly layer: string | number;
  readonly weight: number;
  private readonly extractors = new WeakMap<tf.LayersModel, tf.LayersModel>();

  constructor(options: FeatureMatchingOptions) {
    if (options === undefined || (typeof options.layer !== 'string' && typeof options.layer !== 'number')) {
      throw new GanHacksError('INVALID_ARGUMENT', 'featureMatching: pass { layer } naming a discriminator layer (its name or index).');
    }
    this.layer = options.layer;
    this.weight = options.weight ?? 1;
    this.replacesLoss = options.replaceLoss ?? false;
    assertFiniteNumber('featureMatching: weight', this.weight);
  }

  /** A model from the discriminator's input to the matched layer's output (built once per discriminator). */
  extractor(discriminator: tf.LayersModel): tf.LayersModel {
    let model = this.extractors.get(discriminator);
    if (model) return model;
    const names = discriminator.layers.map((l) => l.name);
    let layer: tf.layers.Layer | undefined;
    if (typeof this.layer === 'number') layer = discriminator.layers[this.layer];
    else layer = discriminator.layers.find((l) => l.name === this.layer);
    if (!layer) {
      throw new GanHacksError(
        'INVALID_ARGUMENT',
        `featureMatching: the discriminator has no layer ${JSON.stringify(this.layer)}; its layers are ${names.join(', ')}.`,
      );
    }
    model = tf.model({ inputs: discriminator.inputs, outputs: layer.output as tf.SymbolicTensor });
    this.extractors.set(discriminator, model);
    return model;
  }

  penalty(context: RegularizerContext): tf.Scalar {
    const { discriminator, real, fake } = context;
    if (!discriminator || !real || !fake) {
      throw new GanHacksError('INVALID_ARGUMENT', 'featureMatching: the context needs discriminator, real and fake.');
    }
    const extractor = this.extractor(discriminator);
    return tf.tidy(() => {
      const fr = (extractor.apply(real, { training: false }) as tf.Tensor).reshape([real.shape[0], -1]).mean(0);
      const ff = (extractor.apply(fake, { training: false }) as tf.Tensor).reshape([fake.shape[0], -1]).mean(0);
      return fr.sub(ff).square().sum().mul(this.weight) as tf.Scalar;
    });
  }
}

/**
 * Feature matching (Salimans et al. 2016, {@link https://arxiv.org/abs/1606.03498}):
 * the generator minimises ‖E f(x) − E f(G(z))‖², the squared distance between
 * the batch means of an intermediate discriminator feature f on real and on
 * generated samples. A remedy for mode collapse (EXPERIMENTS.md C, D).
 *
 * @example
 * ```ts
 * const fm = featureMatching({ layer: 'leaky_re_lu_LeakyReLU2' });
 * new Trainer({ ..., regularizers: [fm] });
 * // or by hand, inside the generator's tape:
 * const penalty = fm.penalty({ model: g, discriminator: d, real, fake: g.apply(z) as tf.Tensor });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `layer` is missing.
 */
export function featureMatching(options: FeatureMatchingOptions): FeatureMatching {
  return new FeatureMatching(options);
}
