import { diagnose, type Diagnosis, type DiagnoseOptions, type Verdict } from '../diagnostics/diagnose.js';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, assertFunction, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

/** A positive integer count of iterations, at most `LIMITS.iterations`. */
export function assertIterationCount(name: string, value: number): void {
  assertPositiveInteger(name, value);
  assertAtMost(name, value, LIMITS.iterations);
}

/**
 * Validates the `diagnose` options of a hook when it is built rather than at
 * its first check mid-run: diagnose judges a one-record history with them.
 */
export function checkDiagnoseOptions(hook: string, options: Omit<DiagnoseOptions, 'window'> | undefined): void {
  if (options === undefined || options === null) return;
  const o = optionsObject(`${hook}: diagnose`, options);
  try {
    diagnose([{ iteration: 1, epoch: 0, dLossReal: 0.7, dLossFake: 0.7, gLoss: 0.7, dAccReal: 0.5, dAccFake: 0.5 }], { ...o, window: 1 });
  } catch (e) {
    if (e instanceof GanHacksError) throw new GanHacksError(e.code, `${hook}: options.diagnose: ${e.message}`, { cause: e });
    throw new GanHacksError('INVALID_ARGUMENT', `${hook}: options.diagnose was refused by diagnose: ${e instanceof Error ? e.message : show(e)}`, { cause: e });
  }
}

/** Options of {@link FailureMonitor}. */
export interface FailureMonitorOptions {
  /** Diagnose every this many iterations (a positive integer). @defaultValue 50 */
  every?: number;
  /** Sliding window of iterations judged each time (a positive integer). @defaultValue 100 */
  window?: number;
  /** Thresholds and extra signals passed to {@link diagnose}. */
  diagnose?: Omit<DiagnoseOptions, 'window'>;
  /**
   * Called when the verdict changes. @defaultValue a one-line `console.log`
   * naming the new verdict and its first failure finding
   */
  onChange?: (diagnosis: Diagnosis, previous: Verdict | undefined, iteration: number) => void;
}

/**
 * Diagnoses a sliding window of the run every N iterations and reports when
 * the verdict changes, so a failing run is noticed while it runs.
 *
 * @example
 * ```ts
 * const monitor = new FailureMonitor({ every: 25, window: 100 });
 * new Trainer({ ..., hooks: [monitor] });
 * // after fit: monitor.timeline -> [{ iteration: 50, verdict: 'stable' }, ...]
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, an `every` or
 * `window` that is not a positive integer, an `onChange` that is not a function, or
 * `diagnose` options that diagnose refuses; `INVALID_RANGE` above `LIMITS.iterations`.
 */
export class FailureMonitor implements Hook {
  readonly name = 'FailureMonitor';
  readonly every: number;
  readonly window: number;
  /** Every verdict change, in order. */
  readonly timeline: { iteration: number; verdict: Verdict }[] = [];
  /** The latest diagnosis. */
  last: Diagnosis | undefined;

  private readonly options: FailureMonitorOptions;

  constructor(options?: FailureMonitorOptions | null) {
    this.options = optionsObject('FailureMonitor', options);
    this.every = this.options.every ?? 50;
    this.window = this.options.window ?? 100;
    assertIterationCount('FailureMonitor: every', this.every);
    assertIterationCount('FailureMonitor: window', this.window);
    if (this.options.onChange !== undefined) assertFunction('FailureMonitor: onChange', this.options.onChange);
    checkDiagnoseOptions('FailureMonitor', this.options.diagnose);
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    if (logs.iteration % this.every !== 0) return;
    const diagnosis = diagnose(state.history, { loss: state.loss, ...this.options.diagnose, window: Math.min(this.window, state.history.length) });
    this.last = diagnosis;
    const previous = this.timeline[this.timeline.length - 1]?.verdict;
    if (diagnosis.verdict === previous) return;
    this.timeline.push({ iteration: logs.iteration, verdict: diagnosis.verdict });
    if (this.options.onChange) this.options.onChange(diagnosis, previous, logs.iteration);
    else {
      const why = diagnosis.findings.find((f) => f.severity === 'failure' || f.severity === 'warning') ?? diagnosis.findings[0];
      console.log(`[gan-hacks] iteration ${logs.iteration}: ${previous ?? 'start'} -> ${diagnosis.verdict}${why ? ` (${why.message})` : ''}`);
    }
  }
}
