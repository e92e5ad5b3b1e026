/**
 * Writes epochs.csv (per-epoch means, the source articles' log) next to each run's history.csv, for runs
 * recorded before the examples wrote it themselves. `npx tsx scripts/epoch-log.ts DIR...`
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { epochsCsv } from '../examples/lib.js';
import { readHistory } from './rediagnose.js';

for (const dir of process.argv.slice(2)) {
  await writeFile(join(dir, 'epochs.csv'), epochsCsv(await readHistory(dir)));
  console.log(`${dir}/epochs.csv`);
}
