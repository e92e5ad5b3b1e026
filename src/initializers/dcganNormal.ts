import * as tf from '@tensorflow/tfjs';
import { assertFiniteNumber } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { createRng, nextSeed } from '../internal/random.js';

/** Options of {@link dcganNormal}. */
export interface DcganNormalArgs {
  /**
   * Seed for reproducible weights. Each weight the initializer fills draws
   * from its own stream (derived from `seed` and the call index), so a model
   * built twice with the same seed gets the same weights while its layers do
   * not share values.
   * @defaultValue undefined (non-deterministic)
   */
  seed?: number;
  /** @defaultValue 0 */
  mean?: number;
  /** @defaultValue 0.02 (Radford et al. 2015) */
  stddev?: number;
}

/** The tfjs-layers initializer type (its class is not exported by name). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

// tfjs-layers checks `instanceof Initializer` but does not export the class:
// reach it through a built-in subclass.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => InitializerLike;

/** The members a custom initializer overrides (tfjs-layers' abstract Initializer). */
interface InitializerLike extends Initializer {
  apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor;
  getConfig(): tf.serialization.ConfigDict;
}

/**
 * Normal initializer N(mean, stddev) that honours its seed; the DCGAN default.
 *
 * Serialisable under the class name `DcganNormal`.
 */
export class DcganNormal extends InitializerBase {
  /** @internal */
  static className = 'DcganNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed: number | undefined;
  private calls = 0;

  constructor(args: DcganNormalArgs = {}) {
    super();
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.02;
    this.seed = args.seed;
    assertFiniteNumber('dcganNormal: mean', this.mean);
    assertFiniteNumber('dcganNormal: stddev', this.stddev);
    if (this.stddev < 0) {
      throw new GanHacksError('INVALID_RANGE', `dcganNormal: stddev must be >= 0, got ${this.stddev}.`);
    }
    if (this.seed !== undefined) assertFiniteNumber('dcganNormal: seed', this.seed);
  }

  override apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor {
    if (dtype !== undefined && dtype !== 'float32') {
      throw new GanHacksError('INVALID_ARGUMENT', `dcganNormal: only float32 weights are supported, got ${dtype}.`);
    }
    // A hash of (seed, call index) rather than seed + index, so models built
    // with neighbouring seeds do not share weight streams.
    const seed = this.seed === undefined ? undefined : nextSeed(createRng(`${this.seed}/${this.calls++}`));
    return tf.randomNormal(shape as number[], this.mean, this.stddev, 'float32', seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null };
  }

  /** @internal */
  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const args: DcganNormalArgs = {
      mean: config.mean as number,
      stddev: config.stddev as number,
      seed: config.seed === null ? undefined : (config.seed as number),
    };
    return new cls(args);
  }
}
tf.serialization.registerClass(DcganNormal);

/**
 * The DCGAN weight initializer: every kernel drawn from N(0, 0.02)
 * (Radford et al. 2015, {@link https://arxiv.org/abs/1511.06434}; EXPERIMENTS.md A5).
 *
 * Every model builder of gan-hacks uses it by default.
 *
 * @example
 * ```ts
 * const conv = tf.layers.conv2d({ filters: 64, kernelSize: 3, kernelInitializer: dcganNormal({ seed: 1 }) });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_RANGE` for a non-finite mean or a negative stddev.
 */
export function dcganNormal(args: DcganNormalArgs = {}): DcganNormal {
  return new DcganNormal(args);
}
