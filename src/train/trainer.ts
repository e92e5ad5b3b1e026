import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { MinimaxGAN } from '../losses/minimax.js';
import type { GanLoss, LossTerms } from '../losses/types.js';
import type { Regularizer } from '../regularizers/types.js';
import { assertOneOf, assertPositiveInteger } from '../internal/validate.js';
import { createStatefulRng, nextSeed, type StatefulRng } from '../internal/random.js';
import { seedDropout } from './dropoutSeeds.js';
import type { LatentDistribution } from '../data/latent.js';
import { sampleLatent } from '../data/latent.js';
import { History, type IterationRecord } from '../history/index.js';
import type { Hook, TrainState } from './hooks.js';
import { IterableBatchSource, TensorBatchSource, type BatchSource, type TrainingData } from './data.js';
import { applyLabelHacks, hasLabelHacks, validateLabelHacks, type LabelHacks } from './labels.js';
import { dcganAdam } from './optimizers.js';
import {
  artifactWeights,
  checkState,
  CHECKPOINT_VERSION,
  decodeInOrder,
  checkEncoded,
  encodeOptimizer,
  modelArtifacts,
  type EncodedWeights,
  type RegularizerStateJSON,
  type TrainerCheckpoint,
} from './checkpoint.js';

/** How the discriminator sees real and fake samples in one update. */
export type DiscriminatorStepMode = 'separate' | 'combined';

/**
 * How the discriminator runs inside the generator's step. `'inference'`
 * (Keras's frozen model, which the source of EXPERIMENTS.md B relies on):
 * batch norm uses and keeps its moving statistics, dropout is off.
 * `'training'` (PyTorch's DCGAN): batch statistics, dropout on, and tfjs
 * updates the moving statistics.
 */
export type DiscriminatorMode = 'inference' | 'training';

/** Options of the {@link Trainer}. */
export interface TrainerOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** The loss strategy. @defaultValue new MinimaxGAN() */
  loss?: GanLoss;
  /** @defaultValue dcganAdam() for each player (lr 0.0002, β1 0.5) */
  optimizers?: { generator?: tf.Optimizer; discriminator?: tf.Optimizer };
  /** Size of the generator's latent input. */
  latentDim: number;
  /** @defaultValue 'gaussian' */
  latentDistribution?: LatentDistribution;
  /**
   * `'separate'`: one D update on an all-real half batch, then one on an
   * all-fake half batch (A9, the sources' way). `'combined'`: one update on
   * both halves stacked (B3).
   * @defaultValue 'separate', or 'combined' for losses that need both batches at once (WGANGP)
   */
  discriminatorStep?: DiscriminatorStepMode;
  /** Discriminator steps per generator step (k). @defaultValue 1 */
  discriminatorSteps?: number;
  /** @defaultValue 'inference' */
  discriminatorModeInGeneratorStep?: DiscriminatorMode;
  /** Label smoothing and noise for the discriminator's targets. */
  labels?: LabelHacks;
  /** Extra loss terms (feature matching, historical averaging). */
  regularizers?: Regularizer[];
  /** Hooks, called in this order. */
  hooks?: Hook[];
  /**
   * Seed for every random draw of the run (latents, batches, labels,
   * penalties, and the masks of the models' tfjs Dropout layers, which
   * otherwise draw from an unseeded generator). Build the models with a seed
   * too for reproducible weights.
   */
  seed?: number;
}

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /**
   * Samples per iteration: D sees batchSize / 2 real and batchSize / 2 fake
   * samples per step, G is updated on batchSize samples. Must be even.
   */
  batchSize: number;
  /** Run until this iteration (counted from the start of training, resumed runs included). */
  iterations?: number;
  /** Run for this many epochs of `iterationsPerEpoch` iterations (alternative to `iterations`). */
  epochs?: number;
  /**
   * Iterations per epoch. @defaultValue floor(samples / batchSize) for a
   * tensor (the source's convention); required with `epochs` for iterables.
   */
  iterationsPerEpoch?: number;
}

const D_SCALARS = ['dLossReal', 'dLossFake', 'dAccReal', 'dAccFake'];

