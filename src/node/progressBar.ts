import cliProgress from 'cli-progress';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../train/history.js';

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Columns shown after the bar. @defaultValue ['dLossReal', 'dLossFake', 'gLoss'] */
  columns?: string[];
  /** Stream to draw on. @defaultValue process.stderr */
  stream?: NodeJS.WritableStream;
  /** Draw even when the stream is not a terminal (CI logs). @defaultValue false */
  noTTYOutput?: boolean;
}

/**
 * A terminal progress bar (cli-progress) with iterations per second, ETA
 * and the current losses.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new ProgressBar()] });
 * ```
 */
export class ProgressBar implements Hook {
  readonly name = 'ProgressBar';
  private bar: cliProgress.SingleBar | undefined;
  private start = 0;
  private startIteration = 0;

  constructor(private readonly options: ProgressBarOptions = {}) {}

  private payload(state: TrainState, logs?: IterationRecord): Record<string, string> {
    const columns = this.options.columns ?? ['dLossReal', 'dLossFake', 'gLoss'];
    const elapsed = (Date.now() - this.start) / 1000;
    const done = state.iteration - this.startIteration;
    const rate = done > 0 ? done / elapsed : 0;
    const losses = logs ? columns.map((c) => `${c} ${Number.isFinite(logs[c]) ? logs[c].toFixed(3) : '-'}`).join(' ') : '';
    return { rate: rate >= 1 ? `${rate.toFixed(2)} it/s` : rate > 0 ? `${(1 / rate).toFixed(2)} s/it` : '- it/s', losses };
  }

  onTrainBegin(state: TrainState): void {
    this.start = Date.now();
    this.startIteration = state.iteration;
    this.bar = new cliProgress.SingleBar(
      {
        format: '{bar} {value}/{total} | {rate} | ETA {eta_formatted} | {losses}',
        stream: this.options.stream ?? process.stderr,
        noTTYOutput: this.options.noTTYOutput ?? false,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(state.targetIterations, state.iteration, this.payload(state));
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    this.bar?.update(state.iteration, this.payload(state, logs));
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
