import { GanHacksError } from '../errors/index.js';
import { optionsObject, show } from '../internal/validate.js';
import { History, type IterationRecord } from '../history/index.js';
import { dominantPeriod, finite, lipschitzRatio, mean, trend } from './stats.js';
import { BCE_BANDS } from '../losses/bands.js';
import type { GanLoss } from '../losses/types.js';

/** The overall state of a run. */
export type Verdict = 'stable' | 'mode-collapse' | 'convergence-failure' | 'undetermined';

/** Which signal a finding reports. */
export type Signal =
  | 'too-few-iterations'
  | 'non-finite-loss'
  | 'discriminator-loss-collapse'
  | 'discriminator-accuracy-pinned'
  | 'generator-loss-rising'
  | 'critic-divergence'
  | 'critic-not-lipschitz'
  | 'generator-loss-oscillation'
  | 'fake-accuracy-high'
  | 'low-sample-diversity'
  | 'duplicate-samples'
  | 'high-ndb'
  | 'ndb-bins-diverge'
  | 'low-recall'
  | 'healthy-diversity'
  | 'losses-in-stable-band'
  | 'losses-outside-stable-band';

/** One piece of evidence behind a verdict. */
export interface Finding {
  signal: Signal;
  /** `failure` and `warning` findings point to the verdict in `suggests`; `healthy` ones support `stable`. */
  severity: 'failure' | 'warning' | 'healthy' | 'info';
  suggests: Verdict;
  /** A sentence citing the curve, the iterations and the threshold. */
  message: string;
  /** The curve the finding reads (a history column). */
  curve: string;
  /** First and last iteration of the evidence. */
  fromIteration: number;
  toIteration: number;
  /** The measured value. */
  value: number;
  /** The threshold it was compared with (a band as [low, high]). */
  threshold: number | [number, number];
}

/** The result of {@link diagnose}. */
export interface Diagnosis {
  verdict: Verdict;
  findings: Finding[];
  /** Iterations the diagnosis looked at. */
  window: { fromIteration: number; toIteration: number };
}

/**
 * Every threshold {@link diagnose} uses; each can be overridden. The loss
 * levels default to BCE's ({@link BCE_BANDS}); pass `loss` to read a run
 * with another loss's own.
 */
