import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { GanLoss } from '../losses/types.js';
import type { Regularizer } from '../regularizers/types.js';
import type { Augmentation } from '../augmentations/types.js';
import { assertAtMost, assertPositiveInteger, LIMITS } from '../internal/validate.js';
import { createStatefulRng, nextSeed, type StatefulRng } from '../internal/random.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { History, type IterationRecord } from '../history/index.js';
import { seedDropout } from './dropoutSeeds.js';
import type { Hook, TrainState } from './hooks.js';
import { HookList } from './hookList.js';
import { createBatchSource, type BatchSource, type DataCursor, type TrainingData } from './data.js';
import { checkGenerateLabels, generateWith, resolveConditioning, type Conditioning } from './conditioning.js';
import { discriminatorTargets, type LabelHacks } from './labels.js';
import { dcganAdam } from './optimizers.js';
import type { CheckpointSource, TrainerCheckpoint } from './checkpoint.js';
import { captureCheckpoint, readCheckpoint, restoreCheckpoint, type RunParts } from './capture.js';
import { IterationLogs, iterationRecord } from './logs.js';
import { resolveFitOptions, resolveTrainerOptions, type DiscriminatorMode, type DiscriminatorStepMode, type FitOptions, type TrainerOptions } from './options.js';
import { yieldIfDue, yieldInterval } from './step.js';
import { createTrainState } from './state.js';
import { discriminatorUpdate, drawFakeLabels, generatorUpdate, type Batch, type LastReal, type UpdateContext } from './updates.js';

export type { DiscriminatorMode, DiscriminatorStepMode, FitOptions, TrainerOptions, YieldEvery } from './options.js';