/** The decision threshold of a loss's discriminator output, if accuracy is meaningful. */
function accuracyThreshold(loss: GanLoss): number | undefined {
  if (loss.output === 'probability') return 0.5;
  if (loss.output === 'logit') return 0;
  if (loss.usesTargets) return (loss.realTarget + loss.fakeTarget) / 2;
  return undefined;
}

type CheckpointLoader = (dir: string) => Promise<TrainerCheckpoint>;
let checkpointLoader: CheckpointLoader | undefined;

/** @internal Lets `gan-hacks/node` teach {@link Trainer.resume} to read directories. */
export function setCheckpointLoader(loader: CheckpointLoader): void {
  checkpointLoader = loader;
}

/** Scalars of one iteration, collected so they can be read back in one go. */
class ScalarBag {
  private readonly values = new Map<string, tf.Scalar[]>();

  add(name: string, value: tf.Scalar): void {
    const list = this.values.get(name) ?? [];
    list.push(value);
    this.values.set(name, list);
  }

  addTerms(prefix: string, terms: Record<string, tf.Scalar>, rename: Record<string, string>): void {
    for (const [k, v] of Object.entries(terms)) this.add(rename[k] ?? `${prefix}${k[0].toUpperCase()}${k.slice(1)}`, v);
  }

  /** Means per name, read from the device once. */
  read(): Record<string, number> {
    const names = [...this.values.keys()];
    if (names.length === 0) return {};
    const stacked = tf.tidy(() => tf.stack(names.map((n) => tf.addN(this.values.get(n)!).div(this.values.get(n)!.length))));
    const data = stacked.dataSync();
    stacked.dispose();
    return Object.fromEntries(names.map((n, i) => [n, data[i]]));
  }

  dispose(): void {
    for (const list of this.values.values()) for (const t of list) t.dispose();
    this.values.clear();
  }
}

/**
 * The training loop: it orchestrates the discriminator and generator
 * updates and owns no hack. Losses, label hacks, regularizers and hooks plug
 * in through options.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   generator: failureModesGenerator(),
 *   discriminator: failureModesDiscriminator(),
 *   latentDim: 50,
 *   labels: { smoothPositive: true },
 *   hooks: [new NaNGuard()],
 *   seed: 1,
 * });
 * const history = await trainer.fit(images, { batchSize: 128, iterations: 450 });
 * console.log(diagnose(history).verdict);
 * ```
 */
export class Trainer {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly loss: GanLoss;
  readonly latentDim: number;
  readonly latentDistribution: LatentDistribution;
  readonly discriminatorStep: DiscriminatorStepMode;
  readonly discriminatorSteps: number;
  readonly discriminatorModeInGeneratorStep: DiscriminatorMode;
  readonly labels: LabelHacks | undefined;
  readonly regularizers: readonly Regularizer[];
  readonly hooks: readonly Hook[];
  readonly generatorOptimizer: tf.Optimizer;
  readonly discriminatorOptimizer: tf.Optimizer;
  private historyLog = new History();
  private iterationCount = 0;
  private readonly rng: StatefulRng;
  private readonly dataRng: StatefulRng;
  /** Dropout masks have their own stream, so models without dropout draw the same latents as before. */
  private readonly dropoutRng: StatefulRng;
  private pendingCursor: TrainerCheckpoint['state']['dataCursor'];
  private running = false;