export interface DiagnosisThresholds {
  /** Fewer records than this: `undetermined`. @defaultValue 20 */
  minIterations: number;
  /** A D loss below this counts as collapsed to ~0. @defaultValue 0.05 */
  collapsedLoss: number;
  /** Share of the window with both D losses collapsed that signals convergence failure. @defaultValue 0.8 */
  collapsedShare: number;
  /** An accuracy at or above this counts as 100%. @defaultValue 0.99 */
  perfectAccuracy: number;
  /** Share of the window with D accuracy pinned on real and fake that signals convergence failure. @defaultValue 0.9 */
  pinnedShare: number;
  /** G loss rising: least-squares slope per 100 iterations above this… @defaultValue 0.5 */
  risingSlopePer100: number;
  /** …with a correlation between G loss and iteration above this… @defaultValue 0.5 */
  risingCorrelation: number;
  /** …and a final G loss (mean of the window's last tenth) above this. @defaultValue 3 */
  risingLevel: number;
  /** Critic losses (no accuracy): |G loss| at the end of the window above this and rising signals divergence. @defaultValue 100 */
  criticDivergenceLevel: number;
  /**
   * Critic losses with a `realFakeDistance` column (WGANGP logs it): the
   * critic's score gap between real and generated samples, |dLossReal +
   * dLossFake|, divided by that distance, averaged over the window, above
   * this means the critic is steeper than the 1-Lipschitz bound its penalty
   * enforces: the penalty has lost control and the critic diverges.
   * @defaultValue 1 (the bound itself: no 1-Lipschitz critic exceeds it)
   */
  criticLipschitzRatio: number;
  /** Shortest and longest oscillation period searched, in iterations. @defaultValue [5, 100] */
  oscillationPeriods: [number, number];
  /** Autocorrelation at the period above which G loss counts as oscillating. @defaultValue 0.3 */
  oscillationAutocorrelation: number;
  /** Mean D accuracy on fakes above this counts as "often ~100%". @defaultValue 0.9 */
  highFakeAccuracy: number;
  /**
   * Sample diversity (generated / real mean pairwise distance) below this
   * signals mode collapse. @defaultValue 0.75 (B2's collapsed PyTorch run: 0.69;
   * healthy runs: 0.8-1.0)
   */
  lowDiversity: number;
  /**
   * Nearest-neighbour ratio (generated / real median nearest-neighbour
   * distance) below this: the generator repeats near-identical samples, mode
   * collapse. @defaultValue 0.3 (B2's collapsed generator: 0.005; B1's: 0.8)
   */
  duplicateNeighbors: number;
  /**
   * NDB/K above this is reported as a warning. On small reference sets NDB/K
   * saturates for any imperfect generator (docs/experiments/failure-modes.md, 944 eights,
   * K = 20: 0.8 for the healthy B1, 1.0 for the collapsed B2), so alone it
   * decides nothing. @defaultValue 0.5
   */
  highNdbRatio: number;
  /**
   * Jensen-Shannon divergence of the NDB bin histograms above this signals
   * mode collapse. @defaultValue 0.2 (B1: 0.09, B2: 0.39 with K = 20)
   */
  highNdbJsDivergence: number;
  /**
   * Recall (Kynkäänniemi et al. 2019, the `recall` column of `FeatureMetrics`)
   * below this signals mode collapse: almost no real sample lies inside the
   * generated samples' manifold. Recall falls as the generated sample grows, so
   * this is calibrated at n = 1,000 generated against the 944 real eights of the
   * failure-mode runs, in the shipped MNIST classifier's features
   * (docs/experiments/failure-modes.md#feature-scores): every collapsed B2
   * generator scored 0 (not one of the 944 real eights inside its manifold),
   * the stable B1 ones 0.06-0.45 (0.06 and 0.11 are the same generator under
   * two latent draws: recall is noisy, hence the margin).
   * @defaultValue 0.01
   */
  lowRecall: number;
  /**
   * Diversity and NDB measured before this iteration do not count as mode
   * collapse: an untrained generator draws near-identical blanks. @defaultValue 100
   */
  minIterationsForCollapse: number;
  /**
   * A rising G loss alone, in a window that ends before this iteration, is a
   * warning, not a convergence failure: GANs often start noisily (B1's seed 1:
   * D wins over iterations 20-60 and G's loss climbs to 3.8, then the run
   * settles by iteration ~65). A collapsed D loss or pinned accuracy still
   * count from the start. @defaultValue 100
   */
  minIterationsForRisingLoss: number;
  /** Stable band of each mean D loss. @defaultValue [0.25, 1.2] */
  stableDiscriminatorLoss: [number, number];
  /** Stable band of the mean G loss. @defaultValue [0.3, 3] */
  stableGeneratorLoss: [number, number];
}

/**
 * The defaults of {@link DiagnosisThresholds} (frozen).
 *
 * @example
 * ```ts
 * diagnose(history, { thresholds: { collapsedLoss: DEFAULT_THRESHOLDS.collapsedLoss / 2 } });
 * ```
 */
export const DEFAULT_THRESHOLDS: Readonly<DiagnosisThresholds> = Object.freeze({
  minIterations: 20,
  collapsedShare: 0.8,
  perfectAccuracy: 0.99,
  pinnedShare: 0.9,
  risingCorrelation: 0.5,
  criticDivergenceLevel: 100,
  criticLipschitzRatio: 1,
  oscillationPeriods: [5, 100],
  oscillationAutocorrelation: 0.3,
  highFakeAccuracy: 0.9,
  lowDiversity: 0.75,
  duplicateNeighbors: 0.3,
  highNdbRatio: 0.5,
  highNdbJsDivergence: 0.2,
  lowRecall: 0.01,
  minIterationsForCollapse: 100,
  minIterationsForRisingLoss: 100,
  // BCE's loss levels; a loss on another scale brings its own (GanLoss.diagnosisBands).
  ...BCE_BANDS,
}) as DiagnosisThresholds;

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /**
   * How many of the last iterations to judge. @defaultValue the later half
   * of the run, at least 50 iterations (or all of a shorter run), at most 300
   */
  window?: number;
  /** Overrides of single thresholds. */
  thresholds?: Partial<DiagnosisThresholds>;
  /** Sample diversity measured outside the history (e.g. at the end of the run). */
  diversity?: number;
  /**
   * The run's loss: its {@link GanLoss.diagnosisBands} replace BCE's loss
   * bands (`thresholds` still override single values). The `FailureMonitor`
   * and `EarlyStopping` hooks pass the Trainer's loss.
   */
  loss?: Pick<GanLoss, 'diagnosisBands'>;
  /** Nearest-neighbour ratio measured outside the history (see `nearestNeighborRatio`). */
  nearestNeighborRatio?: number;
  /** NDB/K measured outside the history. */
  ndbRatio?: number;
  /** JS divergence of the NDB bin histograms, measured outside the history. */
  ndbJsDivergence?: number;
  /** Recall of generated against real features, measured outside the history (see `precisionRecall`). */
  recall?: number;
}

