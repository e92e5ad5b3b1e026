/**
 * Writes epochs.csv (per-epoch means, the sources' log) next to each run's history.csv, for runs
 * recorded before the examples wrote it themselves. `npx tsx scripts/epoch-log.ts DIR...`
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { History } from 'gan-hacks';
import { epochsCsv } from '../examples/lib.js';
import { readHistory } from './rediagnose.js';

for (const dir of process.argv.slice(2)) {
  const h = await readHistory(dir);
  // history.csv stores a value measured once per epoch (diversity) as empty cells elsewhere: drop them.
  const records = h.records.map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !(k === 'diversity' || k === 'nearestNeighborRatio') || Number.isFinite(v))) as typeof r);
  await writeFile(join(dir, 'epochs.csv'), epochsCsv(new History(records)));
  console.log(`${dir}/epochs.csv`);
}
