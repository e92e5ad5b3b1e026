import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { assertFloat32Positive } from './blocks.js';
import { assertOptionalName, assertOptionalSeed } from './limits.js';

/** Most power iterations per training call (each is two matrix-vector products with the kernel). */
export const MAX_POWER_ITERATIONS = 1_000;

/**
 * Power iterations run once when the layer is built, so the first calls already divide by a
 * close estimate of σ (PyTorch's `torch.nn.utils.parametrizations.spectral_norm` runs 15 too).
 */
const WARM_UP_ITERATIONS = 15;

/** The layer classes {@link spectralNormalization} wraps. */
const SUPPORTED = ['Conv2D', 'Dense'] as const;
type Supported = (typeof SUPPORTED)[number];

/** Options of {@link spectralNormalization}. */
export interface SpectralNormalizationOptions {
  /**
   * Power iterations per training call (`training: true`); a positive integer, at most
   * {@link MAX_POWER_ITERATIONS}. One per call is the paper's choice: the vector `u` is kept
   * between calls, so the estimate keeps improving as training runs.
   * @defaultValue 1
   */
  powerIterations?: number;
  /** Floor of the norms divided by (a zero kernel gives 0, not NaN); > 0 in float32. @defaultValue 1e-12 */
  epsilon?: number;
  /** Seed of the initial power-iteration vector `u` (drawn from N(0, 1), then normalised). */
  seed?: number;
  /** Name of the wrapper layer. @defaultValue tfjs's unique name for `spectral_normalization` */
  name?: string;
}

/** Configuration of a {@link SpectralNormalization} layer (what `getConfig` writes). */
interface SpectralNormalizationArgs {
  layer: tf.layers.Layer;
  powerIterations: number;
  epsilon: number;
  seed?: number;
  name?: string;
  trainable?: boolean;
  batchInputShape?: (number | null)[];
  dtype?: tf.DataType;
}

type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/** The forward settings read from the wrapped layer's config once it is built. */
interface Forward {
  kind: Supported;
  strides: [number, number];
  padding: 'same' | 'valid';
  dilations: [number, number];
  activation: tf.layers.Layer;
}

function pair(value: unknown, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2) return [value[0] as number, value[1] as number];
  if (Array.isArray(value) && value.length === 1) return [value[0] as number, value[0] as number];
  return [fallback, fallback];
}

/** `x / max(‖x‖, epsilon)` (PyTorch's `F.normalize`). */
function normalize(x: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.div(x, tf.maximum(tf.norm(x), epsilon));
}

/**
 * `iterations` steps of the power method on `w` ([rows, out]) from `u` ([out]); returns the new,
 * unit-length `u`. It runs under a gradient of zero: in the paper `u` and `v` are constants of
 * each step, and the gradient reaches the kernel through σ only.
 */
function powerIterate(w: tf.Tensor2D, u: tf.Tensor, iterations: number, epsilon: number): tf.Tensor {
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const wIn = args[0] as tf.Tensor;
    const uIn = args[1] as tf.Tensor;
    const w2 = wIn as tf.Tensor2D;
    let uu = normalize(uIn as tf.Tensor, epsilon);
    for (let i = 0; i < iterations; i++) {
      const v = normalize(tf.matMul(w2, uu.reshape([-1, 1])), epsilon);
      uu = normalize(tf.matMul(w2, v, true, false).reshape([-1]), epsilon);
    }
    return { value: uu, gradFunc: () => [tf.zerosLike(wIn), tf.zerosLike(uIn)] };
  });
  return run(w, u);
}

/**
 * A Conv2D or Dense layer whose kernel is divided by its largest singular value (spectral
 * normalisation, Miyato et al. 2018). Build it with {@link spectralNormalization}.
 *
 * Its weights are the wrapped layer's (kernel, bias: trainable) followed by `u`, the
 * power-iteration vector (non-trainable, so it travels with `model.getWeights()`, `model.save`
 * and the Trainer's checkpoints). Serialisable under the class name `SpectralNormalization`
 * once {@link registerGanHacksLayers} has run.
 */
