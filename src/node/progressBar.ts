import cliProgress from 'cli-progress';
import type { EpochLogs, Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, optionsObject, show } from '../internal/validate.js';

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Columns shown after the bar. @defaultValue ['dLossReal', 'dLossFake', 'gLoss'] */
  columns?: string[];
  /** Stream to draw on. @defaultValue process.stderr */
  stream?: NodeJS.WritableStream;
  /**
   * Draw the bar even when the stream is not a terminal. Otherwise a log file
   * or CI gets one line per epoch instead (epoch, iteration, speed, ETA and
   * the epoch's mean losses), as Keras's `verbose=2`. @defaultValue false
   */
  noTTYOutput?: boolean;
}

/**
 * A terminal progress bar (cli-progress) with iterations per second, ETA
 * and the current losses; in a log that is not a terminal, one line per epoch.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new ProgressBar()] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, `columns` that
 * are not a list of names, a `stream` without a `write` method or a non-boolean `noTTYOutput`.
 */
export class ProgressBar implements Hook {
  readonly name = 'ProgressBar';
  private bar: cliProgress.SingleBar | undefined;
  private start = 0;
  private startIteration = 0;
  /** Writing epoch lines instead of a bar (the stream is not a terminal). */
  private lines = false;

  private readonly options: ProgressBarOptions;

  constructor(options?: ProgressBarOptions | null) {
    const o = optionsObject('ProgressBar', options);
    if (o.columns !== undefined && (!Array.isArray(o.columns) || o.columns.some((c) => typeof c !== 'string' || c.length === 0))) {
      throw new GanHacksError('INVALID_ARGUMENT', `ProgressBar: columns must be a list of column names, got ${Array.isArray(o.columns) ? `[${o.columns.map((c) => show(c)).join(', ')}]` : show(o.columns)}.`);
    }
    if (o.stream !== undefined && (o.stream === null || typeof o.stream !== 'object' || typeof o.stream.write !== 'function')) {
      throw new GanHacksError('INVALID_ARGUMENT', `ProgressBar: stream must be a writable stream (with a write method), got ${show(o.stream)}.`);
    }
    if (o.noTTYOutput !== undefined) assertBoolean('ProgressBar: noTTYOutput', o.noTTYOutput);
    this.options = o;
  }

  private payload(state: TrainState, logs?: IterationRecord): Record<string, string> {
    const columns = this.options.columns ?? ['dLossReal', 'dLossFake', 'gLoss'];
    const elapsed = (Date.now() - this.start) / 1000;
    const done = state.iteration - this.startIteration;
    const rate = done > 0 ? done / elapsed : 0;
    const losses = logs ? columns.map((c) => `${c} ${Number.isFinite(logs[c]) ? logs[c].toFixed(3) : '-'}`).join(' ') : '';
    return { rate: rate >= 1 ? `${rate.toFixed(2)} it/s` : rate > 0 ? `${(1 / rate).toFixed(2)} s/it` : '- it/s', losses };
  }

  private get stream(): NodeJS.WritableStream {
    return this.options.stream ?? process.stderr;
  }

  onTrainBegin(state: TrainState): void {
    this.start = Date.now();
    this.startIteration = state.iteration;
    this.lines = !(this.stream as NodeJS.WritableStream & { isTTY?: boolean }).isTTY && !this.options.noTTYOutput;
    if (this.lines) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: '{bar} {value}/{total} | {rate} | ETA {eta_formatted} | {losses}',
        stream: this.stream,
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

  onEpochEnd(state: TrainState, logs: EpochLogs): void {
    if (!this.lines) return;
    const { rate, losses } = this.payload(state, logs as IterationRecord);
    const done = state.iteration - this.startIteration;
    const left = done > 0 ? ((Date.now() - this.start) / 1000 / done) * (state.targetIterations - state.iteration) : NaN;
    const eta = Number.isFinite(left) ? (left >= 60 ? `${Math.round(left / 60)} min` : `${Math.round(left)} s`) : '-';
    const epochs = Math.ceil(state.targetIterations / state.iterationsPerEpoch);
    this.stream.write(`epoch ${logs.epoch + 1}/${epochs} | iteration ${state.iteration}/${state.targetIterations} | ${rate} | ETA ${eta} | ${losses}\n`);
  }

  onTrainEnd(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