  constructor(options: TrainerOptions) {
    if (!options || !(options.generator instanceof tf.LayersModel) || !(options.discriminator instanceof tf.LayersModel)) {
      throw new GanHacksError('INVALID_ARGUMENT', 'Trainer: pass { generator, discriminator } as tf.LayersModel instances (e.g. tf.sequential()).');
    }
    this.generator = options.generator;
    this.discriminator = options.discriminator;
    this.loss = options.loss ?? new MinimaxGAN();
    this.latentDim = options.latentDim;
    assertPositiveInteger('Trainer: latentDim', this.latentDim);
    this.latentDistribution = options.latentDistribution ?? 'gaussian';
    assertOneOf('Trainer: latentDistribution', this.latentDistribution, ['gaussian', 'uniform'] as const);
    this.discriminatorStep = options.discriminatorStep ?? (this.loss.needsBothBatches ? 'combined' : 'separate');
    assertOneOf('Trainer: discriminatorStep', this.discriminatorStep, ['separate', 'combined'] as const);
    if (this.loss.needsBothBatches && this.discriminatorStep === 'separate') {
      throw new GanHacksError(
        'INCOMPATIBLE_OPTIONS',
        `Trainer: the ${this.loss.name} loss needs the real and the fake batch in one discriminator update (its penalty interpolates between them); use discriminatorStep: 'combined' or leave it unset.`,
      );
    }
    this.discriminatorSteps = options.discriminatorSteps ?? 1;
    assertPositiveInteger('Trainer: discriminatorSteps', this.discriminatorSteps);
    this.discriminatorModeInGeneratorStep = options.discriminatorModeInGeneratorStep ?? 'inference';
    assertOneOf('Trainer: discriminatorModeInGeneratorStep', this.discriminatorModeInGeneratorStep, ['inference', 'training'] as const);
    this.labels = options.labels;
    if (this.labels) {
      validateLabelHacks(this.labels);
      if (hasLabelHacks(this.labels) && !this.loss.usesTargets) {
        throw new GanHacksError(
          'INCOMPATIBLE_OPTIONS',
          `Trainer: label smoothing and label noise act on targets, but the ${this.loss.name} loss has none; remove labels or use MinimaxGAN, NonSaturatingGAN or LSGAN.`,
        );
      }
    }
    this.regularizers = [...(options.regularizers ?? [])];
    this.hooks = [...(options.hooks ?? [])];
    this.generatorOptimizer = options.optimizers?.generator ?? dcganAdam();
    this.discriminatorOptimizer = options.optimizers?.discriminator ?? dcganAdam();
    if (this.generatorOptimizer === this.discriminatorOptimizer) {
      throw new GanHacksError('INCOMPATIBLE_OPTIONS', 'Trainer: give each player its own optimizer instance; they keep separate state.');
    }
    this.rng = createStatefulRng(options.seed === undefined ? undefined : `${options.seed}/train`);
    this.dataRng = createStatefulRng(options.seed === undefined ? undefined : `${options.seed}/data`);
    this.dropoutRng = createStatefulRng(options.seed === undefined ? undefined : `${options.seed}/dropout`);
    if (options.seed !== undefined) seedDropout([this.generator, this.discriminator], () => nextSeed(this.dropoutRng.next));
    this.checkModels();
  }

