/**
 * Measures D's early win in committed B runs, the numbers docs/experiments/README.md quotes for B1 and B3:
 * the iterations within the first 200 where both D losses are below 0.1 (count, first, last), G's peak
 * loss over that span, and the first iteration from the peak on where G's loss is back below 2 (the
 * breakout; "none" when the win never ends). `npx tsx scripts/early-phase.ts [ROW...]` (default b1 b3).
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readHistory } from './rediagnose.js';

const WINDOW = 200;
const LOW = 0.1;
const BROKEN_OUT = 2;

const rows = process.argv.slice(2);
for (const row of rows.length > 0 ? rows : ['b1', 'b3']) {
  const base = join('docs/experiments/failure-modes', row);
  // A seed folder without history.csv is a run still under way.
  const seeds = (await readdir(base)).filter((d) => d.startsWith('seed-') && existsSync(join(base, d, 'history.csv'))).sort();
  for (const seed of seeds) {
    const records = (await readHistory(join(base, seed))).records;
    const early = records.filter((r) => r.iteration <= WINDOW);
    const low = early.filter((r) => r.dLossReal < LOW && r.dLossFake < LOW).map((r) => r.iteration);
    const peak = early.reduce((best, r, i) => (r.gLoss > early[best].gLoss ? i : best), 0);
    const breakout = records.slice(peak).find((r) => r.gLoss < BROKEN_OUT)?.iteration ?? 'none';
    const span = low.length > 0 ? `${low.length} (${low[0]}-${low[low.length - 1]})` : '0';
    console.log(`${row} ${seed}: both D losses < ${LOW} in ${span}; G peak ${early[peak].gLoss.toFixed(2)} at ${early[peak].iteration}; breakout ${breakout}`);
  }
}