function defaultWindow(n: number): number {
  return Math.min(n, Math.max(Math.min(n, 50), Math.min(300, Math.ceil(n / 2))));
}

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

/**
 * Reads a run's learning curves the way the sources teach people to read
 * them by eye (docs/experiments/failure-modes.md, monitoring.md), and adds a signal they lacked: the
 * diversity of generated samples (`diversity` and `nearestNeighborRatio`
 * columns written by {@link DiversityProbe}, or values passed in options, NDB included).
 *
 * - `convergence-failure`: D losses collapse to ~0 and stay, D accuracy is
 *   pinned at 100%, G loss rises without end, a critic diverges (its scores
 *   run away, or its real-fake score gap exceeds the samples' distance, which
 *   no 1-Lipschitz critic can), or a loss is NaN.
 * - `mode-collapse`: few distinct samples (low mean pairwise distance),
 *   near-duplicates (low nearest-neighbour ratio), diverging NDB bins or a
 *   recall near 0 (a `recall` column from `FeatureMetrics`, or `options.recall`);
 *   without those, an oscillating G loss while D spots nearly every fake.
 * - `stable`: losses in their stable bands, no failure signal (and diverse samples, when measured).
 * - `undetermined`: too few iterations, or evidence that fits none of these.
 *
 * Loss bands assume BCE losses; for other losses override them in `thresholds`.
 *
 * @example
 * ```ts
 * const { verdict, findings } = diagnose(history);
 * for (const f of findings) console.log(f.severity, f.message);
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty history, a history that is
 * not a History or an array of records, records without a finite iteration or
 * with non-number losses in the window, a bad window, unknown or mistyped
 * thresholds; `INVALID_RANGE` for shares outside [0, 1], oscillation periods
 * outside [1, 1000], negative measured values; `NON_FINITE_INPUT` for a NaN or
 * infinite measured value passed in options. NaN losses inside the records are
 * not an error: they are the `non-finite-loss` finding.
 */
