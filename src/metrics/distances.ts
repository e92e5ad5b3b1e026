import { GanHacksError } from '../errors/index.js';
import { LIMITS, assertAtMost, optionsObject, show } from '../internal/validate.js';

/** A discrete distribution: non-negative weights that sum to 1 (or will be normalised). */
export type Distribution = ArrayLike<number>;

/** An array or typed array of numbers (not a string, not a DataView). */
function checkArrayLike(name: string, p: unknown): asserts p is ArrayLike<number> {
  const ok = Array.isArray(p) || (ArrayBuffer.isView(p) && !(p instanceof DataView));
  if (!ok) throw new GanHacksError('INVALID_ARGUMENT', `${name} must be an array of numbers, got ${p === null ? 'null' : typeof p === 'object' ? 'an object' : show(p)}.`);
  assertAtMost(`${name}: length`, (p as ArrayLike<number>).length, LIMITS.samples);
}

function normalise(name: string, p: unknown): Float64Array {
  checkArrayLike(name, p);
  if (p.length === 0) throw new GanHacksError('INVALID_SHAPE', `${name} is empty; pass at least one weight.`);
  const out = new Float64Array(p.length);
  let max = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (typeof v !== 'number' && typeof v !== 'bigint') throw new GanHacksError('INVALID_ARGUMENT', `${name}[${i}] must be a number, got ${show(v)}.`);
    const x = Number(v);
    if (!Number.isFinite(x)) throw new GanHacksError('NON_FINITE_INPUT', `${name} must hold finite weights; entry ${i} is ${x}.`);
    if (x < 0) throw new GanHacksError('INVALID_RANGE', `${name} must hold non-negative weights; entry ${i} is ${x}.`);
    out[i] = x;
    if (x > max) max = x;
  }
  if (max === 0) throw new GanHacksError('INVALID_ARGUMENT', `${name} must have positive total mass (all ${p.length} weights are 0).`);
  // Scale by the largest weight first, so that a sum of huge weights cannot overflow.
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] /= max;
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

function pair(fn: string, p: Distribution, q: Distribution): [Float64Array, Float64Array] {
  const a = normalise(`${fn}: p`, p);
  const b = normalise(`${fn}: q`, q);
  if (a.length !== b.length) {
    throw new GanHacksError('INVALID_SHAPE', `${fn}: p and q must have the same length (one weight per bin), got ${a.length} and ${b.length}.`);
  }
  return [a, b];
}

/**
 * Total variation distance sup_A |P(A) − Q(A)| = ½ Σ |p − q|, in [0, 1].
 * Weights are normalised to sum to 1.
 *
 * @example
 * ```ts
 * totalVariation([1, 0], [0, 1]); // 1
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-array, a non-number entry or zero
 * total mass; `INVALID_SHAPE` for empty or unequal lengths; `INVALID_RANGE` for a
 * negative weight; `NON_FINITE_INPUT` for NaN or infinite weights.
 */
export function totalVariation(p: Distribution, q: Distribution): number {
  const [a, b] = pair('totalVariation', p, q);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / 2;
}

function kl(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 0) continue;
    if (b[i] === 0) return Infinity;
    s += a[i] * Math.log(a[i] / b[i]);
  }
  return Math.max(0, s);
}

/**
 * Kullback-Leibler divergence KL(P‖Q) = Σ p log(p / q), natural log. It is
 * `+Infinity` (by definition, not an error) where Q has no mass under P's
 * support; never NaN.
 *
 * @example
 * ```ts
 * klDivergence([0.5, 0.5], [0.9, 0.1]); // 0.511
 * klDivergence([1, 0], [0, 1]);         // Infinity
 * ```
 * @throws GanHacksError as {@link totalVariation}.
 */
export function klDivergence(p: Distribution, q: Distribution): number {
  const [a, b] = pair('klDivergence', p, q);
  return kl(a, b);
}

/**
 * Jensen-Shannon divergence ½KL(P‖M) + ½KL(Q‖M) with M = (P + Q) / 2, natural
 * log, in [0, log 2].
 *
 * @example
 * ```ts
 * jsDivergence([1, 0], [0, 1]); // Math.LN2
 * ```
 * @throws GanHacksError as {@link totalVariation}.
 */
export function jsDivergence(p: Distribution, q: Distribution): number {
  const [a, b] = pair('jsDivergence', p, q);
  const m = a.map((v, i) => (v + b[i]) / 2);
  return Math.min(Math.LN2, (kl(a, m) + kl(b, m)) / 2);
}

/** Options of {@link earthMoverDistance}. */
export interface EarthMoverOptions {
  /** Positions of p's weights on the real line. @defaultValue 0, 1, 2, ... */
  xp?: ArrayLike<number>;
  /** Positions of q's weights. @defaultValue 0, 1, 2, ... */
  xq?: ArrayLike<number>;
}

/**
 * Earth mover's (Wasserstein-1) distance between two distributions on the
 * real line: weights `p` on `xp` and `q` on `xq` (positions default to the
 * indices 0, 1, 2, ...). Computed as ∫|F_P − F_Q|. p and q may differ in length.
 *
 * @example
 * ```ts
 * earthMoverDistance([1], [1], { xp: [0], xq: [3] }); // 3: the parallel-lines example, θ = 3
 * ```
 * @throws GanHacksError as {@link totalVariation}, plus `INVALID_SHAPE` for positions
 * that do not give one entry per weight, `NON_FINITE_INPUT` for non-finite positions
 * and `INVALID_RANGE` for positions so far apart that the distance overflows.
 */
export function earthMoverDistance(p: Distribution, q: Distribution, positions?: EarthMoverOptions | null): number {
  const o = optionsObject('earthMoverDistance', positions);
  const a = normalise('earthMoverDistance: p', p);
  const b = normalise('earthMoverDistance: q', q);
  if (o.xp !== undefined) checkArrayLike('earthMoverDistance: xp', o.xp);
  if (o.xq !== undefined) checkArrayLike('earthMoverDistance: xq', o.xq);
  const xp = o.xp ?? Array.from(a, (_, i) => i);
  const xq = o.xq ?? Array.from(b, (_, i) => i);
  if (xp.length !== a.length || xq.length !== b.length) {
    throw new GanHacksError('INVALID_SHAPE', `earthMoverDistance: positions must have one entry per weight (p: ${a.length} weights, ${xp.length} positions; q: ${b.length} weights, ${xq.length} positions).`);
  }
  const events: [number, number][] = [];
  for (let i = 0; i < a.length; i++) events.push([xp[i], a[i]]);
  for (let i = 0; i < b.length; i++) events.push([xq[i], -b[i]]);
  for (const [x] of events) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new GanHacksError('NON_FINITE_INPUT', `earthMoverDistance: positions must be finite numbers, got ${show(x)}.`);
  }
  events.sort((u, v) => u[0] - v[0]);
  let cdf = 0;
  let total = 0;
  for (let i = 0; i < events.length - 1; i++) {
    cdf += events[i][1];
    total += Math.abs(cdf) * (events[i + 1][0] - events[i][0]);
  }
  if (!Number.isFinite(total)) {
    throw new GanHacksError('INVALID_RANGE', 'earthMoverDistance: the positions are so far apart that the distance overflows; rescale them.');
  }
  return total;
}
