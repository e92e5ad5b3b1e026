import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { MinimaxGAN } from '../losses/minimax.js';
import type { GanLoss } from '../losses/types.js';
import type { Regularizer } from '../regularizers/types.js';
import type { Augmentation } from '../augmentations/types.js';
import type { LatentDistribution } from '../data/latent.js';
import { assertAtMost, assertOneOf, assertPositiveInteger, LIMITS, optionsObject, show } from '../internal/validate.js';
import { layersOf } from '../internal/layers.js';
import { HOOK_METHODS, type Hook } from './hooks.js';
import { hasLabelHacks, validateLabelHacks, type LabelHacks } from './labels.js';

/** How the discriminator sees real and fake samples in one update. */
export type DiscriminatorStepMode = 'separate' | 'combined';

/**
 * How the discriminator runs inside the generator's step. `'training'`
 * (PyTorch's DCGAN and the default): batch norm normalises with the fake
 * batch's own statistics (and tfjs updates the moving statistics), dropout is
 * on. `'inference'` (Keras's frozen-model recipe, as in "How to Identify and
 * Diagnose GAN Failure Modes"): batch norm uses its moving statistics, dropout
 * is off. With a batch-normalised discriminator `'inference'` lets D score
 * fakes with statistics G never sees in D's own step, which can stall G.
 */
export type DiscriminatorMode = 'inference' | 'training';

/** Options of the {@link Trainer}. */
export interface TrainerOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /**
   * The loss strategy. Its `output` must match the discriminator's final
   * activation (a sigmoid for probabilities, none for logits and scores):
   * a mismatch is refused when the Trainer is built. The default follows the
   * discriminator, so the library's own builders train out of the box.
   * @defaultValue new MinimaxGAN() for a discriminator ending in a sigmoid (the B, C and E models),
   * new MinimaxGAN({ fromLogits: true }) for one ending in a linear layer (dcganDiscriminator)
   */
  loss?: GanLoss;
  /**
   * One optimizer per player (distinct instances). The Trainer disposes in
   * `dispose()` only the ones it created.
   * @defaultValue dcganAdam() for each player (lr 0.0002, β1 0.5)
   */
  optimizers?: { generator?: tf.Optimizer; discriminator?: tf.Optimizer };
  /** Size of the generator's latent input. */
  latentDim: number;
  /** @defaultValue 'gaussian' */
  latentDistribution?: LatentDistribution;
  /**
   * `'separate'`: one D update on an all-real half batch, then one on an
   * all-fake half batch (the DCGAN recipe). `'combined'`: one update on
   * both halves stacked.
   * @defaultValue 'separate', or 'combined' for losses that need both batches at once (WGANGP)
   */
  discriminatorStep?: DiscriminatorStepMode;
  /** Discriminator steps per generator step (k), at most 1,000. @defaultValue 1 */
  discriminatorSteps?: number;
  /** @defaultValue 'training' */
  discriminatorModeInGeneratorStep?: DiscriminatorMode;
  /** Label smoothing and noise for the discriminator's targets. */
  labels?: LabelHacks;
  /** Extra loss terms (feature matching, historical averaging, R1). */
  regularizers?: Regularizer[];
  /**
   * Transformations of D's inputs, applied in this order to every batch D
   * sees, in D's update and in G's (instance noise, DiffAugment, the replay
   * buffer). @defaultValue []
   */
  augmentations?: Augmentation[];
  /** Hooks, called in this order. */
  hooks?: Hook[];
  /**
   * The number of classes of a class-conditional run: the generator takes
   * [latent, label], the discriminator takes [image, label] or classifies
   * (ACGAN), and `fit` trains on `{ images, labels }`. Generated samples get
   * labels drawn uniformly from the run's random stream.
   * @defaultValue undefined (unconditional)
   */
  classes?: number;
  /**
   * Seed for every random draw of the run (latents, batches, labels,
   * penalties, and the masks of the models' tfjs Dropout layers, which
   * otherwise draw from an unseeded generator). Build the models with a seed
   * too for reproducible weights.
   */
  seed?: number;
}

