import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { snapshotOptimizer, type OptimizerSnapshot } from '../train/optimizerState.js';
import { optionsObject } from '../internal/validate.js';

/** Options of {@link NaNGuard}. */
export interface NaNGuardOptions {
  /** Columns checked every iteration. @defaultValue every numeric column except accuracies */
  columns?: string[];
  /**
   * Also count the non-finite values of every model weight (batch norm's
   * moving statistics included, which a NaN can reach while the losses stay
   * finite) after each iteration. The count is read with the iteration's
   * other logs (no extra device read) and logged as `nonFiniteWeights`.
   * @defaultValue true
   */
  checkWeights?: boolean;
  /** Called when the guard stops a run. */
  onStop?: (iteration: number, column: string) => void;
}

/** Weights of both models and both optimizers' state at one moment. */
interface RunSnapshot {
  weights: tf.Tensor[];
  optimizers: OptimizerSnapshot[];
}

const COUNT_COLUMN = 'nonFiniteWeights';

function allWeights(state: TrainState): tf.LayerVariable[] {
  return [...state.generator.weights, ...state.discriminator.weights];
}

/**
 * Stops training at the first non-finite loss (or non-finite weight) and puts
 * back both models' weights, their batch-norm statistics and both optimizers'
 * state as they were after the last iteration that was finite throughout, so
 * the run can continue from there (with a lower learning rate, say).
 *
 * Keeping that state costs no copy: tfjs tensors are immutable and an
 * optimizer step gives a variable new data, so the guard only holds
 * references to the previous data.
 *
 * @example
 * ```ts
 * const guard = new NaNGuard();
 * await new Trainer({ ..., hooks: [guard] }).fit(images, { batchSize: 64, iterations: 500 });
 * if (guard.stoppedAt !== undefined) console.log(`stopped at ${guard.stoppedAt}; weights and optimizers restored`);
 * ```
 */
export class NaNGuard implements Hook {
  readonly name = 'NaNGuard';
  private readonly options: NaNGuardOptions;
  private good: RunSnapshot | undefined;
  /** Iteration at which the guard stopped the run, if it did. */
  stoppedAt: number | undefined;

  constructor(options: NaNGuardOptions = {}) {
    const o = optionsObject('NaNGuard', options);
    if (o.columns !== undefined && (!Array.isArray(o.columns) || !o.columns.every((c) => typeof c === 'string'))) {
      throw new GanHacksError('INVALID_ARGUMENT', 'NaNGuard: columns must be an array of column names.');
    }
    if (o.onStop !== undefined && typeof o.onStop !== 'function') throw new GanHacksError('INVALID_ARGUMENT', 'NaNGuard: onStop must be a function.');
    this.options = { checkWeights: true, ...o };
  }

  private snapshot(state: TrainState): RunSnapshot {
    return {
      weights: allWeights(state).map((w) => tf.keep(w.read().clone())),
      optimizers: [snapshotOptimizer(state.optimizers.generator), snapshotOptimizer(state.optimizers.discriminator)],
    };
  }

  onTrainBegin(state: TrainState): void {
    this.stoppedAt = undefined;
    this.release();
    this.good = this.snapshot(state);
  }

  onGeneratorStep(state: TrainState): void {
    if (!this.options.checkWeights) return;
    const count = tf.tidy(() => tf.addN(allWeights(state).map((w) => tf.logicalNot(tf.isFinite(w.read())).sum().toFloat())) as tf.Scalar);
    state.logScalar(COUNT_COLUMN, count);
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    const columns = this.options.columns ?? Object.keys(logs).filter((k) => !k.startsWith('dAcc') && k !== COUNT_COLUMN);
    let bad = columns.find((c) => c in logs && !Number.isFinite(logs[c]));
    if (bad === undefined && (logs[COUNT_COLUMN] ?? 0) !== 0) bad = COUNT_COLUMN;
    if (bad === undefined) {
      // This iteration ended finite throughout: its state is the new fallback.
      this.release();
      this.good = this.snapshot(state);
      return;
    }
    if (this.good) {
      allWeights(state).forEach((w, i) => w.write(this.good!.weights[i]));
      for (const o of this.good.optimizers) o.restore();
    }
    this.stoppedAt = logs.iteration;
    this.options.onStop?.(logs.iteration, bad);
    const what = bad === COUNT_COLUMN ? `${logs[bad]} model weights are NaN or infinite` : `${bad} is ${logs[bad]}`;
    state.stop(`NaNGuard: ${what} at iteration ${logs.iteration}; restored the weights and optimizer state of the last finite iteration.`);
  }

  onTrainEnd(): void {
    this.release();
  }

  onTrainError(): void {
    this.release();
  }

  private release(): void {
    if (!this.good) return;
    tf.dispose(this.good.weights);
    for (const o of this.good.optimizers) o.dispose();
    this.good = undefined;
  }
}
