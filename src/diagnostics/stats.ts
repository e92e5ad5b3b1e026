/** Small statistics over learning curves; NaN entries are skipped where noted. */

export function finite(values: number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

export function mean(values: number[]): number {
  const v = finite(values);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

export function std(values: number[]): number {
  const v = finite(values);
  if (v.length < 2) return NaN;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/** Least-squares slope of y against its index, and the Pearson correlation of the two. */
export function trend(y: number[]): { slope: number; correlation: number } {
  const pts = y.map((v, i) => [i, v] as const).filter(([, v]) => Number.isFinite(v));
  const n = pts.length;
  if (n < 3) return { slope: NaN, correlation: NaN };
  const mx = pts.reduce((a, [x]) => a + x, 0) / n;
  const my = pts.reduce((a, [, v]) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, v] of pts) {
    sxy += (x - mx) * (v - my);
    sxx += (x - mx) ** 2;
    syy += (v - my) ** 2;
  }
  return { slope: sxy / sxx, correlation: syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy) };
}

/** Share of finite values satisfying `test`. */
export function fraction(values: number[], test: (v: number) => boolean): number {
  const v = finite(values);
  return v.length ? v.filter(test).length / v.length : NaN;
}

/**
 * The dominant period of a curve: after removing its linear trend, the lag
 * (within [minLag, maxLag]) of the highest autocorrelation peak that follows
 * the first zero crossing, with that autocorrelation.
 */
export function dominantPeriod(y: number[], minLag: number, maxLag: number): { period: number; autocorrelation: number } | undefined {
  const v = finite(y);
  const n = v.length;
  if (n < 2 * minLag + 2) return undefined;
  const { slope } = trend(v);
  const m = mean(v);
  const mid = (n - 1) / 2;
  const r = v.map((x, i) => x - m - slope * (i - mid));
  const denom = r.reduce((a, b) => a + b * b, 0);
  if (denom === 0) return undefined;
  const acf = (lag: number): number => {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += r[i] * r[i + lag];
    return s / denom;
  };
  const top = Math.min(maxLag, Math.floor(n / 2));
  let crossed = false;
  let best: { period: number; autocorrelation: number } | undefined;
  for (let lag = 1; lag <= top; lag++) {
    const a = acf(lag);
    if (!crossed) {
      if (a < 0) crossed = true;
      continue;
    }
    if (lag < minLag) continue;
    if (a > acf(lag - 1) && a >= acf(lag + 1) && (!best || a > best.autocorrelation)) best = { period: lag, autocorrelation: a };
  }
  return best;
}

/**
 * A critic's score gap over the distance of the samples it scored, for one
 * logged iteration: |dLossReal + dLossFake| / realFakeDistance (NaN without
 * the distance). A 1-Lipschitz critic stays at or below 1.
 */
export function lipschitzRatio(record: { dLossReal: number; dLossFake: number; realFakeDistance?: number }): number {
  const d = record.realFakeDistance;
  return d !== undefined && Number.isFinite(d) && d > 0 ? Math.abs(record.dLossReal + record.dLossFake) / d : NaN;
}
