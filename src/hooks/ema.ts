import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { RegularizerState } from '../regularizers/types.js';
import { GanHacksError } from '../errors/index.js';
import { HOOK_METHODS } from '../train/hooks.js';
import { assertInRange, assertLayersModel, assertNonNegativeInteger, assertAtMost, LIMITS, optionsObject, show } from '../internal/validate.js';

/** Options of {@link ema}. */
export interface EmaOptions {
  /**
   * Weight of the old average in each update: average ← decay · average + (1 − decay) · weight.
   * @defaultValue 0.999 (StudioGAN's default; ProGAN uses 0.999 at batch 16)
   */
  decay?: number;
  /**
   * The average copies the weights until this iteration, and averages from the next
   * (early weights are far from where the run ends and would linger in the average). @defaultValue 0
   */
  start?: number;
}

/**
 * An exponential moving average of the generator's weights (Yazıcı et al. 2019,
 * "The Unusual Effectiveness of Averaging in GAN Training", https://arxiv.org/abs/1806.04498;
 * Karras et al. 2018, ProGAN, https://arxiv.org/abs/1710.10196): a hook that updates a
 * running average of G's trainable weights after every generator step and copies its
 * non-trainable weights (batch-norm statistics). The averaged generator usually draws
 * better samples than the raw one; training itself is unchanged.
 *
 * Its averages go into the run's checkpoints (saveState/loadState), so a resumed run
 * continues them bit for bit. Use them with {@link GeneratorEma.withAveragedWeights}
 * (generate from the average), {@link GeneratorEma.wrap} (a sample hook that draws from the
 * average) or {@link GeneratorEma.averagedGenerator} (a copy of G holding them).
 *
 * @example
 * ```ts
 * const average = ema({ decay: 0.999 });
 * const trainer = new Trainer({ generator, discriminator, latentDim: 50, hooks: [average, average.wrap(new SampleGrid({ dir: 'out/ema' }))] });
 * await trainer.fit(images, { batchSize: 128, iterations: 450 });
 * const samples = await average.withAveragedWeights(trainer.generator, () => trainer.generate(64, 7));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_RANGE` for a decay outside [0, 1) or a start that is not
 * a non-negative integer.
 */
export function ema(options?: EmaOptions | null): GeneratorEma {
  return new GeneratorEma(options);
}

/** The hook {@link ema} returns. */
export class GeneratorEma implements Hook {
  readonly name = 'ema';
  readonly decay: number;
  readonly start: number;
  /** One per generator weight, in `generator.weights` order. */
  private averages: tf.Variable[] | undefined;
  private trainable: boolean[] = [];
  /** Generator steps averaged so far (copies before `start` count too). */
  private steps = 0;

  constructor(options?: EmaOptions | null) {
    const o = optionsObject('ema', options);
    this.decay = o.decay ?? 0.999;
    this.start = o.start ?? 0;
    assertInRange('ema: decay', this.decay, 0, 1);
    if (this.decay === 1) throw new GanHacksError('INVALID_RANGE', 'ema: decay must be below 1 (1 never moves the average from the first weights); 0.999 is usual.');
    assertNonNegativeInteger('ema: start', this.start);
    assertAtMost('ema: start', this.start, LIMITS.iterations);
  }

  /** Generator updates folded into the average so far. */
  get updates(): number {
    return this.steps;
  }

  onTrainBegin(state: TrainState): void {
    const weights = state.generator.weights;
    this.trainable = weights.map((w) => w.trainable);
    if (this.averages) {
      const fits = this.averages.length === weights.length && this.averages.every((a, i) => tf.util.arraysEqual(a.shape, weights[i].shape as number[]));
      if (!fits) throw new GanHacksError('INCOMPATIBLE_OPTIONS', `ema: its averages were taken of another generator (${this.averages.length} weights); use one ema() per run.`);
      return;
    }
    this.averages = weights.map((w) => tf.variable(w.read(), false));
  }

  onGeneratorStep(state: TrainState): void {
    const averages = this.averages!;
    const iteration = state.iteration + 1;
    tf.tidy(() => {
      const decay = tf.scalar(this.decay);
      const rest = tf.scalar(1 - this.decay);
      state.generator.weights.forEach((w, i) => {
        const value = w.read();
        averages[i].assign(!this.trainable[i] || iteration <= this.start ? value : averages[i].mul(decay).add(value.mul(rest)));
      });
    });
    this.steps += 1;
  }

