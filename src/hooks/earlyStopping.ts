import { diagnose, type DiagnoseOptions, type Verdict } from '../diagnostics/diagnose.js';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { assertPositiveInteger } from '../internal/validate.js';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Verdicts that stop the run. @defaultValue ['convergence-failure'] */
  on?: Verdict[];
  /** Check every this many iterations. @defaultValue 25 */
  every?: number;
  /** Window of iterations each check judges. @defaultValue 100 */
  window?: number;
  /** Consecutive checks with a stopping verdict before stopping. @defaultValue 2 */
  patience?: number;
  /** Do not stop before this iteration (a noisy start is normal). @defaultValue 100 */
  minIterations?: number;
  /** Thresholds and extra signals passed to {@link diagnose}. */
  diagnose?: Omit<DiagnoseOptions, 'window'>;
}

/**
 * Stops a run that the diagnosis finds failing, instead of letting it burn
 * hours: by default after two consecutive `convergence-failure` verdicts.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new EarlyStopping({ on: ['convergence-failure', 'mode-collapse'] })] });
 * ```
 */
export class EarlyStopping implements Hook {
  readonly name = 'EarlyStopping';
  private readonly on: Verdict[];
  private readonly every: number;
  private readonly window: number;
  private readonly patience: number;
  private readonly minIterations: number;
  private strikes = 0;

  constructor(private readonly options: EarlyStoppingOptions = {}) {
    this.on = options.on ?? ['convergence-failure'];
    this.every = options.every ?? 25;
    this.window = options.window ?? 100;
    this.patience = options.patience ?? 2;
    this.minIterations = options.minIterations ?? 100;
    assertPositiveInteger('EarlyStopping: every', this.every);
    assertPositiveInteger('EarlyStopping: window', this.window);
    assertPositiveInteger('EarlyStopping: patience', this.patience);
  }

  onTrainBegin(): void {
    this.strikes = 0;
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    if (logs.iteration % this.every !== 0 || logs.iteration < this.minIterations) return;
    const d = diagnose(state.history, { loss: state.loss, ...this.options.diagnose, window: Math.min(this.window, state.history.length) });
    this.strikes = this.on.includes(d.verdict) ? this.strikes + 1 : 0;
    if (this.strikes >= this.patience) {
      const why = d.findings.find((f) => f.severity === 'failure') ?? d.findings[0];
      state.stop(`EarlyStopping: ${d.verdict} at iteration ${logs.iteration}${why ? `: ${why.message}` : ''}`);
    }
  }
}
