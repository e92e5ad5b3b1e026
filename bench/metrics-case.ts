/**
 * Writes the shared inputs of the feature-metric check to test/fixtures/metrics-case.json:
 * random float32 feature matrices (little-endian float32, base64), class probabilities, and
 * the subsets gan-hacks' kernelDistance draws for each KID case (so that
 * bench/metrics_reference.py scores the same subsets). Then
 *
 *     npx tsx bench/metrics-case.ts && python3 bench/metrics_reference.py
 *
 * writes test/fixtures/metrics-golden.json, which test/metrics/featureMetrics.test.ts compares
 * against. Deterministic: rerunning it rewrites the same file.
 */
import { writeFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { kernelDistanceSubsets } from '../src/metrics/kernelDistance.js';

type Rng = () => number;

/** A stored matrix: rows n, columns d, row-major float32 little endian in base64. */
interface Stored {
  n: number;
  d: number;
  f32: string;
}

function store(values: Float32Array, n: number, d: number): Stored {
  return { n, d, f32: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') };
}

function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A random Gaussian: mean μ (each coordinate N(0, shift²)) and a d × latent mixing A. */
interface Gaussian {
  mu: number[];
  a: number[];
  d: number;
  latent: number;
}

function randomGaussian(rng: Rng, d: number, latent: number, shift: number, spread: number): Gaussian {
  const a = Array.from({ length: d * latent }, () => (gaussian(rng) * spread) / Math.sqrt(latent));
  const mu = Array.from({ length: d }, () => gaussian(rng) * shift);
  return { mu, a, d, latent };
}

/** n samples of μ + offset + scale · A z, z standard normal in `latent` dimensions. */
function sample(rng: Rng, g: Gaussian, n: number, scale = 1, offset = 0): Float32Array {
  const { mu, a, d, latent } = g;
  const out = new Float32Array(n * d);
  const z = new Float64Array(latent);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < latent; t++) z[t] = gaussian(rng);
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let t = 0; t < latent; t++) v += a[j * latent + t] * z[t];
      out[i * d + j] = mu[j] + offset + scale * v;
    }
  }
  return out;
}

/** n samples of a fresh random Gaussian. */
function correlated(rng: Rng, n: number, d: number, latent: number, shift: number, spread: number): Float32Array {
  return sample(rng, randomGaussian(rng, d, latent, shift, spread), n);
}

/** Values k / 4 for k in [-8, 8]: squared distances are exact in float32, and ties are frequent. */
function grid(rng: Rng, n: number, d: number, bias: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < out.length; i++) {
    const k = Math.max(-8, Math.min(8, Math.round(gaussian(rng) * 3 + bias)));
    out[i] = k / 4;
  }
  // Every block of rows holds a ±2, so the scale pairwiseSquaredDistances divides by is 2 (exact).
  for (let i = 0; i < n; i += 64) out[i * d] = 2;
  return out;
}

/** Softmax rows of random logits with a per-row sharpness; every 50th row exactly one-hot (zeros). */
function probabilities(rng: Rng, n: number, classes: number): Float32Array {
  const out = new Float32Array(n * classes);
  const preferred = Array.from({ length: classes }, () => rng());
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) {
      out[i * classes + (i % classes)] = 1;
      continue;
    }
    const sharp = 0.2 + 4 * rng();
    const logits = Array.from({ length: classes }, (_, c) => sharp * (gaussian(rng) + 2 * preferred[c]));
    const max = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - max));
    const s = e.reduce((x, y) => x + y, 0);
    e.forEach((v, c) => (out[i * classes + c] = v / s));
  }
  return out;
}

const rng = seedrandom.alea('gan-hacks feature metrics');
const features: Record<string, { real: Stored; fake: Stored; columns?: number[] }> = {};
function pair(name: string, real: Float32Array, fake: Float32Array, nR: number, nF: number, d: number, columns?: number[]): void {
  features[name] = { real: store(real, nR, d), fake: store(fake, nF, d), ...(columns ? { columns } : {}) };
}