  /**
   * Runs `fn` with the averaged weights in `generator` (the trained one), then puts its own weights back
   * bit for bit, also when `fn` throws. Returns what `fn` returns.
   * @example `const grid = await average.withAveragedWeights(trainer.generator, () => trainer.generate(100, 42));`
   * @throws GanHacksError `TRAINING_STATE` before the first training iteration (no average yet);
   * `INVALID_SHAPE` for a generator whose weights are not the averaged ones'.
   */
  async withAveragedWeights<T>(generator: tf.LayersModel, fn: () => T | Promise<T>): Promise<T> {
    assertLayersModel('ema.withAveragedWeights: generator', generator);
    const averages = this.ready('ema.withAveragedWeights', generator);
    const own = generator.weights.map((w) => w.read().clone());
    try {
      generator.setWeights(averages);
      return await fn();
    } finally {
      generator.setWeights(own);
      tf.dispose(own);
    }
  }

  /**
   * A hook that runs `hook` with the averaged weights in the generator: a `SampleGrid`,
   * `CanvasGrid`, `DiversityProbe` or `FeatureMetrics` wrapped this way draws from the average.
   * Register it after the ema hook itself.
   * @example `hooks: [average, average.wrap(new DiversityProbe({ reference }))]`
   */
  wrap<H extends Hook>(hook: H): Hook {
    if (hook === null || typeof hook !== 'object') throw new GanHacksError('INVALID_ARGUMENT', `ema.wrap: pass a hook object, got ${show(hook)}.`);
    const wrapped: Record<string, unknown> = { name: `ema(${hook.name ?? 'hook'})` };
    for (const method of HOOK_METHODS) {
      const f = hook[method] as ((state: TrainState, ...rest: unknown[]) => unknown) | undefined;
      if (typeof f !== 'function') continue;
      wrapped[method] = (state: TrainState, ...rest: unknown[]) =>
        // Before the first step (onTrainBegin of a fresh run) there is no average: the hook sees G as it is.
        this.averages ? this.withAveragedWeights(state.generator, () => f.call(hook, state, ...rest)) : f.call(hook, state, ...rest);
    }
    if (hook.saveState) wrapped.saveState = () => hook.saveState!();
    if (hook.loadState) wrapped.loadState = (s: RegularizerState) => hook.loadState!(s);
    return wrapped as Hook;
  }

  /**
   * A copy of `generator` holding the averaged weights (the caller disposes it): what to save
   * or publish at the end of a run.
   * @example `await saveModel(await average.averagedGenerator(trainer.generator), 'out/generator-ema');`
   */
  async averagedGenerator(generator: tf.LayersModel): Promise<tf.LayersModel> {
    assertLayersModel('ema.averagedGenerator: generator', generator);
    const averages = this.ready('ema.averagedGenerator', generator);
    const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve) => {
      void generator.save(tf.io.withSaveHandler(async (a) => (resolve(a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    });
    const copy = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    copy.setWeights(averages);
    return copy;
  }

  private ready(where: string, generator: tf.LayersModel): tf.Variable[] {
    if (!this.averages) throw new GanHacksError('TRAINING_STATE', `${where}: no average yet; train at least one iteration with this hook in the Trainer's hooks.`);
    const w = generator.weights;
    if (w.length !== this.averages.length || w.some((x, i) => !tf.util.arraysEqual(x.shape as number[], this.averages![i].shape))) {
      throw new GanHacksError('INVALID_SHAPE', `${where}: this generator's ${w.length} weights are not the ${this.averages.length} the average was taken of.`);
    }
    return this.averages;
  }

  saveState(): RegularizerState {
    return { tensors: (this.averages ?? []).map((a) => a.clone()), values: { updates: this.steps } };
  }

  loadState(state: RegularizerState): void {
    const { tensors, values } = state;
    if (!Number.isInteger(values.updates) || values.updates < 0 || (tensors.length === 0) !== (values.updates === 0)) {
      tf.dispose(tensors);
      throw new GanHacksError('CHECKPOINT_INVALID', `ema: the checkpoint's average state is damaged (${tensors.length} tensors after ${show(values.updates)} updates).`);
    }
    this.dispose();
    this.steps = values.updates;
    if (tensors.length === 0) return;
    this.averages = tensors.map((t) => tf.variable(t, false));
    tf.dispose(tensors);
  }

  /** Frees the averages; the hook starts afresh in the next run. */
  dispose(): void {
    tf.dispose(this.averages ?? []);
    this.averages = undefined;
    this.steps = 0;
  }
}
