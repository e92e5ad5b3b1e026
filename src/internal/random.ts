import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** Saved internal state of a seeded random stream (alea), as stored in checkpoints. */
export type RngState = Record<string, number>;

/** A seeded random source whose position can be saved and restored (alea). */
export interface StatefulRng {
  next: Rng;
  state(): RngState;
  restore(state: RngState): void;
}

/**
 * Creates a random source: seeded (reproducible, alea) when a seed is given,
 * otherwise Math.random.
 */
export function createRng(seed?: number | string): Rng {
  if (seed === undefined) return Math.random;
  return seedrandom.alea(String(seed));
}

/** A random source whose state can be checkpointed; unseeded sources get a random seed. */
export function createStatefulRng(seed?: number | string): StatefulRng {
  let prng = seedrandom.alea(String(seed ?? Math.random()), { state: true });
  return {
    next: () => prng(),
    state: () => prng.state() as unknown as RngState,
    restore: (state) => {
      prng = seedrandom.alea('', { state: state as unknown as seedrandom.State.Alea });
    },
  };
}

/** Draws an integer seed for a tfjs random op from a random source. */
export function nextSeed(rng: Rng): number {
  return Math.floor(rng() * 2 ** 31);
}

/** Partial Fisher-Yates: `count` distinct indices of [0, n). */
export function sampleDistinct(n: number, count: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, count);
}
