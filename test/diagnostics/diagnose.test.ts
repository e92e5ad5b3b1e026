import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_THRESHOLDS, EarlyStopping, FailureMonitor, HingeGAN, History, LSGAN, diagnose, type GanLoss, type IterationRecord, type TrainState } from '../../src/index.js';
import { recordRun, smallDigits } from './runs.js';
import { expectCode } from '../helpers.js';

describe('diagnose on histories recorded from real runs (CPU, 8x8 digits)', () => {
  let data: tf.Tensor4D;
  beforeAll(async () => {
    data = await smallDigits();
  });
  afterAll(() => data.dispose());

  it('a balanced setup is stable, with losses in band and diverse samples', async () => {
    const d = diagnose(await recordRun('healthy', data, 1000));
    expect(d.verdict).toBe('stable');
    expect(d.findings.map((f) => f.signal)).toEqual(expect.arrayContaining(['losses-in-stable-band', 'healthy-diversity']));
    expect(d.findings.some((f) => f.severity === 'failure')).toBe(false);
  });

  it('an over-strong D with aggressive Adam is a convergence failure, citing D loss and accuracy', async () => {
    const d = diagnose(await recordRun('broken', data, 200));
    expect(d.verdict).toBe('convergence-failure');
    const collapse = d.findings.find((f) => f.signal === 'discriminator-loss-collapse')!;
    expect(collapse.curve).toBe('dLossReal,dLossFake');
    expect(collapse.fromIteration).toBe(101);
    expect(collapse.toIteration).toBe(200);
    expect(collapse.message).toMatch(/below 0\.05 in \d+% of iterations 101-200/);
    expect(d.findings.map((f) => f.signal)).toContain('discriminator-accuracy-pinned');
  });

  it('a generator with a 1-d latent space collapses: low sample diversity', async () => {
    const d = diagnose(await recordRun('collapsed', data, 300));
    expect(d.verdict).toBe('mode-collapse');
    const f = d.findings.find((x) => x.signal === 'low-sample-diversity')!;
    expect(f.value).toBeLessThan(DEFAULT_THRESHOLDS.lowDiversity);
  });
});

/** The per-iteration log of the full-scale B1 run (seed 1, 450 iterations, WASM), as committed in docs/. */
function b1Seed1(): IterationRecord[] {
  return History.fromCSV(readFileSync(new URL('../fixtures/b1-seed-1-history.csv', import.meta.url), 'utf8')).records;
}

describe('diagnose on the full-scale B1 run (seed 1)', () => {
  it('its noisy start (G loss climbing to ~3.8 by iteration 60) is a warning, not a convergence failure', () => {
    const records = b1Seed1();
    const start = diagnose(records.slice(0, 60));
    expect(start.verdict).not.toBe('convergence-failure');
    const rising = start.findings.find((f) => f.signal === 'generator-loss-rising')!;
    expect(rising.severity).toBe('warning');
    expect(rising.message).toMatch(/before iteration 100 a noisy start is common/);
    // The same rise counts once the warm-up is over, and the whole run is stable.
    expect(diagnose(records.slice(0, 60), { thresholds: { minIterationsForRisingLoss: 50 } }).verdict).toBe('convergence-failure');
    expect(diagnose(records).verdict).toBe('stable');
  });

  it('reads a recall near 0 as mode collapse, from options or from a recall column, and not before iteration 100', () => {
    const records = b1Seed1();
    // Recall of the re-runs' seed-1 generators (docs/experiments/failure-modes/*/seed-1/features.json, ndb/summary.json): B1 0.06-0.11, B2 0.
    expect(diagnose(records, { recall: 0.06 }).verdict).toBe('stable');
    const collapsed = diagnose(records, { recall: 0 });
    expect(collapsed.verdict).toBe('mode-collapse');
    const failures = collapsed.findings.filter((f) => f.severity === 'failure');
    expect(failures.map((f) => f.signal)).toEqual(['low-recall']);
    expect(failures[0]).toMatchObject({ curve: 'recall', value: 0, threshold: DEFAULT_THRESHOLDS.lowRecall });
    // FeatureMetrics writes recall only every N iterations: the last measured value counts.
    const logged = records.map((r, i) => (i === records.length - 10 ? { ...r, recall: 0.005 } : r));
    expect(diagnose(logged).verdict).toBe('mode-collapse');
    expect(diagnose(logged, { thresholds: { lowRecall: 0.002 } }).verdict).toBe('stable');
    expect(diagnose(records.slice(0, 90), { recall: 0 }).findings.map((f) => f.signal)).not.toContain('low-recall');
    expectCode(() => diagnose(records, { recall: 1.5 }), 'INVALID_RANGE');
    expectCode(() => diagnose(records, { recall: NaN }), 'NON_FINITE_INPUT');
  });
});

