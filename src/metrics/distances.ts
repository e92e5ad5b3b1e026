import { GanHacksError } from '../errors/index.js';

/** A discrete distribution: non-negative weights that sum to 1 (or will be normalised). */
export type Distribution = ArrayLike<number>;

function normalise(name: string, p: Distribution): Float64Array {
  const out = new Float64Array(p.length);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!Number.isFinite(v) || v < 0) {
      throw new GanHacksError('NON_FINITE_INPUT', `${name} must hold finite, non-negative probabilities; entry ${i} is ${v}.`);
    }
    out[i] = v;
    sum += v;
  }
  if (sum <= 0) throw new GanHacksError('INVALID_ARGUMENT', `${name} must have positive total mass.`);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

function pair(fn: string, p: Distribution, q: Distribution): [Float64Array, Float64Array] {
  if (p.length !== q.length || p.length === 0) {
    throw new GanHacksError('INVALID_SHAPE', `${fn}: p and q must be non-empty and of the same length, got ${p.length} and ${q.length}.`);
  }
  return [normalise(`${fn}: p`, p), normalise(`${fn}: q`, q)];
}

/**
 * Total variation distance sup_A |P(A) − Q(A)| = ½ Σ |p − q|, in [0, 1].
 *
 * @example
 * ```ts
 * totalVariation([1, 0], [0, 1]); // 1
 * ```
 */
export function totalVariation(p: Distribution, q: Distribution): number {
  const [a, b] = pair('totalVariation', p, q);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / 2;
}

/**
 * Kullback-Leibler divergence KL(P‖Q) = Σ p log(p / q), natural log; +Infinity
 * where Q has no mass under P's support.
 *
 * @example
 * ```ts
 * klDivergence([1, 0], [0, 1]); // Infinity
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): number {
  const [a, b] = pair('klDivergence', p, q);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    if (b[i] === 0) return Infinity;
    s += a[i] * Math.log(a[i] / b[i]);
  }
  return s;
}

/**
 * Jensen-Shannon divergence ½KL(P‖M) + ½KL(Q‖M) with M = (P + Q) / 2, natural
 * log, in [0, log 2].
 *
 * @example
 * ```ts
 * jsDivergence([1, 0], [0, 1]); // Math.LN2
 * ```
 */
export function jsDivergence(p: Distribution, q: Distribution): number {
  const [a, b] = pair('jsDivergence', p, q);
  const m = a.map((v, i) => (v + b[i]) / 2);
  return (klDivergence(a, m) + klDivergence(b, m)) / 2;
}

/**
 * Earth mover's (Wasserstein-1) distance between two distributions on the
 * real line: weights `p` on `xp` and `q` on `xq` (positions default to the
 * indices 0, 1, 2, ...). Computed as ∫|F_P − F_Q|.
 *
 * @example
 * ```ts
 * earthMoverDistance([1], [1], { xp: [0], xq: [3] }); // 3: the parallel-lines example, θ = 3
 * ```
 */
export function earthMoverDistance(p: Distribution, q: Distribution, positions: { xp?: ArrayLike<number>; xq?: ArrayLike<number> } = {}): number {
  const a = normalise('earthMoverDistance: p', p);
  const b = normalise('earthMoverDistance: q', q);
  const xp = positions.xp ?? Array.from(a, (_, i) => i);
  const xq = positions.xq ?? Array.from(b, (_, i) => i);
  if (xp.length !== a.length || xq.length !== b.length) {
    throw new GanHacksError('INVALID_SHAPE', 'earthMoverDistance: positions must have one entry per weight.');
  }
  const events: [number, number][] = [];
  for (let i = 0; i < a.length; i++) events.push([xp[i], a[i]]);
  for (let i = 0; i < b.length; i++) events.push([xq[i], -b[i]]);
  for (const [x] of events) if (!Number.isFinite(x)) throw new GanHacksError('NON_FINITE_INPUT', 'earthMoverDistance: positions must be finite.');
  events.sort((u, v) => u[0] - v[0]);
  let cdf = 0;
  let total = 0;
  for (let i = 0; i < events.length - 1; i++) {
    cdf += events[i][1];
    total += Math.abs(cdf) * (events[i + 1][0] - events[i][0]);
  }
  return total;
}