pair('d16', correlated(rng, 2000, 16, 16, 0.5, 1), correlated(rng, 1500, 16, 16, 0.5, 1.2), 2000, 1500, 16);
pair('d64', correlated(rng, 500, 64, 64, 0.3, 1), correlated(rng, 600, 64, 64, 0.3, 0.9), 500, 600, 64);
// Rank 24 in 64 columns: each stored column is repeated (the map picks columns of the stored 24).
const columns = Array.from({ length: 64 }, (_, j) => (j < 24 ? j : Math.floor(rng() * 24)));
pair('d64dup', correlated(rng, 800, 24, 24, 0.5, 1), correlated(rng, 700, 24, 24, 0.5, 1.1), 800, 700, 24, columns);
// Fewer samples than features: rank ≤ n − 1.
pair('d64few', correlated(rng, 40, 64, 64, 0.5, 1), correlated(rng, 50, 64, 64, 0.5, 1), 40, 50, 64);
// Nearly the same distribution (fake 10% wider, shifted by 0.05): small FID and KID, mid-range
// precision and recall; 1,200 and 1,100 samples span two 1,024-row blocks.
const near = randomGaussian(rng, 16, 16, 0.5, 1);
pair('d16near', sample(rng, near, 1200), sample(rng, near, 1100, 1.1, 0.05), 1200, 1100, 16);
pair('grid8', grid(rng, 700, 8, 0), grid(rng, 900, 8, 0.7), 700, 900, 8);

const kid = [
  { name: 'd64, 10 subsets of 200, seed 1', features: 'd64', degree: 3, coef: 1, subsets: 10, subsetSize: 200, seed: 1 },
  { name: 'd64, subsetSize 1000 clamped to 500, seed 2', features: 'd64', degree: 3, coef: 1, subsets: 4, subsetSize: 1000, seed: 2 },
  { name: 'd16, degree 2, gamma 0.1, coef 0.5', features: 'd16', degree: 2, gamma: 0.1, coef: 0.5, subsets: 5, subsetSize: 300, seed: 3 },
  { name: 'd16near, 4 subsets of 1000', features: 'd16near', degree: 3, coef: 1, subsets: 4, subsetSize: 1000, seed: 5 },
  { name: 'd64dup, defaults but 3 subsets', features: 'd64dup', degree: 3, coef: 1, subsets: 3, subsetSize: 700, seed: 4 },
].map((c) => {
  const f = features[c.features];
  const m = Math.min(c.subsetSize, f.real.n, f.fake.n);
  const drawn = kernelDistanceSubsets(f.real.n, f.fake.n, c.subsets, m, c.seed);
  return { ...c, m, real: drawn.real.map((r) => Array.from(r)), fake: drawn.fake.map((r) => Array.from(r)) };
});

const probabilitySets = {
  p1003x10: store(probabilities(rng, 1003, 10), 1003, 10),
  p300x50: store(probabilities(rng, 300, 50), 300, 50),
};
const score = [
  { name: '1003 x 10, 10 splits', probabilities: 'p1003x10', splits: 10 },
  { name: '1003 x 10, 7 splits', probabilities: 'p1003x10', splits: 7 },
  { name: '300 x 50, 1 split', probabilities: 'p300x50', splits: 1 },
];

const prdc = [
  { name: 'grid8 k 3', features: 'grid8', k: 3 },
  { name: 'grid8 k 5', features: 'grid8', k: 5 },
  { name: 'grid8 k 1', features: 'grid8', k: 1 },
  { name: 'd16 k 3', features: 'd16', k: 3 },
  { name: 'd16near k 3', features: 'd16near', k: 3 },
  { name: 'd16near k 5', features: 'd16near', k: 5 },
  { name: 'd64 k 3', features: 'd64', k: 3 },
  { name: 'd64 k 5', features: 'd64', k: 5 },
];

const fid = ['d16', 'd16near', 'd64', 'd64dup', 'd64few'];

const out = new URL('../test/fixtures/metrics-case.json', import.meta.url);
writeFileSync(
  out,
  `${JSON.stringify({
    about: 'Inputs of the feature-metric check, written by bench/metrics-case.ts; bench/metrics_reference.py scores them into metrics-golden.json.',
    features,
    probabilities: probabilitySets,
    fid,
    kid,
    score,
    prdc,
  })}\n`,
);
console.log(JSON.stringify({ written: out.pathname }));