/**
 * The training loop: it orchestrates the discriminator and generator
 * updates and owns no hack. Losses, label hacks, regularizers and hooks plug
 * in through options; every option is validated here, at construction.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ generator: failureModesGenerator(), discriminator: failureModesDiscriminator(), latentDim: 50, seed: 1 });
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
  readonly augmentations: readonly Augmentation[];
  readonly hooks: readonly Hook[];
  readonly generatorOptimizer: tf.Optimizer;
  readonly discriminatorOptimizer: tf.Optimizer;
  /** How the models take and give class labels; undefined for an unconditional run. */
  readonly conditioning: Conditioning | undefined;
  private historyLog = new History();
  private iterationCount = 0;
  /** @hidden The run's random streams (latents and labels, data order, dropout masks). */
  readonly rngs: RunParts['rngs'];
  private readonly hookList: HookList;
  /** Optimizers this Trainer made (not the caller's): `dispose()` frees them. */
  private readonly ownOptimizers: tf.Optimizer[];
  private cursor: DataCursor | undefined;
  private source: BatchSource | undefined;
  private logs: IterationLogs | undefined;
  private running = false;

  constructor(options: TrainerOptions) {
    const o = resolveTrainerOptions(options);
    ({ generator: this.generator, discriminator: this.discriminator, loss: this.loss, latentDim: this.latentDim } = o);
    ({ latentDistribution: this.latentDistribution, discriminatorStep: this.discriminatorStep, discriminatorSteps: this.discriminatorSteps } = o);
    ({ discriminatorModeInGeneratorStep: this.discriminatorModeInGeneratorStep, labels: this.labels, regularizers: this.regularizers, hooks: this.hooks } = o);
    this.augmentations = o.augmentations;
    this.conditioning = resolveConditioning(this.generator, this.discriminator, o.classes, this.loss);
    this.hookList = new HookList(this.hooks);
    // Made only after every check passed: Adam allocates its β products on construction.
    this.generatorOptimizer = o.optimizers.generator ?? dcganAdam();
    this.discriminatorOptimizer = o.optimizers.discriminator ?? dcganAdam();
    this.ownOptimizers = [this.generatorOptimizer, this.discriminatorOptimizer].filter((x) => x !== o.optimizers.generator && x !== o.optimizers.discriminator);
    const stream = (name: string): StatefulRng => createStatefulRng(o.seed === undefined ? undefined : `${o.seed}/${name}`);
    // Dropout masks have their own stream, so models without dropout draw the same latents as before.
    this.rngs = { rng: stream('train'), dataRng: stream('data'), dropoutRng: stream('dropout') };
    if (o.seed !== undefined) seedDropout([this.generator, this.discriminator], () => nextSeed(this.rngs.dropoutRng.next));
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
   * Draws `n` (at most 1,048,576) latent points with the trainer's distribution.
   * @example `const fixed = trainer.sampleLatent(100, 42); // the same 100 points every time`
   */
  sampleLatent(n: number, seed?: number): tf.Tensor2D {
    assertPositiveInteger('Trainer.sampleLatent: n', n);
    assertAtMost('Trainer.sampleLatent: n', n, LIMITS.samples);
    return sampleLatent(n, this.latentDim, { distribution: this.latentDistribution, seed });
  }

  /**
   * Generates `n` samples (at most 1,048,576), or samples for the given latent points, in inference mode.
   * @example `const images = trainer.generate(64, 7); // 64 samples from the seeded latent batch 7`
   */
  generate(nOrLatent: number | tf.Tensor, seed?: number, labels?: tf.Tensor1D | number[]): tf.Tensor {
    const given = nOrLatent instanceof tf.Tensor;
    if (given && (nOrLatent.isDisposed || nOrLatent.rank !== 2 || nOrLatent.shape[1] !== this.latentDim || nOrLatent.shape[0] === 0)) {
      throw new GanHacksError('INVALID_SHAPE', `Trainer.generate: latent points must be a live tensor of shape [n, ${this.latentDim}], got [${nOrLatent.shape.join(', ')}].`);
    }
    const n = given ? nOrLatent.shape[0] : nOrLatent;
    const classes = this.conditioning?.classes;
    if (classes === undefined && labels !== undefined) throw new GanHacksError('INVALID_ARGUMENT', 'Trainer.generate: labels are for class-conditional runs (classes set in the Trainer options).');
    if (classes !== undefined) checkGenerateLabels(labels, n, classes);
    const z = given ? nOrLatent : this.sampleLatent(nOrLatent, seed);
    try {
      return tf.tidy(() => {
        const y = labels === undefined ? undefined : labels instanceof tf.Tensor ? labels : tf.tensor1d(labels, 'int32');
        return generateWith(this.generator, z, y, false);
      });
    } finally {
      if (!given) z.dispose();
    }
  }

  private seed(): number {
    return nextSeed(this.rngs.rng.next);
  }

  /** Latent points for training, from the run's random stream. */
  private latent(n: number): tf.Tensor2D {
    return sampleLatent(n, this.latentDim, { distribution: this.latentDistribution, seed: this.seed() });
  }

  private targets(kind: 'real' | 'fake', n: number): tf.Tensor | undefined {
    return discriminatorTargets(this.loss, [n, ...(this.discriminator.outputs[0].shape.slice(1) as number[])], kind, this.labels, () => this.seed());
  }

  /** What this iteration's updates need from the run (see {@link UpdateContext}). */
  private updateContext(): UpdateContext {
    return {
      generator: this.generator,
      discriminator: this.discriminator,
      loss: this.loss,
      conditioning: this.conditioning,
      regularizers: this.regularizers,
      augmentations: this.augmentations,
      generatorOptimizer: this.generatorOptimizer,
      discriminatorOptimizer: this.discriminatorOptimizer,
      discriminatorModeInGeneratorStep: this.discriminatorModeInGeneratorStep,
      iteration: this.iterationCount,
      seed: () => this.seed(),
      latent: (n) => this.latent(n),
    };
  }

  /**
   * Trains until `iterations` (or `epochs` × `iterationsPerEpoch`) iterations
   * have run in total, then returns the history of the whole run. Each
   * iteration's logs are read back once, asynchronously; between iterations
   * the loop yields to the event loop as `yieldEvery` says, so a page keeps painting.
   *
   * @example `const history = await trainer.fit(images, { batchSize: 64, iterations: 300 });`
   * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_SHAPE` / `INVALID_RANGE` for bad options or data (empty,
   * non-finite, of another shape); `TRAINING_STATE` when called while already running.
   */
  async fit(data: TrainingData, options: FitOptions): Promise<History> {
    if (this.running) throw new GanHacksError('TRAINING_STATE', 'Trainer.fit: this trainer is already running; await the first call.');
    const sampleShape = this.discriminator.inputs[0].shape.slice(1) as number[];
    const source = await createBatchSource(data, this.generator, sampleShape, this.rngs.dataRng.next, this.conditioning?.classes);
    const { batchSize, target, iterationsPerEpoch: perEpoch, yieldEvery } = resolveFitOptions(options, source.size);
    if (this.cursor) source.restore(this.cursor);
    this.running = true;
    this.source = source;
    const state = createTrainState(this, () => this.logs, target, perEpoch);
    const yieldMs = yieldInterval(yieldEvery);
    let lastYield = Date.now();
    try {
      await this.hookList.call('onTrainBegin', state);
      while (this.iterationCount < target && state.stopReason === undefined) {
        if (this.iterationCount % perEpoch === 0) await this.hookList.call('onEpochBegin', state);
        if (state.stopReason !== undefined) break;
        const record = await this.runIteration(state, batchSize, perEpoch);
        if (!record) break;
        await this.hookList.call('onIterationEnd', state, record);
        if (this.iterationCount % perEpoch === 0 || this.iterationCount === target || state.stopReason !== undefined) {
          await this.hookList.call('onEpochEnd', state, this.historyLog.epochMean(Math.floor((this.iterationCount - 1) / perEpoch)));
        }
        lastYield = await yieldIfDue(yieldMs, lastYield);
      }
      await this.hookList.call('onTrainEnd', state);
    } catch (error) {
      await this.hookList.call('onTrainError', state, error).catch(() => undefined);
      throw error;
    } finally {
      this.running = false;
      // A checkpoint taken after fit() must still know where the data stood.
      this.cursor = source.cursor();
      this.source = undefined;
    }
    return this.historyLog;
  }

  /** One iteration; undefined when a hook stopped the run in `onIterationBegin`. */
  private async runIteration(state: TrainState, batchSize: number, perEpoch: number): Promise<IterationRecord | undefined> {
    const half = batchSize / 2;
    const logs = (this.logs = new IterationLogs());
    const ctx = this.updateContext();
    let lastReal: LastReal | undefined;
    try {
      await this.hookList.call('onIterationBegin', state);
      if (state.stopReason !== undefined) return undefined;
      for (let k = 0; k < this.discriminatorSteps; k++) {
        if (lastReal) tf.dispose([lastReal.images, ...(lastReal.labels ? [lastReal.labels] : [])]);
        const { images: real, labels: realLabels } = (lastReal = await this.source!.next(half));
        const targets = { real: this.targets('real', half), fake: this.targets('fake', half) };
        const fakeLabels = drawFakeLabels(ctx, half);
        const fake = tf.tidy(() => generateWith(this.generator, this.latent(half), fakeLabels, true));
        try {
          const steps: [Batch, 'real' | 'fake' | 'combined'][] =
            this.discriminatorStep === 'separate'
              ? [
                  [{ real, realLabels }, 'real'],
                  [{ fake, fakeLabels }, 'fake'],
                ]
              : [[{ real, fake, realLabels, fakeLabels }, 'combined']];
          for (const [batch, kind] of steps) {
            discriminatorUpdate(ctx, logs, batch, targets);
            await this.hookList.call('onDiscriminatorStep', state, { step: k, batch: kind });
          }
        } finally {
          tf.dispose([fake, fakeLabels, targets.real, targets.fake].filter((t): t is tf.Tensor => t !== undefined));
        }
      }
      generatorUpdate(ctx, logs, batchSize, lastReal!);
      await this.hookList.call('onGeneratorStep', state, { batchSize });
      this.logs = undefined;
      const values = await logs.read();
      this.iterationCount += 1;
      const record = iterationRecord(this.iterationCount, Math.floor((this.iterationCount - 1) / perEpoch), values);
      this.historyLog.push(record);
      return record;
    } finally {
      this.logs = undefined;
      logs.dispose();
      if (lastReal) tf.dispose([lastReal.images, ...(lastReal.labels ? [lastReal.labels] : [])]);
    }
  }

  /**
   * An in-memory checkpoint: both models, both optimizers' complete state,
   * counters, random state, data order and history (`gan-hacks/node`'s
   * `Checkpoint` hook writes it to disk). Leaves no tensor behind.
   * @example `await other.resume(await trainer.checkpoint()); // other continues exactly where trainer stands`
   */
  async checkpoint(): Promise<TrainerCheckpoint> {
    return captureCheckpoint(this, { iteration: this.iterationCount, dataCursor: this.source?.cursor() ?? this.cursor, history: this.historyLog });
  }

  /**
   * Restores a checkpoint into this trainer (built with the same models and
   * options), so that the next `fit` continues the run bit for bit where it
   * stopped. Everything is validated before anything is changed: a corrupt or
   * mismatched checkpoint leaves the trainer as it was.
   *
   * @example
   * ```ts
   * import { loadCheckpoint } from 'gan-hacks/node';
   * await trainer.resume(await loadCheckpoint('runs/b1/checkpoints')); // the latest complete checkpoint
   * await trainer.fit(images, { batchSize: 128, iterations: 450 });
   * ```
   * @throws GanHacksError `CHECKPOINT_INVALID` for a corrupt, partial or mismatched checkpoint.
   */
  async resume(source: TrainerCheckpoint | CheckpointSource): Promise<void> {
    if (this.running) throw new GanHacksError('TRAINING_STATE', 'Trainer.resume: cannot resume while fit() is running.');
    const counters = await restoreCheckpoint(this, await readCheckpoint(source));
    this.iterationCount = counters.iteration;
    this.cursor = counters.dataCursor;
    this.historyLog = counters.history;
  }

  /**
   * Frees what the Trainer made: the optimizers it created (not ones passed
   * in options) and the regularizers' state. The models stay the caller's.
   * @example `trainer.dispose(); generator.dispose(); discriminator.dispose();`
   */
  dispose(): void {
    if (this.running) throw new GanHacksError('TRAINING_STATE', 'Trainer.dispose: await fit() first.');
    for (const r of this.regularizers) r.dispose?.();
    for (const a of this.augmentations) a.dispose?.();
    for (const o of this.ownOptimizers.splice(0)) o.dispose();
  }
}