export class SpectralNormalization extends tf.layers.Layer {
  /** @internal */
  static className = 'SpectralNormalization';
  /** The wrapped Conv2D or Dense layer, whose kernel and bias this layer trains. */
  readonly layer: tf.layers.Layer;
  readonly powerIterations: number;
  readonly epsilon: number;
  readonly seed: number | undefined;
  private u: tf.LayerVariable | undefined;
  private kernel: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;
  private forward: Forward | undefined;

  /** @internal Use {@link spectralNormalization}, which validates its arguments. */
  constructor(args: SpectralNormalizationArgs) {
    super({
      name: args.name,
      trainable: args.trainable,
      batchInputShape: args.batchInputShape ?? args.layer.batchInputShape ?? undefined,
      dtype: args.dtype,
    } as LayerArgs);
    this.layer = args.layer;
    this.powerIterations = args.powerIterations;
    this.epsilon = args.epsilon;
    this.seed = args.seed;
    if (args.trainable !== undefined) this.layer.trainable = args.trainable;
  }

  // The wrapped layer owns kernel and bias; the wrapper reports them as its own so that models,
  // optimizers and checkpoints see them (as tfjs's Wrapper layers do).
  override get trainable(): boolean {
    return this.layer?.trainable ?? true;
  }

  override set trainable(value: boolean) {
    if (this.layer) this.layer.trainable = value;
  }

  override get trainableWeights(): tf.LayerVariable[] {
    return this.layer?.trainableWeights ?? [];
  }

  override set trainableWeights(_weights: tf.LayerVariable[]) {
    throw new GanHacksError('INVALID_ARGUMENT', 'SpectralNormalization: trainableWeights are those of the wrapped layer; they cannot be replaced.');
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    const inner = this.layer?.nonTrainableWeights ?? [];
    return this.u ? [...inner, this.u] : inner;
  }