/**
 * When {@link Trainer.fit} hands control back to the event loop between
 * iterations: `'auto'` yields whenever a frame's worth of time (16 ms) has
 * passed in a page or a Web Worker and never in Node; `'never'`; or a number of
 * milliseconds between yields (0: after every iteration).
 */
export type YieldEvery = 'auto' | 'never' | number;

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /**
   * Samples per iteration: D sees batchSize / 2 real and batchSize / 2 fake
   * samples per step, G is updated on batchSize samples. Even, at most 65,536.
   */
  batchSize: number;
  /** Run until this iteration (counted from the start of training, resumed runs included); at most 1e8. */
  iterations?: number;
  /** Run for this many epochs of `iterationsPerEpoch` iterations (alternative to `iterations`). */
  epochs?: number;
  /**
   * Iterations per epoch. @defaultValue floor(samples / batchSize) for a
   * tensor (the source's convention); required with `epochs` for iterables.
   */
  iterationsPerEpoch?: number;
  /** @defaultValue 'auto' */
  yieldEvery?: YieldEvery;
}

/** A Trainer's options after validation, with every default filled in. */
export interface ResolvedTrainerOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  loss: GanLoss;
  latentDim: number;
  latentDistribution: LatentDistribution;
  discriminatorStep: DiscriminatorStepMode;
  discriminatorSteps: number;
  discriminatorModeInGeneratorStep: DiscriminatorMode;
  labels: LabelHacks | undefined;
  regularizers: Regularizer[];
  augmentations: Augmentation[];
  hooks: Hook[];
  classes: number | undefined;
  /** The optimizers the caller passed; the Trainer makes the missing ones (after validation, so a refusal leaks nothing). */
  optimizers: { generator?: tf.Optimizer; discriminator?: tf.Optimizer };
  seed: number | undefined;
}

const WHERE = 'Trainer';