export function diagnose(history: History | IterationRecord[], options?: DiagnoseOptions | null): Diagnosis {
  const records: unknown = history instanceof History ? history.records : history;
  if (!Array.isArray(records)) {
    throw new GanHacksError('INVALID_ARGUMENT', `diagnose: pass a History (trainer.fit's result) or an array of iteration records, got ${history === null ? 'null' : typeof history === 'object' ? 'an object' : show(history)}.`);
  }
  if (records.length === 0) {
    throw new GanHacksError('INVALID_ARGUMENT', 'diagnose: the history is empty; train for some iterations first.');
  }
  const o = optionsObject('diagnose', options);
  const bands = checkLoss(o.loss);
  const thresholds = checkThresholds('diagnose: thresholds', o.thresholds);
  const t: DiagnosisThresholds = { ...DEFAULT_THRESHOLDS, ...bands, ...thresholds };
  const window = o.window ?? defaultWindow(records.length);
  if (!Number.isInteger(window) || window < 1) {
    throw new GanHacksError('INVALID_ARGUMENT', `diagnose: window must be a positive integer, got ${show(window)}.`);
  }
  for (const key of ['diversity', 'nearestNeighborRatio', 'ndbRatio', 'ndbJsDivergence', 'recall'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number') throw new GanHacksError('INVALID_ARGUMENT', `diagnose: ${key} must be a number, got ${show(v)}.`);
    if (!Number.isFinite(v)) throw new GanHacksError('NON_FINITE_INPUT', `diagnose: ${key} is ${v}; pass a measured value or leave it out.`);
    if (v < 0) throw new GanHacksError('INVALID_RANGE', `diagnose: ${key} must be >= 0, got ${v}.`);
    if (key === 'recall' && v > 1) throw new GanHacksError('INVALID_RANGE', `diagnose: recall is a share and must lie in [0, 1], got ${v}.`);
  }
  checkRecords(records.slice(-window));
  const options_ = o;
  const w = (records as IterationRecord[]).slice(-window);
  const from = w[0].iteration;
  const to = w[w.length - 1].iteration;
  const col = (name: string): number[] => w.map((r) => (name in r ? r[name] : NaN));
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, 'fromIteration' | 'toIteration'> & Partial<Pick<Finding, 'fromIteration' | 'toIteration'>>): void => {
    findings.push({ fromIteration: from, toIteration: to, ...f });
  };
  const span = `iterations ${from}-${to}`;

  if (w.length < t.minIterations) {
    add({
      signal: 'too-few-iterations',
      severity: 'info',
      suggests: 'undetermined',
      curve: 'iteration',
      value: w.length,
      threshold: t.minIterations,
      message: `Only ${w.length} iterations to judge (${span}); at least ${t.minIterations} are needed.`,
    });
    return { verdict: 'undetermined', findings, window: { fromIteration: from, toIteration: to } };
  }

  const dReal = col('dLossReal');
  const dFake = col('dLossFake');
  const g = col('gLoss');
  const accReal = col('dAccReal');
  const accFake = col('dAccFake');
  const hasAccuracy = accReal.some(Number.isFinite) || accFake.some(Number.isFinite);

  const isBad = (r: IterationRecord): boolean => !Number.isFinite(r.dLossReal) || !Number.isFinite(r.dLossFake) || !Number.isFinite(r.gLoss);
  const firstBad = w.find(isBad);
  if (firstBad) {
    add({
      signal: 'non-finite-loss',
      severity: 'failure',
      suggests: 'convergence-failure',
      curve: !Number.isFinite(firstBad.gLoss) ? 'gLoss' : 'dLossReal',
      // The number of iterations with a non-finite loss (a finding's value is never NaN).
      value: w.filter(isBad).length,
      threshold: 0,
      fromIteration: firstBad.iteration,
      message: `A loss became NaN or infinite at iteration ${firstBad.iteration} (${w.filter(isBad).length} of ${w.length} iterations): training diverged.`,
    });
  }

  if (hasAccuracy) {
    const collapsed = w.filter((r) => r.dLossReal < t.collapsedLoss && r.dLossFake < t.collapsedLoss).length / w.length;
    if (collapsed >= t.collapsedShare) {
      add({
        signal: 'discriminator-loss-collapse',
        severity: 'failure',
        suggests: 'convergence-failure',
        curve: 'dLossReal,dLossFake',
        value: collapsed,
        threshold: t.collapsedShare,
        message: `D loss on real and fake stayed below ${t.collapsedLoss} in ${(collapsed * 100).toFixed(0)}% of ${span} (threshold ${(t.collapsedShare * 100).toFixed(0)}%): the discriminator has won and the generator learns nothing.`,
      });
    }
    const pinned = w.filter((r) => r.dAccReal >= t.perfectAccuracy && r.dAccFake >= t.perfectAccuracy).length / w.length;
    if (pinned >= t.pinnedShare) {
      add({
        signal: 'discriminator-accuracy-pinned',
        severity: 'failure',
        suggests: 'convergence-failure',
        curve: 'dAccReal,dAccFake',
        value: pinned,
        threshold: t.pinnedShare,
        message: `D accuracy on real and fake was at least ${(t.perfectAccuracy * 100).toFixed(0)}% in ${(pinned * 100).toFixed(0)}% of ${span} (threshold ${(t.pinnedShare * 100).toFixed(0)}%).`,
      });
    }
    const gt = trend(g);
    const tail = mean(g.slice(-Math.max(3, Math.floor(g.length / 10))));
    const slope100 = gt.slope * 100;
    if (slope100 > t.risingSlopePer100 && gt.correlation > t.risingCorrelation && tail > t.risingLevel) {
      const warmingUp = to < t.minIterationsForRisingLoss;
      const rose = `G loss rose by ${fmt(slope100)} per 100 iterations over ${span} (correlation ${fmt(gt.correlation)}), reaching ${fmt(tail)}`;
      add({
        signal: 'generator-loss-rising',
        severity: warmingUp ? 'warning' : 'failure',
        suggests: 'convergence-failure',
        curve: 'gLoss',
        value: slope100,
        threshold: t.risingSlopePer100,
        message: warmingUp
          ? `${rose}, but before iteration ${t.minIterationsForRisingLoss} a noisy start is common: judge again later.`
          : `${rose}: no equilibrium.`,
      });
    }
  } else {
    const tail = mean(g.slice(-Math.max(3, Math.floor(g.length / 10))).map(Math.abs));
    const gt = trend(g.map(Math.abs));
    if (tail > t.criticDivergenceLevel && gt.correlation > t.risingCorrelation) {
      add({
        signal: 'critic-divergence',
        severity: 'failure',
        suggests: 'convergence-failure',
        curve: 'gLoss',
        value: tail,
        threshold: t.criticDivergenceLevel,
        message: `|G loss| grew to ${fmt(tail)} over ${span} (threshold ${t.criticDivergenceLevel}, correlation with time ${fmt(gt.correlation)}): the critic diverges.`,
      });
    }
    const ratios = finite(w.map(lipschitzRatio));
    if (ratios.length >= t.minIterations) {
      const ratio = mean(ratios);
      if (ratio > t.criticLipschitzRatio) {
        add({
          signal: 'critic-not-lipschitz',
          severity: 'failure',
          suggests: 'convergence-failure',
          curve: 'dLossReal,dLossFake,realFakeDistance',
          value: ratio,
          threshold: t.criticLipschitzRatio,
          message: `The critic's scores on real and generated samples differ by ${fmt(ratio)} times the samples' distance on average over ${span} (a 1-Lipschitz critic stays below ${t.criticLipschitzRatio}): the gradient penalty no longer controls the critic, which diverges. Batch normalisation in the critic is the usual cause.`,
        });
      }
    }
  }

  // Mode collapse: direct evidence first.
  const diversity = options_.diversity ?? lastFinite(col('diversity'));
  const early = to < t.minIterationsForCollapse;
  if (Number.isFinite(diversity)) {
    if (diversity < t.lowDiversity && early) {
      add({
        signal: 'low-sample-diversity',
        severity: 'info',
        suggests: 'undetermined',
        curve: 'diversity',
        value: diversity,
        threshold: t.lowDiversity,
        message: `Generated samples are ${fmt(diversity)} times as far apart as real ones, but at iteration ${to} (before ${t.minIterationsForCollapse}) an untrained generator is expected to draw near-identical samples.`,
      });
    } else if (diversity < t.lowDiversity) {
      add({
        signal: 'low-sample-diversity',
        severity: 'failure',
        suggests: 'mode-collapse',
        curve: 'diversity',
        value: diversity,
        threshold: t.lowDiversity,
        message: `Generated samples are ${fmt(diversity)} times as far apart as real ones (threshold ${t.lowDiversity}): the generator covers few modes.`,
      });
    } else {
      add({
        signal: 'healthy-diversity',
        severity: 'healthy',
        suggests: 'stable',
        curve: 'diversity',
        value: diversity,
        threshold: t.lowDiversity,
        message: `Generated samples are ${fmt(diversity)} times as far apart as real ones (collapse below ${t.lowDiversity}).`,
      });
    }
  }
  const neighbors = options_.nearestNeighborRatio ?? lastFinite(col('nearestNeighborRatio'));
  if (Number.isFinite(neighbors) && neighbors < t.duplicateNeighbors) {
    add({
      signal: 'duplicate-samples',
      severity: early ? 'info' : 'failure',
      suggests: early ? 'undetermined' : 'mode-collapse',
      curve: 'nearestNeighborRatio',
      value: neighbors,
      threshold: t.duplicateNeighbors,
      message: early
        ? `Generated samples sit ${fmt(neighbors)} times as close to their nearest neighbours as real ones, but at iteration ${to} (before ${t.minIterationsForCollapse}) an untrained generator is expected to.`
        : `Generated samples sit ${fmt(neighbors)} times as close to their nearest neighbours as real ones (threshold ${t.duplicateNeighbors}): the generator repeats near-identical samples.`,
    });
  }
  const ndbRatio = options_.ndbRatio ?? lastFinite(col('ndbRatio'));
  if (Number.isFinite(ndbRatio) && ndbRatio > t.highNdbRatio && !early) {
    add({
      signal: 'high-ndb',
      severity: 'warning',
      suggests: 'mode-collapse',
      curve: 'ndbRatio',
      value: ndbRatio,
      threshold: t.highNdbRatio,
      message: `NDB/K is ${fmt(ndbRatio)} (threshold ${t.highNdbRatio}): generated samples fill the data's bins in different proportions (on small reference sets any imperfect generator scores high).`,
    });
  }
  const ndbJs = options_.ndbJsDivergence ?? lastFinite(col('ndbJsDivergence'));
  if (Number.isFinite(ndbJs) && ndbJs > t.highNdbJsDivergence && !early) {
    add({
      signal: 'ndb-bins-diverge',
      severity: 'failure',
      suggests: 'mode-collapse',
      curve: 'ndbJsDivergence',
      value: ndbJs,
      threshold: t.highNdbJsDivergence,
      message: `The JS divergence between the real and generated NDB bin histograms is ${fmt(ndbJs)} (threshold ${t.highNdbJsDivergence}): whole regions of the data are missing or over-produced.`,
    });
  }
  const recall = options_.recall ?? lastFinite(col('recall'));
  if (Number.isFinite(recall) && recall < t.lowRecall && !early) {
    add({
      signal: 'low-recall',
      severity: 'failure',
      suggests: 'mode-collapse',
      curve: 'recall',
      value: recall,
      threshold: t.lowRecall,
      message: `Recall is ${fmt(recall)} (threshold ${t.lowRecall}): almost no real sample lies within the generated samples' manifold, so the generator misses most of the data (compare at the sample size the threshold was set at: recall falls as n grows).`,
    });
  }
  const osc = dominantPeriod(g, t.oscillationPeriods[0], t.oscillationPeriods[1]);
  const fakeAcc = mean(accFake);
  if (osc && osc.autocorrelation > t.oscillationAutocorrelation) {
    add({
      signal: 'generator-loss-oscillation',
      severity: 'warning',
      suggests: 'mode-collapse',
      curve: 'gLoss',
      value: osc.period,
      threshold: t.oscillationAutocorrelation,
      message: `G loss oscillates with a period of ~${osc.period} iterations over ${span} (autocorrelation ${fmt(osc.autocorrelation)} > ${t.oscillationAutocorrelation}).`,
    });
    if (fakeAcc > t.highFakeAccuracy) {
      add({
        signal: 'fake-accuracy-high',
        severity: 'warning',
        suggests: 'mode-collapse',
        curve: 'dAccFake',
        value: fakeAcc,
        threshold: t.highFakeAccuracy,
        message: `D spots ${(fakeAcc * 100).toFixed(0)}% of fakes on average over ${span} (threshold ${(t.highFakeAccuracy * 100).toFixed(0)}%).`,
      });
    }
  }

  if (hasAccuracy) {
    const [dLo, dHi] = t.stableDiscriminatorLoss;
    const [gLo, gHi] = t.stableGeneratorLoss;
    const mr = mean(dReal);
    const mf = mean(dFake);
    const mg = mean(g);
    const measured = Number.isFinite(mr) && Number.isFinite(mf) && Number.isFinite(mg);
    const inBand = mr >= dLo && mr <= dHi && mf >= dLo && mf <= dHi && mg >= gLo && mg <= gHi;
    // All-NaN curves: the non-finite-loss finding says it; no band finding with NaN means.
    if (measured) {
      add({
        signal: inBand ? 'losses-in-stable-band' : 'losses-outside-stable-band',
        severity: inBand ? 'healthy' : 'info',
        suggests: inBand ? 'stable' : 'undetermined',
        curve: 'dLossReal,dLossFake,gLoss',
        value: mg,
        threshold: [gLo, gHi],
        message: `Mean losses over ${span}: D real ${fmt(mr)}, D fake ${fmt(mf)} (band ${fmt(dLo)} to ${fmt(dHi)}), G ${fmt(mg)} (band ${fmt(gLo)} to ${fmt(gHi)}).`,
      });
    }
  }

  const verdict = decide(findings);
  return { verdict, findings, window: { fromIteration: from, toIteration: to } };
}

