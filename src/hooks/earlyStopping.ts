import { diagnose, type DiagnoseOptions, type Verdict } from '../diagnostics/diagnose.js';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, assertNonNegativeInteger, optionsObject, show } from '../internal/validate.js';
import { assertIterationCount, checkDiagnoseOptions } from './failureMonitor.js';

const VERDICTS: readonly Verdict[] = ['stable', 'mode-collapse', 'convergence-failure', 'undetermined'];

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
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, an `on` that is
 * not a non-empty list of verdicts, counts that are not integers (positive for `every`, `window`
 * and `patience`), or `diagnose` options that diagnose refuses; `INVALID_RANGE` above `LIMITS.iterations`.
 */
export class EarlyStopping implements Hook {
  readonly name = 'EarlyStopping';
  private readonly on: Verdict[];
  private readonly every: number;
  private readonly window: number;
  private readonly patience: number;
  private readonly minIterations: number;
  private strikes = 0;

  private readonly options: EarlyStoppingOptions;

  constructor(options?: EarlyStoppingOptions | null) {
    this.options = optionsObject('EarlyStopping', options);
    const o = this.options;
    this.on = o.on ?? ['convergence-failure'];
    this.every = o.every ?? 25;
    this.window = o.window ?? 100;
    this.patience = o.patience ?? 2;
    this.minIterations = o.minIterations ?? 100;
    if (!Array.isArray(this.on) || this.on.length === 0 || this.on.some((v) => !VERDICTS.includes(v))) {
      throw new GanHacksError(
        'INVALID_ARGUMENT',
        `EarlyStopping: on must be a non-empty list of verdicts (${VERDICTS.map((v) => JSON.stringify(v)).join(', ')}), got ${Array.isArray(this.on) ? JSON.stringify(this.on.map((v) => (typeof v === 'string' ? v : show(v)))) : show(this.on)}.`,
      );
    }
    assertIterationCount('EarlyStopping: every', this.every);
    assertIterationCount('EarlyStopping: window', this.window);
    assertIterationCount('EarlyStopping: patience', this.patience);
    assertNonNegativeInteger('EarlyStopping: minIterations', this.minIterations);
    assertAtMost('EarlyStopping: minIterations', this.minIterations, LIMITS.iterations);
    checkDiagnoseOptions('EarlyStopping', o.diagnose);
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
