import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';

/** Options of {@link NaNGuard}. */
export interface NaNGuardOptions {
  /** Columns checked every iteration. @defaultValue every numeric column except accuracies */
  columns?: string[];
  /** Called when the guard stops a run. */
  onStop?: (iteration: number, column: string) => void;
}

/**
 * Stops training at the first non-finite loss and puts back the weights of
 * both models from the last iteration whose losses were all finite.
 *
 * Keeping those weights costs no copy: tfjs tensors are immutable and an
 * optimizer step gives a variable new data, so the guard only holds
 * references to the previous data.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new NaNGuard()] });
 * ```
 */
export class NaNGuard implements Hook {
  readonly name = 'NaNGuard';
  private good: tf.Tensor[] | undefined;
  private pending: tf.Tensor[] | undefined;
  /** Iteration at which the guard stopped the run, if it did. */
  stoppedAt: number | undefined;

  constructor(private readonly options: NaNGuardOptions = {}) {}

  private snapshot(state: TrainState): tf.Tensor[] {
    return [...state.generator.weights, ...state.discriminator.weights].map((w) => tf.keep(w.read().clone()));
  }

  onTrainBegin(state: TrainState): void {
    this.stoppedAt = undefined;
    this.release();
    this.good = this.snapshot(state);
  }

  onIterationBegin(state: TrainState): void {
    tf.dispose(this.pending ?? []);
    this.pending = this.snapshot(state);
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    const columns = this.options.columns ?? Object.keys(logs).filter((k) => !k.startsWith('dAcc'));
    const bad = columns.find((c) => c in logs && !Number.isFinite(logs[c]));
    if (bad === undefined) {
      // The weights this iteration started from produced finite losses: they are good.
      tf.dispose(this.good ?? []);
      this.good = this.pending;
      this.pending = undefined;
      return;
    }
    if (this.good) {
      const weights = [...state.generator.weights, ...state.discriminator.weights];
      weights.forEach((w, i) => w.write(this.good![i]));
    }
    this.stoppedAt = logs.iteration;
    this.options.onStop?.(logs.iteration, bad);
    state.stop(`NaNGuard: ${bad} is ${logs[bad]} at iteration ${logs.iteration}; restored the weights of the last finite iteration.`);
  }

  onTrainEnd(): void {
    this.release();
  }

  private release(): void {
    tf.dispose(this.good ?? []);
    tf.dispose(this.pending ?? []);
    this.good = undefined;
    this.pending = undefined;
  }
}