  private checkModels(): void {
    const gIn = this.generator.inputs[0]?.shape;
    if (!gIn || gIn[gIn.length - 1] !== this.latentDim) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `Trainer: the generator takes inputs of shape [${gIn?.join(', ')}] but latentDim is ${this.latentDim}.`,
      );
    }
    const gOut = this.generator.outputs[0].shape.slice(1);
    const dIn = this.discriminator.inputs[0].shape.slice(1);
    if (!tf.util.arraysEqual(gOut as number[], dIn as number[])) {
      throw new GanHacksError(
        'INVALID_SHAPE',
        `Trainer: the generator outputs [${gOut.join(', ')}] but the discriminator takes [${dIn.join(', ')}].`,
      );
    }
  }

  /** The records of every iteration run so far (resumed runs included). */
  get history(): History {
    return this.historyLog;
  }

  /** Iterations finished so far. */
  get iteration(): number {
    return this.iterationCount;
  }

  /**
   * Draws latent points with the trainer's distribution.
   * @example
   * ```ts
   * const fixed = trainer.sampleLatent(100, 42); // the same 100 points every time
   * ```
   */
  sampleLatent(n: number, seed?: number): tf.Tensor2D {
    return sampleLatent(n, this.latentDim, { distribution: this.latentDistribution, seed });
  }

  /** Generates `n` samples (or samples for the given latent points) in inference mode. */
  generate(nOrLatent: number | tf.Tensor, seed?: number): tf.Tensor {
    return tf.tidy(() => {
      const z = typeof nOrLatent === 'number' ? this.sampleLatent(nOrLatent, seed) : nOrLatent;
      return this.generator.apply(z, { training: false }) as tf.Tensor;
    });
  }

  private seed(): number {
    return nextSeed(this.rng.next);
  }

  private targets(kind: 'real' | 'fake', n: number): tf.Tensor | undefined {
    if (!this.loss.usesTargets) return undefined;
    const shape = [n, ...(this.discriminator.outputs[0].shape.slice(1) as number[])];
    const base = tf.fill(shape, kind === 'real' ? this.loss.realTarget : this.loss.fakeTarget);
    if (!hasLabelHacks(this.labels)) return base;
    const out = applyLabelHacks(base, kind, this.labels!, () => this.seed());
    if (out !== base) base.dispose();
    return out;
  }

  private variables(model: tf.LayersModel): tf.Variable[] {
    return model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** One optimizer step on `f`, which returns the loss and keeps (tf.keep) what it logs. */
  private update(optimizer: tf.Optimizer, model: tf.LayersModel, f: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(f, this.variables(model));
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return value;
  }

  private generateFakes(n: number): tf.Tensor {
    return tf.tidy(() => this.generator.apply(sampleLatent(n, this.latentDim, { distribution: this.latentDistribution, seed: this.seed() }), { training: true }) as tf.Tensor);
  }

  private accuracy(output: tf.Tensor, kind: 'real' | 'fake'): tf.Scalar | undefined {
    const threshold = accuracyThreshold(this.loss);
    if (threshold === undefined) return undefined;
    return tf.tidy(() => (kind === 'real' ? output.greater(threshold) : output.lessEqual(threshold)).toFloat().mean() as tf.Scalar);
  }

  private regularizerPenalties(
    target: 'generator' | 'discriminator',
    context: { real?: tf.Tensor; fake?: tf.Tensor },
    bag: ScalarBag,
  ): tf.Scalar[] {
    const model = target === 'generator' ? this.generator : this.discriminator;
    return this.regularizers
      .filter((r) => r.target === target)
      .map((r) => {
        const p = r.penalty({ model, discriminator: this.discriminator, real: context.real, fake: context.fake });
        bag.add(r.name, tf.keep(p.clone()) as tf.Scalar);
        return p;
      });
  }

  private afterUpdate(target: 'generator' | 'discriminator', context: { real?: tf.Tensor; fake?: tf.Tensor }): void {
    const model = target === 'generator' ? this.generator : this.discriminator;
    for (const r of this.regularizers) {
      if (r.target === target) r.afterUpdate?.({ model, discriminator: this.discriminator, real: context.real, fake: context.fake });
    }
  }

  private discriminatorUpdate(
    bag: ScalarBag,
    batch: { real?: tf.Tensor; fake?: tf.Tensor },
    targets: { real?: tf.Tensor; fake?: tf.Tensor },
  ): void {
    const { real, fake } = batch;
    const total = this.update(this.discriminatorOptimizer, this.discriminator, () => {
      let realOut: tf.Tensor | undefined;
      let fakeOut: tf.Tensor | undefined;
      if (real && fake) {
        // One forward pass over the stacked batch, as the source's vstack does:
        // batch norm then sees real and fake statistics mixed.
        const out = this.discriminator.apply(tf.concat([real, fake]), { training: true }) as tf.Tensor;
        [realOut, fakeOut] = tf.split(out, [real.shape[0], fake.shape[0]]);
      } else if (real) realOut = this.discriminator.apply(real, { training: true }) as tf.Tensor;
      else fakeOut = this.discriminator.apply(fake!, { training: true }) as tf.Tensor;
      const terms: LossTerms = this.loss.discriminatorLoss({ real: realOut, fake: fakeOut, realTargets: targets.real, fakeTargets: targets.fake });
      if (terms.terms.real) bag.add('dLossReal', tf.keep(terms.terms.real));
      if (terms.terms.fake) bag.add('dLossFake', tf.keep(terms.terms.fake));
      const parts = [terms.total];
      for (const [k, v] of Object.entries({ ...terms.terms, ...terms.metrics })) if (k !== 'real' && k !== 'fake') bag.add(k, tf.keep(v));
      if (realOut) {
        const acc = this.accuracy(realOut, 'real');
        if (acc) bag.add('dAccReal', tf.keep(acc));
      }
      if (fakeOut) {
        const acc = this.accuracy(fakeOut, 'fake');
        if (acc) bag.add('dAccFake', tf.keep(acc));
      }
      if (real && fake && this.loss.discriminatorPenalty) {
        const penalty = this.loss.discriminatorPenalty({ discriminator: this.discriminator, real, fake, seed: this.seed() });
        for (const [k, v] of Object.entries({ ...penalty.terms, ...penalty.metrics })) bag.add(k, tf.keep(v));
        parts.push(penalty.total);
      }
      parts.push(...this.regularizerPenalties('discriminator', batch, bag));
      return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
    });
    bag.add('dLoss', total);
    this.loss.afterDiscriminatorUpdate?.(this.discriminator);
    this.afterUpdate('discriminator', batch);
  }

  private generatorUpdate(bag: ScalarBag, n: number, lastReal: tf.Tensor): void {
    const z = sampleLatent(n, this.latentDim, { distribution: this.latentDistribution, seed: this.seed() });
    const replaced = this.regularizers.some((r) => r.target === 'generator' && r.replacesLoss);
    const total = this.update(this.generatorOptimizer, this.generator, () => {
      const fake = this.generator.apply(z, { training: true }) as tf.Tensor;
      const out = this.discriminator.apply(fake, { training: this.discriminatorModeInGeneratorStep === 'training' }) as tf.Tensor;
      const terms = this.loss.generatorLoss({ fake: out });
      bag.add('gLoss', tf.keep(terms.total));
      for (const [k, v] of Object.entries({ ...terms.terms, ...terms.metrics })) bag.add(k, tf.keep(v));
      const parts = replaced ? [] : [terms.total];
      parts.push(...this.regularizerPenalties('generator', { real: lastReal, fake }, bag));
      return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
    });
    bag.add('gTotal', total);
    z.dispose();
    this.afterUpdate('generator', { real: lastReal });
  }

  private async callHooks<K extends keyof Hook>(method: K, state: TrainState, ...args: unknown[]): Promise<void> {
    for (const hook of this.hooks) {
      const fn = hook[method] as ((...a: unknown[]) => unknown) | undefined;
      if (fn) await fn.call(hook, state, ...args);
    }
  }

  /**
   * Trains until `iterations` (or `epochs` × `iterationsPerEpoch`) iterations
   * have run in total, then returns the history of the whole run.
   *
   * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_SHAPE` for bad options or data that does
   * not fit the discriminator; `TRAINING_STATE` when called while already running.
   */
  async fit(data: TrainingData, options: FitOptions): Promise<History> {
    if (this.running) throw new GanHacksError('TRAINING_STATE', 'Trainer.fit: this trainer is already running; await the first call.');
    const { batchSize } = options ?? ({} as FitOptions);
    assertPositiveInteger('Trainer.fit: batchSize', batchSize);
    if (batchSize % 2 !== 0) {
      throw new GanHacksError('INVALID_ARGUMENT', `Trainer.fit: batchSize must be even (half real, half fake per D step), got ${batchSize}.`);
    }
    const source = this.batchSource(data);
    const iterationsPerEpoch =
      options.iterationsPerEpoch ?? (source.size !== undefined ? Math.max(1, Math.floor(source.size / batchSize)) : undefined);
    if (options.iterationsPerEpoch !== undefined) assertPositiveInteger('Trainer.fit: iterationsPerEpoch', options.iterationsPerEpoch);
    let target: number;
    if (options.iterations !== undefined) {
      assertPositiveInteger('Trainer.fit: iterations', options.iterations);
      target = options.iterations;
    } else if (options.epochs !== undefined) {
      assertPositiveInteger('Trainer.fit: epochs', options.epochs);
      if (iterationsPerEpoch === undefined) {
        throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: with an iterable data source, give iterationsPerEpoch together with epochs.');
      }
      target = options.epochs * iterationsPerEpoch;
    } else {
      throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: give iterations or epochs.');
    }
    const perEpoch = iterationsPerEpoch ?? target;
    if (this.pendingCursor) {
      source.restore(this.pendingCursor);
      this.pendingCursor = undefined;
    }
    this.running = true;
    let stopReason: string | undefined;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const trainer = this;
    const state: TrainState = {
      get iteration() {
        return trainer.iterationCount;
      },
      get epoch() {
        return Math.floor(trainer.iterationCount / perEpoch);
      },
      targetIterations: target,
      iterationsPerEpoch: perEpoch,
      generator: this.generator,
      discriminator: this.discriminator,
      get history() {
        return trainer.historyLog;
      },
      latentDim: this.latentDim,
      loss: this.loss,
      get stopReason() {
        return stopReason;
      },
      stop(reason: string) {
        stopReason ??= reason;
      },
      checkpoint: () => this.checkpoint(),
    };
    this.currentSource = source;
    try {
      await this.callHooks('onTrainBegin', state);
      while (this.iterationCount < target && stopReason === undefined) {
        if (this.iterationCount % perEpoch === 0) {
          await this.callHooks('onEpochBegin', state);
          if (stopReason !== undefined) break;
        }
        await this.callHooks('onIterationBegin', state);
        if (stopReason !== undefined) break;
        const record = await this.runIteration(state, source, batchSize, perEpoch);
        await this.callHooks('onIterationEnd', state, record);
        if (this.iterationCount % perEpoch === 0 || this.iterationCount === target || stopReason !== undefined) {
          await this.callHooks('onEpochEnd', state, this.historyLog.epochMean(Math.floor((this.iterationCount - 1) / perEpoch)));
        }
      }
      await this.callHooks('onTrainEnd', state);
    } finally {
      this.running = false;
      // A checkpoint taken after fit() must still know where the data stood.
      this.pendingCursor = source.cursor();
      this.currentSource = undefined;
    }
    return this.historyLog;
  }

  private currentSource: BatchSource | undefined;

  private batchSource(data: TrainingData): BatchSource {
    if (data instanceof tf.Tensor) {
      if (data.isDisposed) throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: the image tensor was already disposed.');
      const dIn = this.discriminator.inputs[0].shape.slice(1) as number[];
      if (!tf.util.arraysEqual(data.shape.slice(1), dIn)) {
        throw new GanHacksError(
          'INVALID_SHAPE',
          `Trainer.fit: images have shape [${data.shape.join(', ')}] but the discriminator takes [n, ${dIn.join(', ')}].`,
        );
      }
      this.checkDataRange(data);
      return new TensorBatchSource(data, this.dataRng.next);
    }
    const d = data as unknown as Record<symbol, unknown>;
    if (data instanceof tf.data.Dataset || typeof d?.[Symbol.asyncIterator] === 'function' || typeof d?.[Symbol.iterator] === 'function') {
      return new IterableBatchSource(data as never);
    }
    throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.fit: data must be a tensor of images, a tf.data.Dataset or an (async) iterable of image batches.');
  }

  /**
   * A generator ending in tanh draws in [-1, 1]; real images on another scale
   * (raw 0-255 bytes, say) make the discriminator's job trivial. One read of
   * the data's range, once per fit.
   */
  private checkDataRange(data: tf.Tensor): void {
    const last = this.generator.layers[this.generator.layers.length - 1];
    const activation = (last.getConfig() as { activation?: string }).activation;
    const producer = activation === undefined && this.generator.layers.length > 1 ? this.generator.layers[this.generator.layers.length - 2] : last;
    if ((producer.getConfig() as { activation?: string }).activation !== 'tanh') return;
    const range = tf.tidy(() => tf.stack([data.min(), data.max()]));
    const [min, max] = range.dataSync();
    range.dispose();
    if (min < -1 - 1e-3 || max > 1 + 1e-3) {
      throw new GanHacksError(
        'INVALID_RANGE',
        `Trainer.fit: the generator ends in tanh (outputs in [-1, 1]) but the images range from ${min} to ${max}; scale them with scaleImages() (or loadMnist's default range 'tanh').`,
      );
    }
  }

  private async runIteration(state: TrainState, source: BatchSource, batchSize: number, perEpoch: number): Promise<IterationRecord> {
    const half = batchSize / 2;
    const bag = new ScalarBag();
    let lastReal: tf.Tensor | undefined;
    try {
      for (let k = 0; k < this.discriminatorSteps; k++) {
        lastReal?.dispose();
        const real = await source.next(half);
        lastReal = real;
        const realTargets = this.targets('real', half);
        const fakeTargets = this.targets('fake', half);
        const fake = this.generateFakes(half);
        try {
          if (this.discriminatorStep === 'separate') {
            this.discriminatorUpdate(bag, { real }, { real: realTargets });
            await this.callHooks('onDiscriminatorStep', state, { step: k, batch: 'real' });
            this.discriminatorUpdate(bag, { fake }, { fake: fakeTargets });
            await this.callHooks('onDiscriminatorStep', state, { step: k, batch: 'fake' });
          } else {
            this.discriminatorUpdate(bag, { real, fake }, { real: realTargets, fake: fakeTargets });
            await this.callHooks('onDiscriminatorStep', state, { step: k, batch: 'combined' });
          }
        } finally {
          tf.dispose([fake, realTargets, fakeTargets].filter((t): t is tf.Tensor => t !== undefined));
        }
      }
      this.generatorUpdate(bag, batchSize, lastReal!);
      await this.callHooks('onGeneratorStep', state, { batchSize });
      const values = bag.read();
      this.iterationCount += 1;
      const record: IterationRecord = {
        iteration: this.iterationCount,
        epoch: Math.floor((this.iterationCount - 1) / perEpoch),
        dLossReal: values.dLossReal ?? NaN,
        dLossFake: values.dLossFake ?? NaN,
        gLoss: values.gLoss ?? NaN,
        dAccReal: values.dAccReal ?? NaN,
        dAccFake: values.dAccFake ?? NaN,
      };
      for (const [k, v] of Object.entries(values)) if (!D_SCALARS.includes(k) && k !== 'gLoss') record[k] = v;
      this.historyLog.push(record);
      return record;
    } finally {
      bag.dispose();
      lastReal?.dispose();
    }
  }

  /**
   * An in-memory checkpoint: both models, both optimizers, counters, random
   * state, data order and history. `gan-hacks/node`'s `Checkpoint` hook writes it to disk.
   */
  async checkpoint(): Promise<TrainerCheckpoint> {
    const regularizers = await this.encodeRegularizers();
    return {
      generator: await modelArtifacts(this.generator),
      discriminator: await modelArtifacts(this.discriminator),
      optimizers: {
        generator: await encodeOptimizer(this.generatorOptimizer),
        discriminator: await encodeOptimizer(this.discriminatorOptimizer),
      },
      state: {
        format: 'gan-hacks-checkpoint',
        version: CHECKPOINT_VERSION,
        iteration: this.iterationCount,
        latentDim: this.latentDim,
        rng: this.rng.state(),
        dataRng: this.dataRng.state(),
        dropoutRng: this.dropoutRng.state(),
        dataCursor: this.currentSource?.cursor() ?? this.pendingCursor,
        history: this.historyLog.toJSON(),
        ...(regularizers.states.length > 0 ? { regularizers: regularizers.states } : {}),
      },
      ...(regularizers.encoded ? { regularizers: regularizers.encoded } : {}),
    };
  }

  private async encodeRegularizers(): Promise<{ states: RegularizerStateJSON[]; encoded?: EncodedWeights }> {
    const states: RegularizerStateJSON[] = [];
    const named: { name: string; tensor: tf.Tensor }[] = [];
    this.regularizers.forEach((r, index) => {
      if (!r.saveState) return;
      const { tensors, values } = r.saveState();
      states.push({ index, name: r.name, values, tensors: tensors.length });
      tensors.forEach((tensor, k) => named.push({ name: `regularizer-${index}/${k}`, tensor }));
    });
    try {
      return { states, encoded: named.length > 0 ? await tf.io.encodeWeights(named) : undefined };
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
  }

  /** Checks the checkpoint's regularizer states against this trainer's; returns their tensors (caller owns them). */
  private decodeRegularizers(checkpoint: TrainerCheckpoint): tf.Tensor[] {
    const entries = checkpoint.state.regularizers ?? [];
    for (const e of entries) {
      const r = this.regularizers[e.index];
      if (!r || r.name !== e.name || !r.loadState || !Number.isInteger(e.tensors) || e.tensors < 0) {
        throw new GanHacksError(
          'CHECKPOINT_INVALID',
          `Trainer.resume: the checkpoint holds the state of regularizer ${e.name} (#${e.index}), but this trainer's regularizers are [${this.regularizers.map((x) => x.name).join(', ')}]; build the trainer with the regularizers the run was saved with.`,
        );
      }
    }
    const total = entries.reduce((n, e) => n + e.tensors, 0);
    if (total === 0) return [];
    checkEncoded('regularizer state', checkpoint.regularizers?.specs, checkpoint.regularizers?.data);
    if (checkpoint.regularizers!.specs.length !== total) {
      throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint lists ${total} regularizer tensors but stores ${checkpoint.regularizers!.specs.length}.`);
    }
    return decodeInOrder(checkpoint.regularizers!);
  }

  /**
   * Restores a checkpoint into this trainer (built with the same models and
   * options), so that the next `fit` continues the run where it stopped.
   * A string is a checkpoint directory, read by `gan-hacks/node`.
   *
   * Everything is validated before anything is changed: a corrupt or
   * mismatched checkpoint leaves the trainer as it was.
   *
   * @example
   * ```ts
   * import { loadCheckpoint } from 'gan-hacks/node';
   * await trainer.resume('runs/b1/checkpoints'); // the latest checkpoint in the folder
   * await trainer.fit(images, { batchSize: 128, iterations: 450 });
   * ```
   * @throws GanHacksError `CHECKPOINT_INVALID` for a corrupt, partial or mismatched checkpoint.
   */
  async resume(source: TrainerCheckpoint | string): Promise<void> {
    if (this.running) throw new GanHacksError('TRAINING_STATE', 'Trainer.resume: cannot resume while fit() is running.');
    let checkpoint: TrainerCheckpoint;
    if (typeof source === 'string') {
      if (!checkpointLoader) {
        throw new GanHacksError('MISSING_PEER', "Trainer.resume: reading a directory needs the Node entry; import 'gan-hacks/node' (or pass loadCheckpoint(dir)).");
      }
      checkpoint = await checkpointLoader(source);
    } else checkpoint = source;
    checkState(checkpoint?.state);
    const state = checkpoint.state;
    if (state.latentDim !== this.latentDim) {
      throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint has latentDim ${state.latentDim}, this trainer ${this.latentDim}.`);
    }
    checkEncoded('generator optimizer', checkpoint.optimizers?.generator?.specs, checkpoint.optimizers?.generator?.data);
    checkEncoded('discriminator optimizer', checkpoint.optimizers?.discriminator?.specs, checkpoint.optimizers?.discriminator?.data);
    const gWeights = artifactWeights('generator', checkpoint.generator);
    const dWeights = artifactWeights('discriminator', checkpoint.discriminator);
    const toFree = [...gWeights, ...dWeights];
    try {
      const regTensors = this.decodeRegularizers(checkpoint);
      toFree.push(...regTensors);
      for (const [model, weights] of [
        [this.generator, gWeights],
        [this.discriminator, dWeights],
      ] as const) {
        const shapes = model.weights.map((w) => w.shape);
        if (shapes.length !== weights.length || shapes.some((s, i) => !tf.util.arraysEqual(s as number[], weights[i].shape))) {
          throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint's ${model.name} weights do not match this model's shapes.`);
        }
      }
      const history = History.fromJSON(state.history);
      // Validated: now change state, regularizers first (they check their own numbers and may refuse).
      let next = 0;
      for (const e of state.regularizers ?? []) {
        const tensors = regTensors.slice(next, next + e.tensors);
        next += e.tensors;
        this.regularizers[e.index].loadState!({ tensors: tensors.map((t) => t.clone()), values: e.values });
      }
      this.generator.setWeights(gWeights);
      this.discriminator.setWeights(dWeights);
      await this.restoreOptimizer(this.generatorOptimizer, checkpoint.optimizers.generator);
      await this.restoreOptimizer(this.discriminatorOptimizer, checkpoint.optimizers.discriminator);
      this.iterationCount = state.iteration;
      this.rng.restore(state.rng);
      this.dataRng.restore(state.dataRng);
      // Checkpoints written before dropout was seeded lack the stream; it then restarts from the seed.
      if (state.dropoutRng) this.dropoutRng.restore(state.dropoutRng);
      this.pendingCursor = state.dataCursor;
      this.historyLog = history;
    } finally {
      tf.dispose(toFree);
    }
  }

  private async restoreOptimizer(optimizer: tf.Optimizer, encoded: TrainerCheckpoint['optimizers']['generator']): Promise<void> {
    const tensors = decodeInOrder(encoded);
    await optimizer.setWeights(encoded.specs.map((s, i) => ({ name: s.name, tensor: tensors[i] })));
    tf.dispose(tensors);
  }

  /** Frees what the regularizers hold; the models and optimizers stay the caller's. */
  dispose(): void {
    for (const r of this.regularizers) r.dispose?.();
  }
}
