import * as tf from '@tensorflow/tfjs';
import type { Player, Regularizer, RegularizerContext, RegularizerState } from './types.js';
import { MAX_WEIGHT } from '../losses/functional.js';
import { assertAtMost, assertLayersModel, assertNonNegative, assertOneOf, optionsObject, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

/** Options of {@link historicalAveraging}. */
export interface HistoricalAveragingOptions {
  /** Weight of the penalty, in [0, 1e6]. @defaultValue 1 */
  weight?: number;
  /** The player whose weights are averaged. @defaultValue 'generator' */
  target?: Player;
}

/**
 * The historical averaging regularizer: see {@link historicalAveraging}.
 *
 * @example
 * ```ts
 * const ha = new HistoricalAveraging({ weight: 0.01 }); // same as historicalAveraging(...)
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_RANGE` for a weight that is not finite
 * or outside [0, 1e6], or an unknown target.
 */
export class HistoricalAveraging implements Regularizer {
  readonly name: string;
  readonly target: Player;
  readonly weight: number;
  private averages: tf.Tensor[] | undefined;
  private count = 0;

  constructor(options?: HistoricalAveragingOptions | null) {
    const o = optionsObject('historicalAveraging', options);
    this.weight = o.weight ?? 1;
    this.target = o.target ?? 'generator';
    assertNonNegative('historicalAveraging: weight', this.weight);
    assertAtMost('historicalAveraging: weight', this.weight, MAX_WEIGHT, 'Larger weights overflow float32 losses.');
    assertOneOf('historicalAveraging: target', this.target, ['generator', 'discriminator'] as const);
    this.name = this.target === 'generator' ? 'gHistoricalAveraging' : 'dHistoricalAveraging';
  }

  /** How many parameter snapshots the average holds. */
  get snapshots(): number {
    return this.count;
  }

  /** The current averages (copies owned by the caller), one per trainable weight. */
  averagesOf(): tf.Tensor[] {
    return (this.averages ?? []).map((a) => a.clone());
  }

  /** The model of a context, checked. */
  private weightsOf(fn: string, context: RegularizerContext): tf.LayerVariable[] {
    if (context === null || typeof context !== 'object') {
      throw new GanHacksError('INVALID_ARGUMENT', `historicalAveraging.${fn} takes a context { model }, got ${show(context)}.`);
    }
    assertLayersModel(`historicalAveraging.${fn}: model`, context.model);
    const weights = context.model.trainableWeights;
    if (this.averages) {
      if (this.averages.length !== weights.length || weights.some((w, i) => !tf.util.arraysEqual(w.shape as number[], this.averages![i].shape))) {
        throw new GanHacksError('TRAINING_STATE', 'historicalAveraging: the model changed its weights (count or shapes) since the averages began; use one regularizer per model.');
      }
    }
    return weights;
  }

  /**
   * weight · Σ‖θ − θ̄‖² over the model's trainable weights (0 for a model without any).
   * @throws GanHacksError `INVALID_ARGUMENT` without a model; `TRAINING_STATE` when the model's weights changed.
   */
  penalty(context: RegularizerContext): tf.Scalar {
    const weights = this.weightsOf('penalty', context);
    if (weights.length === 0) return tf.scalar(0);
    if (!this.averages) {
      // No history yet: the first average is the current parameters themselves.
      this.averages = weights.map((w) => tf.keep(w.read().clone()));
      this.count = 1;
    }
    const averages = this.averages;
    return tf.tidy(() => tf.addN(weights.map((w, i) => w.read().sub(averages[i]).square().sum())).mul(this.weight) as tf.Scalar);
  }

  /** Folds the current parameters into the running mean: θ̄ ← θ̄ + (θ − θ̄) / (t + 1). */
  afterUpdate(context: RegularizerContext): void {
    const weights = this.weightsOf('afterUpdate', context);
    if (!this.averages) {
      this.averages = weights.map((w) => tf.keep(w.read().clone()));
      this.count = 1;
      return;
    }
    const t = this.count;
    const next = tf.tidy(() => this.averages!.map((a, i) => a.add(weights[i].read().sub(a).div(t + 1))));
    for (const a of this.averages) a.dispose();
    this.averages = next.map((a) => tf.keep(a));
    this.count = t + 1;
  }

  /** The running mean and its snapshot count, so a resumed run keeps averaging the same history. */
  saveState(): RegularizerState {
    return { tensors: this.averagesOf(), values: { snapshots: this.count } };
  }

  /**
   * Restores what `saveState` returned, taking ownership of its tensors.
   * @throws GanHacksError `CHECKPOINT_INVALID` (after disposing the given tensors) when the state is malformed or inconsistent.
   */
  loadState(state: RegularizerState): void {
    const tensors: unknown = state !== null && typeof state === 'object' ? state.tensors : undefined;
    const values: unknown = state !== null && typeof state === 'object' ? state.values : undefined;
    if (!Array.isArray(tensors) || values === null || typeof values !== 'object' || tensors.some((t) => !(t instanceof tf.Tensor) || t.isDisposed)) {
      if (Array.isArray(tensors)) tf.dispose(tensors.filter((t): t is tf.Tensor => t instanceof tf.Tensor && !t.isDisposed));
      throw new GanHacksError('CHECKPOINT_INVALID', 'historicalAveraging: the checkpoint state must be { tensors: live tf.Tensor[], values: { snapshots } }.');
    }
    const snapshots = (values as Record<string, unknown>).snapshots as number;
    if (!Number.isInteger(snapshots) || snapshots < 0 || (snapshots === 0) !== (state.tensors.length === 0)) {
      tf.dispose(state.tensors);
      throw new GanHacksError('CHECKPOINT_INVALID', `historicalAveraging: the checkpoint's state (${snapshots} snapshots, ${state.tensors.length} tensors) is inconsistent.`);
    }
    this.dispose();
    if (snapshots > 0) {
      this.averages = state.tensors.map((t) => tf.keep(t));
      this.count = snapshots;
    }
  }

  dispose(): void {
    for (const a of this.averages ?? []) a.dispose();
    this.averages = undefined;
    this.count = 0;
  }
}

/**
 * Historical averaging (Salimans et al. 2016, {@link https://arxiv.org/abs/1606.03498}):
 * adds weight · Σ‖θ − θ̄‖² to a player's loss, θ̄ the mean of that player's
 * past parameters, which damps the oscillations of non-convergent games.
 *
 * @example
 * ```ts
 * const ha = historicalAveraging({ weight: 0.01, target: 'discriminator' });
 * new Trainer({ ..., regularizers: [ha] });
 * // by hand: add ha.penalty({ model: d }) to D's loss, call ha.afterUpdate({ model: d }) after each step
 * ```
 */
export function historicalAveraging(options?: HistoricalAveragingOptions | null): HistoricalAveraging {
  return new HistoricalAveraging(options);
}
