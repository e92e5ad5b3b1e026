import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_THRESHOLDS, EarlyStopping, FailureMonitor, History, diagnose, type IterationRecord, type TrainState } from '../../src/index.js';
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
  const [header, ...lines] = readFileSync(new URL('../fixtures/b1-seed-1-history.csv', import.meta.url), 'utf8').trim().split('\n');
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i], v === '' ? NaN : Number(v)])) as IterationRecord);
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
});

function fakeState(records: IterationRecord[]): TrainState & { reason?: string } {
  const state = {
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