  override set nonTrainableWeights(_weights: tf.LayerVariable[]) {
    throw new GanHacksError('INVALID_ARGUMENT', 'SpectralNormalization: nonTrainableWeights are the wrapped layer\'s and u; they cannot be replaced.');
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) || inputShape[0] === undefined ? inputShape[0] : inputShape) as tf.Shape;
    const kind = this.layer.getClassName() as Supported;
    if (kind === 'Conv2D' && shape.length !== 4) {
      throw new GanHacksError('INVALID_SHAPE', `spectralNormalization: a Conv2D takes [batch, height, width, channels] inputs, got shape [${shape.join(', ')}].`);
    }
    if (!this.layer.built) {
      this.layer.build(shape);
      this.layer.built = true;
    }
    const weights = this.layer.weights;
    this.kernel = weights.find((w) => w.originalName.endsWith('kernel'));
    this.bias = weights.find((w) => w.originalName.endsWith('bias'));
    if (!this.kernel) {
      throw new GanHacksError('INVALID_ARGUMENT', `spectralNormalization: the wrapped ${kind} has no kernel weight after build.`);
    }
    const config = this.layer.getConfig();
    const out = this.kernel.shape[this.kernel.shape.length - 1] as number;
    this.forward = {
      kind,
      strides: pair(config.strides, 1),
      padding: config.padding === 'same' ? 'same' : 'valid',
      dilations: pair(config.dilationRate, 1),
      activation: tf.layers.activation({ activation: (config.activation as 'linear' | undefined) ?? 'linear' }),
    };
    this.u = this.addWeight('u', [out], 'float32', tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: this.seed }), undefined, false);
    tf.tidy(() => {
      const w = this.kernelMatrix();
      this.u!.write(powerIterate(w, this.u!.read(), WARM_UP_ITERATIONS, this.epsilon));
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  /** The kernel as the [prod(all axes but the last), out] matrix whose singular values are bounded. */
  private kernelMatrix(): tf.Tensor2D {
    const k = this.kernel!.read();
    return k.reshape([-1, k.shape[k.shape.length - 1] as number]);
  }

  /** σ = ‖W u‖ with u of unit length, and W / max(σ, epsilon). */
  private normalize(u: tf.Tensor): { kernel: tf.Tensor; sigma: tf.Scalar } {
    const w = this.kernelMatrix();
    // With u ← normalize(Wᵀ v), v = W u / ‖W u‖ and σ = vᵀ W u = ‖W u‖: the paper's estimate,
    // and its gradient with u held constant is the paper's v uᵀ.
    const sigma = tf.norm(tf.matMul(w, u.reshape([-1, 1]))) as tf.Scalar;
    return { kernel: tf.div(this.kernel!.read(), tf.maximum(sigma, this.epsilon)), sigma };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const f = this.forward!;
      let u: tf.Tensor;
      if (kwargs?.training === true) {
        u = powerIterate(this.kernelMatrix(), this.u!.read(), this.powerIterations, this.epsilon);
        this.u!.write(u);
      } else {
        u = normalize(this.u!.read(), this.epsilon);
      }
      const { kernel } = this.normalize(u);
      let y: tf.Tensor;
      if (f.kind === 'Conv2D') {
        y = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, f.strides, f.padding, 'NHWC', f.dilations);
      } else {
        const inDim = kernel.shape[0];
        y = tf.matMul(x.reshape([-1, inDim]), kernel as tf.Tensor2D).reshape([...x.shape.slice(0, -1), kernel.shape[1] as number]);
      }
      if (this.bias) y = tf.add(y, this.bias.read());
      return f.activation.apply(y) as tf.Tensor;
    });
  }

  /**
   * The normalised kernel W / σ as the next inference call uses it (the caller disposes it).
   *
   * @example
   * ```ts
   * const k = snLayer.normalizedKernel(); // largest singular value of k.reshape([-1, out]) ≈ 1
   * ```
   * @throws GanHacksError `TRAINING_STATE` before the layer is built (used in a model or called).
   */
  normalizedKernel(): tf.Tensor {
    return tf.tidy(() => this.normalize(normalize(this.builtU('normalizedKernel').read(), this.epsilon)).kernel);
  }

  /**
   * The current estimate of the wrapped kernel's largest singular value, σ = ‖W u‖.
   *
   * @example
   * ```ts
   * snLayer.sigma(); // e.g. 0.31 for a fresh 3×3×64×128 kernel drawn from N(0, 0.02)
   * ```
   * @throws GanHacksError `TRAINING_STATE` before the layer is built.
   */
  sigma(): number {
    const u = this.builtU('sigma');
    return tf.tidy(() => this.normalize(normalize(u.read(), this.epsilon)).sigma.dataSync()[0]);
  }

  private builtU(method: string): tf.LayerVariable {
    if (!this.u) {
      throw new GanHacksError('TRAINING_STATE', `SpectralNormalization.${method}: the layer is not built yet; add it to a model or call it on an input first.`);
    }
    return this.u;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
      powerIterations: this.powerIterations,
      epsilon: this.epsilon,
      seed: this.seed ?? null,
    };
  }

  /** @internal */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const inner = config.layer as { className?: unknown; config?: unknown } | null;
    const className = inner?.className;
    if (typeof className !== 'string' || !(SUPPORTED as readonly string[]).includes(className) || typeof inner?.config !== 'object' || inner.config === null) {
      throw new GanHacksError('INVALID_ARGUMENT', `SpectralNormalization.fromConfig: the wrapped layer must be a ${SUPPORTED.join(' or ')} config, got ${show(className)}.`);
    }
    const [innerCls, innerFromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[className];
    const layer = innerFromConfig(innerCls, inner.config as tf.serialization.ConfigDict) as unknown as tf.layers.Layer;
    const args: SpectralNormalizationArgs = {
      layer,
      powerIterations: config.powerIterations as number,
      epsilon: config.epsilon as number,
      seed: config.seed === null || config.seed === undefined ? undefined : (config.seed as number),
      name: config.name as string | undefined,
      trainable: config.trainable as boolean | undefined,
      batchInputShape: (config.batchInputShape as (number | null)[] | undefined) ?? undefined,
      dtype: config.dtype as tf.DataType | undefined,
    };
    return new (cls as unknown as new (a: SpectralNormalizationArgs) => T)(args);
  }
}

