/**
 * What the scripts that write the experiment pages' tables share: reading a row's runs (seed-<n> folders
 * with summary.json and, once scored, features.json) and filling a page between its markers.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rediagnose, type StoredSummary } from './rediagnose.js';

/** A run's summary.json, re-diagnosed with this version of diagnose(). */
export interface RunSummary extends StoredSummary {
  seed: number;
  secondsPerIteration: number;
  backend?: { threads?: number };
  last100: Record<string, number | null>;
}

/** One row of a features.json (scripts/feature-table.ts): the scores of n generated samples. */
export interface FeatureRow {
  n: number;
  fid: number;
  kid: { mean: number; std: number };
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

/** A run's features.json. */
export interface RunFeatures {
  seed: number;
  rerun?: { verdict?: string };
  rows: FeatureRow[];
}

/** The n every run is compared at: close to the 944 real eights, since recall falls as n grows. */
export const FEATURE_N = 1000;

/** The scores of a run at n = {@link FEATURE_N}. */
export const atN = (f: RunFeatures, n = FEATURE_N): FeatureRow | undefined => f.rows.find((r) => r.n === n);

async function seedFolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((d) => d.startsWith('seed-'));
  } catch {
    return [];
  }
}

/** The finished runs (seed-<n>/summary.json) under `dir`, re-diagnosed, by seed. */
export async function runSummaries(dir: string): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  for (const s of await seedFolders(dir)) {
    let summary: RunSummary;
    try {
      summary = JSON.parse(await readFile(join(dir, s, 'summary.json'), 'utf8'));
    } catch {
      continue; // a run still in progress
    }
    out.push(await rediagnose(join(dir, s), summary));
  }
  return out.sort((a, b) => a.seed - b.seed);
}

/** The scored runs (seed-<n>/features.json) under `dir`, by seed. */
export async function runFeatures(dir: string): Promise<RunFeatures[]> {
  const out: RunFeatures[] = [];
  for (const s of await seedFolders(dir)) {
    try {
      const f = JSON.parse(await readFile(join(dir, s, 'features.json'), 'utf8')) as Omit<RunFeatures, 'seed'>;
      out.push({ ...f, seed: Number(s.slice('seed-'.length)) });
    } catch {
      continue; // no generator scored for this seed yet
    }
  }
  return out.sort((a, b) => a.seed - b.seed);
}

export const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Replaces what lies between `<!-- marker:start -->` and `<!-- marker:end -->` in `file`. */
export async function fill(file: string, marker: string, content: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  if (!text.includes(start) || !text.includes(end)) throw new Error(`${file} lacks the ${start} ... ${end} markers`);
  await writeFile(file, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${content}\n${end}`));
}
