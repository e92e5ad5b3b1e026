/**
 * Re-diagnoses committed runs from their history.csv with this version of diagnose(), keeping the
 * measures of the final generator stored in summary.json (diversity, nearest-neighbour ratio, NDB),
 * and rewrites each summary's diagnosis. Runs of a long queue may have started under an older
 * diagnose(); the loss's own bands are used where the summary names a loss (config.loss).
 * `npx tsx scripts/rediagnose.ts DIR...`
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HingeGAN, History, LSGAN, MinimaxGAN, WGANGP, diagnose, type Diagnosis, type GanLoss } from 'gan-hacks';

/** The parts of a run's summary.json that re-diagnosis reads. */
export interface StoredSummary {
  config?: { loss?: string };
  diversity: number | null;
  nearestNeighborRatio?: number | null;
  ndb: { ndbRatio: number; jsDivergence: number } | null;
  diagnosis: Diagnosis;
}

const LOSSES: Record<string, () => GanLoss> = {
  minimax: () => new MinimaxGAN(),
  lsgan: () => new LSGAN(),
  hinge: () => new HingeGAN(),
  'wgan-gp': () => new WGANGP({ warnOnBatchNorm: false }),
};

/** Reads history.csv of a run folder. */
export async function readHistory(dir: string): Promise<History> {
  return History.fromCSV(await readFile(join(dir, 'history.csv'), 'utf8'));
}

/** Re-diagnoses one run folder and rewrites its summary.json; returns the updated summary. */
export async function rediagnose<S extends StoredSummary>(dir: string, summary?: S): Promise<S> {
  const stored = summary ?? (JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as S);
  const lossName = stored.config?.loss;
  const diagnosis = diagnose(await readHistory(dir), {
    loss: lossName && LOSSES[lossName] ? LOSSES[lossName]() : undefined,
    diversity: stored.diversity ?? undefined,
    nearestNeighborRatio: stored.nearestNeighborRatio ?? undefined,
    ndbRatio: stored.ndb?.ndbRatio,
    ndbJsDivergence: stored.ndb?.jsDivergence,
  });
  const updated = { ...stored, diagnosis };
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const dir of process.argv.slice(2)) {
    const before = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as StoredSummary;
    const after = await rediagnose(dir, before);
    console.log(`${dir}: ${before.diagnosis.verdict} -> ${after.diagnosis.verdict}`);
  }
}