/** A shape with the batch axis shown as `null`, as tfjs prints it. */
export function showShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null || d === undefined ? 'null' : d)).join(', ')}]`;
}

function isLoss(value: unknown): value is GanLoss {
  const l = value as Partial<GanLoss> | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.discriminatorLoss === 'function' &&
    typeof l.generatorLoss === 'function' &&
    typeof l.name === 'string' &&
    ['probability', 'logit', 'score'].includes(l.output as string) &&
    typeof l.usesTargets === 'boolean' &&
    typeof l.needsBothBatches === 'boolean'
  );
}

/** Layer classes that pass their input through unchanged in value (so the activation before them is the output's). */
const PASS_THROUGH = new Set(['Reshape', 'Flatten', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'Permute']);

/** A layer's activation from its config, looking inside wrappers (spectralNormalization keeps the wrapped layer's). */
function activationOf(config: tf.serialization.ConfigDict): unknown {
  const inner = (config.layer as { config?: { activation?: unknown } } | undefined)?.config;
  return config.activation ?? inner?.activation;
}

/** The activation that produces a model's output, when it can be read from the layers' configs. */
export function finalActivation(model: tf.LayersModel): string | undefined {
  if (model.outputs.length > 1) {
    // Two heads (source and class logits): the first output's own layer decides.
    const activation = activationOf(model.outputs[0].sourceLayer.getConfig());
    return typeof activation === 'string' ? activation : undefined;
  }
  const layers = [...layersOf(model)];
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    const activation = activationOf(layer.getConfig());
    if (typeof activation === 'string') return activation;
    if (!PASS_THROUGH.has(layer.getClassName())) return undefined;
  }
  return undefined;
}

function checkLossFitsDiscriminator(loss: GanLoss, discriminator: tf.LayersModel): void {
  const activation = finalActivation(discriminator);
  if (activation === undefined) return;
  const sigmoid = activation === 'sigmoid';
  if (loss.output === 'probability' && !sigmoid) {
    throw new GanHacksError(
      'INCOMPATIBLE_OPTIONS',
      `${WHERE}: the ${loss.name} loss expects probabilities, but the discriminator ends in a '${activation}' activation (logits); use new MinimaxGAN({ fromLogits: true }) or new NonSaturatingGAN() (logits by default), or end the discriminator in a sigmoid.`,
    );
  }
  if (loss.output === 'logit' && sigmoid) {
    throw new GanHacksError(
      'INCOMPATIBLE_OPTIONS',
      `${WHERE}: the ${loss.name} loss expects logits, but the discriminator ends in a sigmoid (probabilities); use new MinimaxGAN() / new NonSaturatingGAN({ fromLogits: false }), or end the discriminator in a linear layer.`,
    );
  }
  if (loss.output === 'score' && !loss.usesTargets && sigmoid) {
    throw new GanHacksError(
      'INCOMPATIBLE_OPTIONS',
      `${WHERE}: the ${loss.name} loss expects an unbounded critic score, but the discriminator ends in a sigmoid; end it in a linear layer (dcganDiscriminator does by default).`,
    );
  }
}

function checkModels(generator: tf.LayersModel, discriminator: tf.LayersModel, latentDim: number): void {
  // A second input (a class label) or a second D output (class logits) is read by resolveConditioning.
  if (generator.inputs.length > 2 || discriminator.inputs.length > 2 || generator.outputs.length !== 1 || discriminator.outputs.length > 2) {
    throw new GanHacksError('INVALID_SHAPE', `${WHERE}: the generator and the discriminator must each have one input and one output (plus a label input, or D's class output, in a class-conditional run).`);
  }
  const gIn = generator.inputs[0].shape;
  if (gIn.length !== 2 || gIn[1] !== latentDim) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${WHERE}: the generator takes inputs of shape ${showShape(gIn)} but latentDim is ${latentDim}; set latentDim to ${gIn[gIn.length - 1]} or build the generator for [null, ${latentDim}].`,
    );
  }
  const gOut = generator.outputs[0].shape;
  const dIn = discriminator.inputs[0].shape;
  if (!tf.util.arraysEqual(gOut.slice(1) as number[], dIn.slice(1) as number[])) {
    throw new GanHacksError('INVALID_SHAPE', `${WHERE}: the generator outputs ${showShape(gOut)} but the discriminator takes ${showShape(dIn)}.`);
  }
  const dOut = discriminator.outputs[0].shape;
  if (dOut[dOut.length - 1] !== 1) {
    throw new GanHacksError('INVALID_SHAPE', `${WHERE}: the discriminator must output one value per sample (or per patch), shape [null, 1] or [null, h, w, 1]; it outputs ${showShape(dOut)}.`);
  }
}

function checkRegularizers(value: unknown): Regularizer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: regularizers must be an array, got ${show(value)}.`);
  value.forEach((r: Partial<Regularizer> | null, i) => {
    if (!r || typeof r !== 'object' || typeof r.name !== 'string' || typeof r.penalty !== 'function' || !['generator', 'discriminator'].includes(r.target as string)) {
      throw new GanHacksError(
        'INVALID_ARGUMENT',
        `${WHERE}: regularizers[${i}] is not a Regularizer ({ name, target: 'generator' | 'discriminator', penalty() }); build it with featureMatching() or historicalAveraging().`,
      );
    }
  });
  return [...value];
}

function checkAugmentations(value: unknown): Augmentation[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: augmentations must be an array, got ${show(value)}.`);
  value.forEach((a: Partial<Augmentation> | null, i) => {
    if (!a || typeof a !== 'object' || typeof a.name !== 'string' || typeof a.apply !== 'function') {
      throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: augmentations[${i}] is not an Augmentation ({ name, apply() }); build it with instanceNoise(), diffAugment() or replayBuffer().`);
    }
  });
  return [...value];
}