/** A committed run's per-iteration log (test/fixtures, copied from docs/experiments). */
function fixture(name: string): IterationRecord[] {
  return History.fromCSV(readFileSync(new URL(`../fixtures/${name}-history.csv`, import.meta.url), 'utf8')).records;
}

describe('diagnose on the WGAN-GP runs of D (300 iterations, seed 1)', () => {
  it("reads the source's batch-normalised critic as one the penalty no longer controls, which the |G|-level rule missed", () => {
    const records = fixture('wgan-gp-batch-critic');
    const d = diagnose(records);
    expect(d.verdict).toBe('convergence-failure');
    const f = d.findings.find((x) => x.signal === 'critic-not-lipschitz')!;
    expect(f.value).toBeGreaterThan(3); // the figure: the gap sits at 3-10 times the distance from iteration ~35 on
    // |G| swings between ~80 and ~250 rather than climbing steadily, so the older rule stays silent.
    expect(d.findings.some((x) => x.signal === 'critic-divergence')).toBe(false);
    // The first 30 iterations, before the scores run away, stay under the bound.
    expect(diagnose(records.slice(0, 30)).findings.some((x) => x.signal === 'critic-not-lipschitz')).toBe(false);
  });

  it('leaves the layer-normalised critic of the same experiment under the bound (its gap peaks at ~1.0, mean 0.5)', () => {
    const d = diagnose(fixture('wgan-gp-layer-critic'));
    expect(d.findings.some((x) => x.signal === 'critic-not-lipschitz' || x.signal === 'critic-divergence')).toBe(false);
    expect(d.verdict).not.toBe('convergence-failure');
  });

  // The layer-normalised critic's 1,800-iteration run (columns diagnose reads, 6 significant digits): G's
  // loss swings between -20 and +19 with the critic terms mirroring it, a level drift, not a divergence.
  it('finds no critic failure in any 300-iteration window of the layer-normalised critic trained for 1,800 iterations', () => {
    const records = fixture('wgan-gp-layer-critic-long');
    expect(records).toHaveLength(1800);
    for (let end = 300; end <= 1800; end += 300) {
      const d = diagnose(records.slice(0, end));
      expect(d.findings.filter((f) => f.suggests === 'convergence-failure' && f.severity === 'failure').map((f) => f.signal)).toEqual([]);
    }
    // The bound is checked on these windows (realFakeDistance is logged from 421): at a tenth of the distance
    // (ratios 10 times as high, 1.1-2.6 on average) the last window fails it.
    const shrunk = records.map((r) => ({ ...r, realFakeDistance: r.realFakeDistance / 10 }));
    expect(diagnose(shrunk).findings.map((f) => f.signal)).toContain('critic-not-lipschitz');
  });

  it("calls its final generator mode collapse on the bins JS alone (it drops 0s, 2s and 8s), and stable with a bins JS under the threshold", () => {
    const records = fixture('wgan-gp-layer-critic-long');
    const measured = { diversity: 0.8635, nearestNeighborRatio: 0.7536, ndbRatio: 0.76 }; // its summary.json
    const d = diagnose(records, { ...measured, ndbJsDivergence: 0.2483 });
    expect(d.verdict).toBe('mode-collapse');
    expect(d.findings.filter((f) => f.severity === 'failure').map((f) => f.signal)).toEqual(['ndb-bins-diverge']);
    expect(diagnose(records, { ...measured, ndbJsDivergence: 0.1 }).verdict).toBe('stable');
  });
});

/** Synthetic records: f(i) gives the columns of iteration i. */
function curve(n: number, f: (i: number) => Partial<IterationRecord>): IterationRecord[] {
  return Array.from({ length: n }, (_, k) => ({ iteration: k + 1, epoch: 0, dLossReal: 0.7, dLossFake: 0.7, gLoss: 0.8, dAccReal: 0.6, dAccFake: 0.6, ...f(k + 1) }));
}
const noise = (i: number): number => Math.sin(i * 12.9898) * 0.05;

