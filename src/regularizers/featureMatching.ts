import * as tf from '@tensorflow/tfjs';
import type { Regularizer, RegularizerContext } from './types.js';
import { GanHacksError } from '../errors/index.js';
import { MAX_WEIGHT } from '../losses/functional.js';
import { assertAtMost, assertBoolean, assertFloatTensor, assertLayersModel, assertNonNegative, optionsObject, show } from '../internal/validate.js';

/** Options of {@link featureMatching}. */
export interface FeatureMatchingOptions {
  /** The discriminator layer whose output is matched: its name or its index in `model.layers`. */
  layer: string | number;
  /** Weight of the penalty, in [0, 1e6]. @defaultValue 1 */
  weight?: number;
  /**
   * Replace the generator's adversarial loss instead of adding to it, as in
   * Salimans et al. @defaultValue false
   */
  replaceLoss?: boolean;
}

/**
 * The feature matching regularizer: see {@link featureMatching}.
 *
 * @example
 * ```ts
 * const fm = new FeatureMatching({ layer: 'features', weight: 0.5 }); // same as featureMatching(...)
 * ```
 * @throws GanHacksError as {@link featureMatching}.
 */
export class FeatureMatching implements Regularizer {
  readonly name = 'featureMatching';
  readonly target = 'generator' as const;
  readonly replacesLoss: boolean;
  readonly layer: string | number;
  readonly weight: number;
  private readonly extractors = new WeakMap<tf.LayersModel, tf.LayersModel>();

  constructor(options: FeatureMatchingOptions) {
    const o = optionsObject('featureMatching', options);
    const layer = o.layer;
    const validLayer = (typeof layer === 'string' && layer.length > 0) || (typeof layer === 'number' && Number.isInteger(layer) && layer >= 0);
    if (!validLayer) {
      throw new GanHacksError('INVALID_ARGUMENT', `featureMatching: pass { layer } naming a discriminator layer (its name, or its index: an integer >= 0), got ${show(layer)}.`);
    }
    this.layer = layer;
    this.weight = o.weight ?? 1;
    this.replacesLoss = o.replaceLoss ?? false;
    assertNonNegative('featureMatching: weight', this.weight);
    assertAtMost('featureMatching: weight', this.weight, MAX_WEIGHT, 'Larger weights overflow float32 losses.');
    assertBoolean('featureMatching: replaceLoss', this.replacesLoss);
  }

  /**
   * A model from the discriminator's input to the matched layer's output (built once per discriminator).
   * @throws GanHacksError `INVALID_ARGUMENT` when the discriminator is not a model or has no such layer.
   */
  extractor(discriminator: tf.LayersModel): tf.LayersModel {
    assertLayersModel('featureMatching: discriminator', discriminator);
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

  /**
   * weight · ‖mean f(real) − mean f(fake)‖², differentiable w.r.t. the generator through `fake`.
   * @throws GanHacksError `INVALID_ARGUMENT` for a context without a discriminator model or
   * with non-tensor, disposed or non-float32 batches; `INVALID_SHAPE` for empty batches or
   * batches whose samples do not fit the discriminator's input.
   */
  penalty(context: RegularizerContext): tf.Scalar {
    if (context === null || typeof context !== 'object') {
      throw new GanHacksError('INVALID_ARGUMENT', `featureMatching: penalty takes a context { discriminator, real, fake }, got ${show(context)}.`);
    }
    const { discriminator, real, fake } = context;
    if (!discriminator || !real || !fake) {
      throw new GanHacksError('INVALID_ARGUMENT', 'featureMatching: the context needs discriminator, real and fake.');
    }
    assertLayersModel('featureMatching: discriminator', discriminator);
    assertFloatTensor('featureMatching: real', real);
    assertFloatTensor('featureMatching: fake', fake);
    const input = discriminator.inputs.length === 1 ? discriminator.inputs[0].shape.slice(1) : undefined;
    for (const [name, t] of [
      ['real', real],
      ['fake', fake],
    ] as const) {
      if (!input || t.rank !== input.length + 1 || input.some((d, i) => d !== null && d !== t.shape[i + 1])) {
        throw new GanHacksError(
          'INVALID_SHAPE',
          `featureMatching: ${name} [${t.shape.join(', ')}] does not fit the discriminator's input [n, ${input ? input.map((d) => d ?? '?').join(', ') : '(several inputs)'}].`,
        );
      }
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
 * generated samples. A remedy for mode collapse (docs/experiments/monitoring.md,
 * docs/experiments/wgan-gp.md).
 *
 * @example
 * ```ts
 * const fm = featureMatching({ layer: 'leaky_re_lu_LeakyReLU2' });
 * new Trainer({ ..., regularizers: [fm] });
 * // or by hand, inside the generator's tape:
 * const penalty = fm.penalty({ model: g, discriminator: d, real, fake: g.apply(z) as tf.Tensor });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `layer` is missing or neither a
 * non-empty name nor an integer index ≥ 0, or `replaceLoss` is not a boolean;
 * `INVALID_ARGUMENT` / `INVALID_RANGE` for a non-finite or negative weight.
 */
export function featureMatching(options: FeatureMatchingOptions): FeatureMatching {
  return new FeatureMatching(options);
}
