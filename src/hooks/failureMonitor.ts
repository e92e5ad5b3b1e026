import { diagnose, type Diagnosis, type DiagnoseOptions, type Verdict } from '../diagnostics/diagnose.js';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { assertPositiveInteger } from '../internal/validate.js';

/** Options of {@link FailureMonitor}. */
export interface FailureMonitorOptions {
  /** Diagnose every this many iterations. @defaultValue 50 */
  every?: number;
  /** Sliding window of iterations judged each time. @defaultValue 100 */
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
 */
export class FailureMonitor implements Hook {
  readonly name = 'FailureMonitor';
  readonly every: number;
  readonly window: number;
  /** Every verdict change, in order. */
  readonly timeline: { iteration: number; verdict: Verdict }[] = [];
  /** The latest diagnosis. */
  last: Diagnosis | undefined;

  constructor(private readonly options: FailureMonitorOptions = {}) {
    this.every = options.every ?? 50;
    this.window = options.window ?? 100;
    assertPositiveInteger('FailureMonitor: every', this.every);
    assertPositiveInteger('FailureMonitor: window', this.window);
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