function checkHooks(value: unknown): Hook[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: hooks must be an array, got ${show(value)}.`);
  value.forEach((h: Record<string, unknown> | null, i) => {
    if (!h || typeof h !== 'object') throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: hooks[${i}] must be an object with hook methods, got ${show(h)}.`);
    for (const m of [...HOOK_METHODS, 'saveState', 'loadState'] as const) {
      if (h[m] !== undefined && typeof h[m] !== 'function') {
        throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: hooks[${i}].${m} must be a function, got ${show(h[m])}.`);
      }
    }
  });
  return [...value];
}

function checkOptimizers(value: TrainerOptions['optimizers'] | null): { generator?: tf.Optimizer; discriminator?: tf.Optimizer } {
  const o = optionsObject(`${WHERE}: optimizers`, value);
  for (const player of ['generator', 'discriminator'] as const) {
    const opt = o[player];
    if (opt !== undefined && !(opt instanceof tf.Optimizer)) {
      throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: optimizers.${player} must be a tf.Optimizer (e.g. tf.train.adam() or dcganAdam()), got ${show(opt)}.`);
    }
  }
  if (o.generator !== undefined && o.generator === o.discriminator) {
    throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${WHERE}: give each player its own optimizer instance; they keep separate state.`);
  }
  return { generator: o.generator, discriminator: o.discriminator };
}

/**
 * Validates every Trainer option at construction (nothing is left for `fit`
 * to discover) and fills in the defaults. Allocates no tensor, so a refusal
 * leaks nothing.
 */
export function resolveTrainerOptions(options: TrainerOptions): ResolvedTrainerOptions {
  if (options === null || typeof options !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: pass an options object { generator, discriminator, latentDim }, got ${show(options)}.`);
  }
  const { generator, discriminator } = options;
  if (!(generator instanceof tf.LayersModel) || !(discriminator instanceof tf.LayersModel)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: pass { generator, discriminator } as tf.LayersModel instances (e.g. tf.sequential()).`);
  }
  if (generator === discriminator) throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: the generator and the discriminator must be two models.`);
  const latentDim = options.latentDim;
  assertPositiveInteger(`${WHERE}: latentDim`, latentDim);
  assertAtMost(`${WHERE}: latentDim`, latentDim, LIMITS.samples);
  const loss = options.loss ?? new MinimaxGAN({ fromLogits: finalActivation(discriminator) === 'linear' });
  if (!isLoss(loss)) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${WHERE}: loss must be a GanLoss strategy (e.g. new MinimaxGAN(), new WGANGP()), got ${show(loss)}.`,
    );
  }
  const latentDistribution = options.latentDistribution ?? 'gaussian';
  assertOneOf(`${WHERE}: latentDistribution`, latentDistribution, ['gaussian', 'uniform'] as const);
  const discriminatorStep = options.discriminatorStep ?? (loss.needsBothBatches ? 'combined' : 'separate');
  assertOneOf(`${WHERE}: discriminatorStep`, discriminatorStep, ['separate', 'combined'] as const);
  if (loss.needsBothBatches && discriminatorStep === 'separate') {
    throw new GanHacksError(
      'INCOMPATIBLE_OPTIONS',
      `${WHERE}: the ${loss.name} loss needs the real and the fake batch in one discriminator update (a penalty between them, or outputs compared across them); use discriminatorStep: 'combined' or leave it unset.`,
    );
  }
  const discriminatorSteps = options.discriminatorSteps ?? 1;
  assertPositiveInteger(`${WHERE}: discriminatorSteps`, discriminatorSteps);
  assertAtMost(`${WHERE}: discriminatorSteps`, discriminatorSteps, 1000);
  const discriminatorModeInGeneratorStep = options.discriminatorModeInGeneratorStep ?? 'training';
  assertOneOf(`${WHERE}: discriminatorModeInGeneratorStep`, discriminatorModeInGeneratorStep, ['inference', 'training'] as const);
  const labels = options.labels ?? undefined;
  if (labels !== undefined) {
    validateLabelHacks(labels);
    if (hasLabelHacks(labels) && !loss.usesTargets) {
      throw new GanHacksError(
        'INCOMPATIBLE_OPTIONS',
        `${WHERE}: label smoothing and label noise act on targets, but the ${loss.name} loss has none; remove labels or use MinimaxGAN, NonSaturatingGAN or LSGAN.`,
      );
    }
  }
  const seed = options.seed ?? undefined;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isFinite(seed))) {
    throw new GanHacksError('INVALID_ARGUMENT', `${WHERE}: seed must be a finite number, got ${show(seed)}.`);
  }
  checkModels(generator, discriminator, latentDim);
  checkLossFitsDiscriminator(loss, discriminator);
  return {
    generator,
    discriminator,
    loss,
    latentDim,
    latentDistribution,
    discriminatorStep,
    discriminatorSteps,
    discriminatorModeInGeneratorStep,
    labels,
    regularizers: checkRegularizers(options.regularizers),
    augmentations: checkAugmentations(options.augmentations),
    hooks: checkHooks(options.hooks),
    classes: options.classes ?? undefined,
    optimizers: checkOptimizers(options.optimizers ?? null),
    seed,
  };
}

/** `fit`'s options after validation: the iteration to stop at and the epoch length. */
export interface ResolvedFitOptions {
  batchSize: number;
  target: number;
  iterationsPerEpoch: number;
  yieldEvery: YieldEvery;
}

/** Validates `fit`'s options against the data source's size (undefined for iterables). */
export function resolveFitOptions(options: FitOptions, sourceSize: number | undefined): ResolvedFitOptions {
  const where = `${WHERE}.fit`;
  if (options === null || typeof options !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: pass an options object { batchSize, iterations | epochs }, got ${show(options)}.`);
  }
  const { batchSize } = options;
  assertPositiveInteger(`${where}: batchSize`, batchSize);
  assertAtMost(`${where}: batchSize`, batchSize, LIMITS.batchSize);
  if (batchSize % 2 !== 0) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: batchSize must be even (half real, half fake per D step), got ${batchSize}.`);
  }
  const yieldEvery = options.yieldEvery ?? 'auto';
  if (!(yieldEvery === 'auto' || yieldEvery === 'never' || (typeof yieldEvery === 'number' && Number.isFinite(yieldEvery) && yieldEvery >= 0))) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: yieldEvery must be 'auto', 'never' or a number of milliseconds >= 0, got ${show(yieldEvery)}.`);
  }
  if (options.iterationsPerEpoch !== undefined) {
    assertPositiveInteger(`${where}: iterationsPerEpoch`, options.iterationsPerEpoch);
    assertAtMost(`${where}: iterationsPerEpoch`, options.iterationsPerEpoch, LIMITS.iterations);
  }
  const perEpoch = options.iterationsPerEpoch ?? (sourceSize !== undefined ? Math.max(1, Math.floor(sourceSize / batchSize)) : undefined);
  let target: number;
  if (options.iterations !== undefined && options.epochs !== undefined) {
    throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${where}: give iterations or epochs, not both.`);
  } else if (options.iterations !== undefined) {
    assertPositiveInteger(`${where}: iterations`, options.iterations);
    target = options.iterations;
  } else if (options.epochs !== undefined) {
    assertPositiveInteger(`${where}: epochs`, options.epochs);
    if (perEpoch === undefined) {
      throw new GanHacksError('INVALID_ARGUMENT', `${where}: with an iterable data source, give iterationsPerEpoch together with epochs.`);
    }
    target = options.epochs * perEpoch;
  } else {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: give iterations or epochs.`);
  }
  assertAtMost(`${where}: the iteration count`, target, LIMITS.iterations);
  return { batchSize, target, iterationsPerEpoch: perEpoch ?? target, yieldEvery };
}