const BAND_KEYS = ['stableDiscriminatorLoss', 'stableGeneratorLoss'] as const;
const SHARE_KEYS = ['collapsedShare', 'perfectAccuracy', 'pinnedShare', 'risingCorrelation', 'highFakeAccuracy', 'oscillationAutocorrelation'] as const;
/** The longest oscillation period searched: the search costs window × period. */
const MAX_OSCILLATION_PERIOD = 1000;

/** Checks overrides of {@link DiagnosisThresholds}: known names, finite numbers, ordered bands. */
function checkThresholds(name: string, value: unknown): Partial<DiagnosisThresholds> {
  const o = optionsObject(name, value as Partial<DiagnosisThresholds> | undefined);
  for (const [key, v] of Object.entries(o) as [string, unknown][]) {
    if (v === undefined) continue;
    if (!(key in DEFAULT_THRESHOLDS)) {
      throw new GanHacksError('INVALID_ARGUMENT', `${name}: unknown threshold ${JSON.stringify(key)}; the names are those of DEFAULT_THRESHOLDS.`);
    }
    if (key === 'oscillationPeriods' || (BAND_KEYS as readonly string[]).includes(key)) {
      if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number' && Number.isFinite(x)) || v[0] > v[1]) {
        throw new GanHacksError('INVALID_ARGUMENT', `${name}: ${key} must be [low, high], two finite numbers with low <= high, got ${Array.isArray(v) ? `[${v.map(show).join(', ')}]` : show(v)}.`);
      }
      if (key === 'oscillationPeriods' && (!v.every((x) => Number.isInteger(x) && x >= 1) || v[1] > MAX_OSCILLATION_PERIOD)) {
        throw new GanHacksError('INVALID_RANGE', `${name}: oscillationPeriods must be integers in [1, ${MAX_OSCILLATION_PERIOD}], got [${v.join(', ')}].`);
      }
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new GanHacksError('INVALID_ARGUMENT', `${name}: ${key} must be a finite number, got ${show(v)}.`);
    }
    if ((SHARE_KEYS as readonly string[]).includes(key) && (v < 0 || v > 1)) {
      throw new GanHacksError('INVALID_RANGE', `${name}: ${key} is a share and must lie in [0, 1], got ${v}.`);
    }
    if ((key === 'minIterations' || key === 'minIterationsForCollapse' || key === 'minIterationsForRisingLoss') && (!Number.isInteger(v) || v < 0)) {
      throw new GanHacksError('INVALID_RANGE', `${name}: ${key} must be a non-negative integer, got ${v}.`);
    }
  }
  return o;
}

