/**
 * Summarises a WGAN-GP run window by window, the numbers docs/experiments/wgan-gp.md quotes: G's loss
 * range and mean |G|, the critic terms, the mean Lipschitz ratio (score gap over real-fake distance; a
 * 1-Lipschitz critic stays at or below 1) and its peak, and the DiversityProbe's readings. Reads a run
 * folder's history.csv, or a checkpoint folder's trainer.json while a run is still going.
 * `npx tsx scripts/wgan-windows.ts DIR [WINDOW]` (WINDOW defaults to 300 iterations).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { History, type HistoryJSON } from 'gan-hacks';
import { lipschitzRatio, mean } from '../src/diagnostics/stats.js';
import { readHistory } from './rediagnose.js';

const [dir, windowArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: npx tsx scripts/wgan-windows.ts DIR [WINDOW]');
const size = Number(windowArg ?? 300);

const history = existsSync(join(dir, 'history.csv'))
  ? await readHistory(dir)
  : History.fromJSON((JSON.parse(await readFile(join(dir, 'trainer.json'), 'utf8')) as { state: { history: HistoryJSON } }).state.history);

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const records = history.records;
for (let start = 0; start < records.length; start += size) {
  const w = records.slice(start, start + size);
  const g = w.map((r) => r.gLoss);
  const ratios = w.map(lipschitzRatio).filter(Number.isFinite);
  const probes = w.filter((r) => r.diversity !== undefined && r.diversity !== null);
  console.log(
    [
      `${w[0].iteration}-${w[w.length - 1].iteration}:`,
      `G ${fmt(Math.min(...g))}..${fmt(Math.max(...g))}, mean |G| ${fmt(mean(g.map(Math.abs)))};`,
      `real ${fmt(mean(w.map((r) => r.dLossReal)))}, fake ${fmt(mean(w.map((r) => r.dLossFake)))};`,
      ratios.length > 0 ? `ratio mean ${fmt(mean(ratios), 2)}, peak ${fmt(Math.max(...ratios), 2)};` : 'ratio -;',
      probes.length > 0
        ? `diversity ${probes.map((r) => fmt(Number(r.diversity), 2)).join(' ')}; nn ${probes.map((r) => fmt(Number(r.nearestNeighborRatio), 2)).join(' ')}`
        : '',
    ].join(' '),
  );
}