/**
 * Spectral normalisation (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
 * Networks", {@link https://arxiv.org/abs/1802.05957}): wraps a Conv2D or Dense layer so that its
 * kernel W is divided by its largest singular value σ(W), which bounds the layer's Lipschitz
 * constant by 1 (times the activation's). σ is estimated by power iteration on W reshaped to
 * [prod(all axes but the last), out], as PyTorch's `torch.nn.utils.spectral_norm` and
 * StudioGAN do; the iteration vector `u` is a non-trainable weight, updated (without gradient)
 * only in training calls (`model.apply(x, { training: true })`, which the Trainer makes), and
 * the gradient reaches W through σ as in the paper. Inference calls (`predict`) reuse `u`.
 *
 * The wrapped layer's strides, padding, dilation, bias and activation are kept (Conv2D in
 * `channelsLast` only). It works in `tf.sequential` (give the wrapped layer `inputShape` when
 * it comes first) and in the functional API. To load a saved model that uses it, call
 * {@link registerGanHacksLayers} once before `tf.loadLayersModel`.
 *
 * @example
 * ```ts
 * const d = tf.sequential({ layers: [
 *   spectralNormalization(tf.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] })),
 *   leakyReLU(),
 *   tf.layers.flatten(),
 *   spectralNormalization(tf.layers.dense({ units: 1 })),
 * ] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a layer other than a Conv2D or Dense (or a
 * `channelsFirst` Conv2D), a `powerIterations` that is not a positive integer, a non-finite
 * epsilon or seed, or options that are not an object; `INVALID_RANGE` for more than
 * {@link MAX_POWER_ITERATIONS} iterations or an epsilon ≤ 0.
 */
export function spectralNormalization(layer: tf.layers.Layer, options?: SpectralNormalizationOptions | null): SpectralNormalization {
  const o = optionsObject('spectralNormalization', options);
  if (!(layer instanceof tf.layers.Layer)) {
    throw new GanHacksError('INVALID_ARGUMENT', `spectralNormalization: layer must be a tf.layers.conv2d or tf.layers.dense layer, got ${show(layer)}.`);
  }
  const className = layer.getClassName();
  if (!(SUPPORTED as readonly string[]).includes(className)) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `spectralNormalization: only Conv2D and Dense layers are supported, got a ${className}; wrap a tf.layers.conv2d or tf.layers.dense.`,
    );
  }
  if (className === 'Conv2D' && layer.getConfig().dataFormat === 'channelsFirst') {
    throw new GanHacksError('INVALID_ARGUMENT', "spectralNormalization: a Conv2D with dataFormat 'channelsFirst' is not supported; use 'channelsLast' (the default).");
  }
  const powerIterations = o.powerIterations ?? 1;
  const epsilon = o.epsilon ?? 1e-12;
  assertPositiveInteger('spectralNormalization: powerIterations', powerIterations, 'One per training call is the paper\'s choice.');
  assertAtMost('spectralNormalization: powerIterations', powerIterations, MAX_POWER_ITERATIONS);
  assertFloat32Positive('spectralNormalization: epsilon', epsilon);
  assertOptionalSeed('spectralNormalization: seed', o.seed);
  assertOptionalName('spectralNormalization: name', o.name);
  return new SpectralNormalization({ layer, powerIterations, epsilon, seed: o.seed, name: o.name });
}