/** The loss bands of `options.loss`, checked like thresholds. */
function checkLoss(loss: unknown): Partial<DiagnosisThresholds> {
  if (loss === undefined || loss === null) return {};
  if (typeof loss !== 'object') throw new GanHacksError('INVALID_ARGUMENT', `diagnose: loss must be a GanLoss (or { diagnosisBands }), got ${show(loss)}.`);
  return checkThresholds('diagnose: loss.diagnosisBands', (loss as { diagnosisBands?: unknown }).diagnosisBands);
}

/** Records of the window: objects with a finite iteration, and numbers (NaN allowed) in the loss and accuracy columns. */
function checkRecords(records: unknown[]): void {
  records.forEach((r, i) => {
    if (r === null || typeof r !== 'object') {
      throw new GanHacksError('INVALID_ARGUMENT', `diagnose: record ${i} of the window is ${show(r)}, not an iteration record.`);
    }
    const rec = r as Record<string, unknown>;
    if (typeof rec.iteration !== 'number' || !Number.isFinite(rec.iteration)) {
      throw new GanHacksError('INVALID_ARGUMENT', `diagnose: record ${i} of the window has iteration ${show(rec.iteration)}; every record needs a finite iteration number.`);
    }
    for (const key of ['dLossReal', 'dLossFake', 'gLoss', 'dAccReal', 'dAccFake']) {
      if (key in rec && typeof rec[key] !== 'number') {
        throw new GanHacksError('INVALID_ARGUMENT', `diagnose: ${key} of iteration ${rec.iteration} is ${show(rec[key])}, not a number (NaN is allowed: a diverged loss).`);
      }
    }
  });
}

function lastFinite(values: number[]): number {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
  return NaN;
}

function decide(findings: Finding[]): Verdict {
  const has = (s: Signal): boolean => findings.some((f) => f.signal === s);
  if (findings.some((f) => f.severity === 'failure' && f.suggests === 'convergence-failure')) return 'convergence-failure';
  if (findings.some((f) => f.severity === 'failure' && f.suggests === 'mode-collapse')) return 'mode-collapse';
  // Indirect evidence needs both halves of the source's description.
  if (has('generator-loss-oscillation') && has('fake-accuracy-high') && !has('healthy-diversity')) return 'mode-collapse';
  if (findings.some((f) => (f.signal === 'low-sample-diversity' || f.signal === 'duplicate-samples') && f.severity === 'info')) return 'undetermined';
  if (has('losses-in-stable-band') || (has('healthy-diversity') && !has('losses-outside-stable-band'))) return 'stable';
  return 'undetermined';
}
