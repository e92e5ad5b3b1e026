import * as tf from '@tensorflow/tfjs';
import { assertFiniteNumber, optionsObject, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';
import { createRng, nextSeed } from '../internal/random.js';
import { LAYER_LIMITS, assertOptionalSeed } from '../layers/limits.js';

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
  /** A finite number. @defaultValue 0 */
  mean?: number;
  /** A finite number ≥ 0. @defaultValue 0.02 (Radford et al. 2015) */
  stddev?: number;
}

/** The tfjs-layers initializer type (its class is not exported by name). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

// tfjs-layers checks `instanceof Initializer` but does not export the class:
// reach it through a built-in subclass.
const InitializerBase = Object.getPrototypeOf(tf.initializers.zeros().constructor) as abstract new () => InitializerLike;

/** Whether a value is a tfjs-layers initializer (dcganNormal() or a tf.initializers one). */
export function isInitializer(value: unknown): value is Initializer {
  return value instanceof InitializerBase;
}

/** The members a custom initializer overrides (tfjs-layers' abstract Initializer). */
interface InitializerLike extends Initializer {
  apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor;
  getConfig(): tf.serialization.ConfigDict;
}

/**
 * Normal initializer N(mean, stddev) that honours its seed; the DCGAN default.
 *
 * Serialisable under the class name `DcganNormal`.
 *
 * @example
 * ```ts
 * const w = new DcganNormal({ seed: 1 }).apply([3, 3, 1, 8]); // kernel values ~ N(0, 0.02)
 * ```
 * @throws GanHacksError as {@link dcganNormal}.
 */
export class DcganNormal extends InitializerBase {
  /** @internal */
  static className = 'DcganNormal';
  readonly mean: number;
  readonly stddev: number;
  readonly seed: number | undefined;
  private calls = 0;

  constructor(args?: DcganNormalArgs | null) {
    super();
    const o = optionsObject('dcganNormal', args);
    const mean = o.mean ?? 0;
    const stddev = o.stddev ?? 0.02;
    assertFiniteNumber('dcganNormal: mean', mean);
    assertFiniteNumber('dcganNormal: stddev', stddev);
    if (stddev < 0) {
      throw new GanHacksError('INVALID_RANGE', `dcganNormal: stddev must be >= 0, got ${stddev}.`);
    }
    assertOptionalSeed('dcganNormal: seed', o.seed);
    this.mean = mean;
    this.stddev = stddev;
    this.seed = o.seed;
  }

  /**
   * Fills a weight of the given shape.
   * @throws GanHacksError `INVALID_SHAPE` unless `shape` is a list of non-negative integers;
   * `INVALID_RANGE` above 2^27 values (`LAYER_LIMITS.weights`); `INVALID_ARGUMENT` for a dtype other than float32.
   */
  override apply(shape: tf.Shape, dtype?: tf.DataType): tf.Tensor {
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      throw new GanHacksError('INVALID_SHAPE', `dcganNormal: shape must be a list of non-negative integers, got ${show(shape)}.`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size > LAYER_LIMITS.weights) {
      throw new GanHacksError('INVALID_RANGE', `dcganNormal: a weight of shape [${shape.join(', ')}] has ${size} values, more than the ${LAYER_LIMITS.weights} allowed.`);
    }
    if (dtype !== undefined && dtype !== 'float32') {
      throw new GanHacksError('INVALID_ARGUMENT', `dcganNormal: only float32 weights are supported, got ${show(dtype)}.`);
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
    config = optionsObject('DcganNormal.fromConfig: config', config) as tf.serialization.ConfigDict;
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
 * (Radford et al. 2015, {@link https://arxiv.org/abs/1511.06434}; docs/experiments/hacks.md).
 *
 * Every model builder of gan-hacks uses it by default.
 *
 * @example
 * ```ts
 * const conv = tf.layers.conv2d({ filters: 64, kernelSize: 3, kernelInitializer: dcganNormal({ seed: 1 }) });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-finite mean, stddev or seed (or options
 * that are not an object); `INVALID_RANGE` for a negative stddev.
 */
export function dcganNormal(args?: DcganNormalArgs | null): DcganNormal {
  return new DcganNormal(args);
}