describe('diagnose signals', () => {
  it('reads a G loss oscillating with a ~25-iteration period while D spots every fake as mode collapse', () => {
    const d = diagnose(curve(200, (i) => ({ gLoss: 1.5 + Math.sin((2 * Math.PI * i) / 25) + noise(i), dAccFake: 0.97, dLossFake: 0.3 })));
    expect(d.verdict).toBe('mode-collapse');
    const osc = d.findings.find((f) => f.signal === 'generator-loss-oscillation')!;
    expect(osc.value).toBeGreaterThanOrEqual(24);
    expect(osc.value).toBeLessThanOrEqual(26);
  });

  it('reads a steadily rising G loss (B4) as convergence failure', () => {
    const d = diagnose(curve(300, (i) => ({ gLoss: 1 + i * 0.03 + noise(i), dLossReal: 0.2, dLossFake: 0.2, dAccReal: 0.9, dAccFake: 0.9 })));
    expect(d.verdict).toBe('convergence-failure');
    expect(d.findings.find((f) => f.signal === 'generator-loss-rising')!.message).toMatch(/rose by 3\.\d+ per 100 iterations/);
  });

  it('reports NaN losses, too few iterations, critic divergence, and honours threshold overrides', () => {
    expect(diagnose(curve(50, (i) => (i === 40 ? { gLoss: NaN } : {}))).verdict).toBe('convergence-failure');
    expect(diagnose(curve(10, () => ({}))).verdict).toBe('undetermined');
    const critic = curve(200, (i) => ({ dAccReal: NaN, dAccFake: NaN, gLoss: -i * 5 }));
    expect(diagnose(critic).findings[0].signal).toBe('critic-divergence');
    // A critic whose score gap exceeds the samples' distance breaks the 1-Lipschitz bound its penalty enforces.
    const gap = (ratio: number) => (i: number) => ({ dAccReal: NaN, dAccFake: NaN, dLossReal: -ratio * 25 + noise(i), dLossFake: 0, gLoss: 0, realFakeDistance: 25 });
    const steep = diagnose(curve(200, gap(4)));
    expect(steep.verdict).toBe('convergence-failure');
    expect(steep.findings.find((f) => f.signal === 'critic-not-lipschitz')!.value).toBeCloseTo(4, 1);
    expect(diagnose(curve(200, gap(0.4))).findings.some((f) => f.signal === 'critic-not-lipschitz')).toBe(false);
    expect(diagnose(curve(200, gap(4)), { thresholds: { criticLipschitzRatio: 5 } }).verdict).not.toBe('convergence-failure');
    const steady = curve(200, (i) => ({ gLoss: 0.8 + noise(i) }));
    expect(diagnose(steady).verdict).toBe('stable');
    expect(diagnose(steady, { thresholds: { stableGeneratorLoss: [2, 3] } }).verdict).toBe('undetermined');
    expect(diagnose(steady, { diversity: 0.5 }).verdict).toBe('mode-collapse');
    // Near-duplicates and diverging NDB bins are collapse; NDB/K alone (it saturates on small sets) is a warning.
    expect(diagnose(steady, { nearestNeighborRatio: 0.01 }).verdict).toBe('mode-collapse');
    expect(diagnose(steady, { ndbJsDivergence: 0.4 }).verdict).toBe('mode-collapse');
    const ndbOnly = diagnose(steady, { ndbRatio: 0.9 });
    expect(ndbOnly.verdict).toBe('stable');
    expect(ndbOnly.findings.find((f) => f.signal === 'high-ndb')!.severity).toBe('warning');
    // Before iteration 100 low diversity is an untrained generator, not a collapse.
    const early = curve(60, (i) => ({ gLoss: 0.8 + noise(i) }));
    const d = diagnose(early, { diversity: 0.05 });
    expect(d.verdict).toBe('undetermined');
    expect(d.findings.find((f) => f.signal === 'low-sample-diversity')!.severity).toBe('info');
    expectCode(() => diagnose([]), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { window: 0 }), 'INVALID_ARGUMENT');
  });

  it('validates the history and every option on entry; null options are the defaults', () => {
    const steady = curve(200, (i) => ({ gLoss: 0.8 + noise(i) }));
    expect(diagnose(steady, null).verdict).toBe(diagnose(steady).verdict);
    expectCode(() => diagnose(null as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose({} as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose('history' as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose([null] as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose([{ dLossReal: 1 }] as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose([{ ...steady[0], gLoss: '0.8' }] as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, 7 as never), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { window: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { window: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { diversity: NaN }), 'NON_FINITE_INPUT');
    expectCode(() => diagnose(steady, { ndbRatio: -1 }), 'INVALID_RANGE');
    expectCode(() => diagnose(steady, { nearestNeighborRatio: 'low' as never }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { thresholds: { collapsedLos: 0.1 } as never }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { thresholds: { collapsedLoss: NaN } }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { thresholds: { pinnedShare: 2 } }), 'INVALID_RANGE');
    expectCode(() => diagnose(steady, { thresholds: { stableGeneratorLoss: [3, 2] } }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { thresholds: { oscillationPeriods: [5, 1e9] } }), 'INVALID_RANGE');
    expectCode(() => diagnose(steady, { thresholds: 'strict' as never }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { loss: 5 as never }), 'INVALID_ARGUMENT');
    expectCode(() => diagnose(steady, { loss: { diagnosisBands: { collapsedLoss: Infinity } } as never }), 'INVALID_ARGUMENT');
    // A NaN loss is evidence, not bad input.
    const diverged = steady.map((r, i) => (i === 150 ? { ...r, gLoss: NaN } : r));
    const dd = diagnose(diverged);
    expect(dd.verdict).toBe('convergence-failure');
    expect(dd.findings.find((f) => f.signal === 'non-finite-loss')!.value).toBe(1); // iterations with a NaN loss
    expect(dd.findings.every((f) => Number.isFinite(f.value))).toBe(true);
  });
});

function fakeState(records: IterationRecord[], loss?: GanLoss): TrainState & { reason?: string } {
  const state = {
    loss,
    iteration: records.length,
    epoch: 0,
    targetIterations: 1000,
    iterationsPerEpoch: 100,
    history: new History(records),
    latentDim: 2,
    stopReason: undefined,
    reason: undefined as string | undefined,
    stop(reason: string) {
      state.reason = reason;
    },
  };
  return state as unknown as TrainState & { reason?: string };
}

describe('diagnose with a loss on another scale than BCE', () => {
  // An LSGAN run at its equilibrium (D outputs ~0.5: each half 0.5 * 0.5^2 = 0.125) with a moderately accurate D.
  const balanced = curve(200, (i) => ({ dLossReal: 0.125 + noise(i), dLossFake: 0.12 + noise(i), gLoss: 0.13 + noise(i) }));

  it("reads LSGAN's equilibrium as stable with the loss's bands, and as out of band with BCE's", () => {
    expect(diagnose(balanced).verdict).toBe('undetermined');
    const d = diagnose(balanced, { loss: new LSGAN() });
    expect(d.verdict).toBe('stable');
    expect(d.findings.find((f) => f.signal === 'losses-in-stable-band')!.threshold).toEqual([expect.closeTo(0.0336, 3), expect.closeTo(0.4515, 3)]); // G's band
    // A single threshold passed explicitly still wins over the loss's band.
    expect(diagnose(balanced, { loss: new LSGAN(), thresholds: { stableGeneratorLoss: [1, 2] } }).verdict).toBe('undetermined');
  });

  it("finds a won D and a rising G on LSGAN's scale, which BCE's thresholds miss", () => {
    // D right on (almost) every sample: squared errors ~0.0005, below LSGAN's 0.0012 but far above 0 for BCE's 0.05 test too.
    const won = curve(200, () => ({ dLossReal: 0.0005, dLossFake: 0.0005, dAccReal: 0.97, dAccFake: 0.97, gLoss: 0.3 }));
    expect(diagnose(won, { loss: new LSGAN() }).findings.map((f) => f.signal)).toContain('discriminator-loss-collapse');
    const notWon = curve(200, () => ({ dLossReal: 0.01, dLossFake: 0.01, dAccReal: 0.97, dAccFake: 0.97, gLoss: 0.3 }));
    expect(diagnose(notWon, { loss: new LSGAN() }).findings.map((f) => f.signal)).not.toContain('discriminator-loss-collapse');
    expect(diagnose(notWon).findings.map((f) => f.signal)).toContain('discriminator-loss-collapse'); // BCE's 0.05 misreads it
    // G's squared error climbing from 0.1 to 0.55 over 300 iterations: 0.15 per 100, too slow for BCE's 0.5.
    const rising = curve(300, (i) => ({ dLossReal: 0.05, dLossFake: 0.05, gLoss: 0.1 + (0.45 * i) / 300 + noise(i) / 10 }));
    expect(diagnose(rising, { loss: new LSGAN() }).verdict).toBe('convergence-failure');
    expect(diagnose(rising).findings.map((f) => f.signal)).not.toContain('generator-loss-rising');
  });

  it("reads a hinge run's negative G loss inside its band", () => {
    const hinge = curve(200, (i) => ({ dLossReal: 0.9 + noise(i), dLossFake: 0.8 + noise(i), gLoss: -0.4 + noise(i) }));
    expect(diagnose(hinge, { loss: new HingeGAN() }).verdict).toBe('stable');
    expect(diagnose(hinge).verdict).toBe('undetermined');
  });

  it("FailureMonitor and EarlyStopping read the run's loss from the train state", () => {
    const seen: string[] = [];
    const withLoss = new FailureMonitor({ every: 100, window: 100, onChange: (d) => seen.push(d.verdict) });
    withLoss.onIterationEnd(fakeState(balanced.slice(0, 100), new LSGAN()), balanced[99]);
    const without = new FailureMonitor({ every: 100, window: 100, onChange: (d) => seen.push(d.verdict) });
    without.onIterationEnd(fakeState(balanced.slice(0, 100)), balanced[99]);
    expect(seen).toEqual(['stable', 'undetermined']);
    const notWon = curve(300, () => ({ dLossReal: 0.01, dLossFake: 0.01, dAccReal: 0.97, dAccFake: 0.97, gLoss: 0.3 }));
    const stopsAt = (loss?: GanLoss): number => {
      const stopper = new EarlyStopping({ every: 25, window: 50, patience: 2 });
      for (let n = 1; n <= 300; n++) {
        const s = fakeState(notWon.slice(0, n), loss);
        stopper.onIterationEnd(s, notWon[n - 1]);
        if (s.reason) return n;
      }
      return 0;
    };
    expect(stopsAt()).toBe(125); // BCE's thresholds call losses of 0.01 a collapsed D
    expect(stopsAt(new LSGAN())).toBe(0);
  });
});

describe('FailureMonitor and EarlyStopping', () => {
  it('FailureMonitor reports each verdict change once, with its evidence', () => {
    const changes: string[] = [];
    const monitor = new FailureMonitor({ every: 50, window: 50, onChange: (d, prev, it) => changes.push(`${it}:${prev ?? 'start'}->${d.verdict}`) });
    const records = curve(300, (i) => (i > 150 ? { dLossReal: 0.001, dLossFake: 0.001, dAccReal: 1, dAccFake: 1, gLoss: 8 } : {}));
    for (let n = 1; n <= 300; n++) monitor.onIterationEnd(fakeState(records.slice(0, n)), records[n - 1]);
    expect(changes).toEqual(['50:start->stable', '200:stable->convergence-failure']);
    expect(monitor.timeline.map((t) => t.verdict)).toEqual(['stable', 'convergence-failure']);
  });

  it('FailureMonitor logs to the console by default', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const monitor = new FailureMonitor({ every: 20, window: 20 });
    const records = curve(20, () => ({}));
    monitor.onIterationEnd(fakeState(records), records[19]);
    expect(String(log.mock.calls[0][0])).toMatch(/iteration 20: start -> stable/);
    log.mockRestore();
  });

  it('EarlyStopping stops after `patience` consecutive failing checks, not before minIterations', () => {
    const stopper = new EarlyStopping({ every: 25, window: 50, patience: 2, minIterations: 100 });
    const records = curve(300, () => ({ dLossReal: 0.001, dLossFake: 0.001, dAccReal: 1, dAccFake: 1 }));
    let stoppedAt = 0;
    for (let n = 1; n <= 300 && !stoppedAt; n++) {
      const s = fakeState(records.slice(0, n));
      stopper.onIterationEnd(s, records[n - 1]);
      if (s.reason) stoppedAt = n;
    }
    expect(stoppedAt).toBe(125);
  });
});
