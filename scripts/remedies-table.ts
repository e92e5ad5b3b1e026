/**
 * Builds the remedies matrix of docs/experiments/remedies.md from the committed runs: for each failing
 * configuration (docs/experiments/failure-modes/<row>/seed-<n>, no remedy) and each remedy tried on it
 * (docs/experiments/remedies/<row>/<remedy>/seed-<n>, `bash scripts/experiment-queue.sh remedies 1 2 3`),
 * the verdicts over the seeds, the mean diversity, nearest-neighbour ratio and NDB bins' JS divergence, FID at
 * n = 1,000 where the generator was scored (`npx tsx scripts/feature-table.ts --generators runs/remedies
 * --out docs/experiments/remedies --skip-floor`), and every final grid.
 * `npx tsx scripts/remedies-table.ts`
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atN, fill, mean, runFeatures, runSummaries, type RunFeatures, type RunSummary } from './doc-tables.js';

const PAGE = 'docs/experiments/remedies.md';
const BASE = 'docs/experiments/failure-modes';
const ROOT = 'docs/experiments/remedies';
const ROWS: [string, string][] = [
  ['b2', 'B2 latent dim 1 (mode collapse)'],
  ['b4', 'B4 aggressive Adam (convergence failure)'],
  ['b1-bn', 'B1 with batch norm (convergence failure / collapse)'],
];
const REMEDY_NAMES: Record<string, string> = {
  'minibatch-discrimination': 'minibatch discrimination',
  'minibatch-stddev': 'minibatch stddev',
  replay: 'replay buffer',
  'spectral-norm': 'spectral norm',
  'instance-noise': 'instance noise',
  ema: 'EMA of G',
  r1: 'R1 penalty',
  diffaugment: 'DiffAugment',
  'label-smoothing': 'label smoothing',
};

interface Cell {
  label: string;
  dir: string;
  runs: RunSummary[];
  features: RunFeatures[];
}

const avg = (v: (number | null | undefined)[], d: number): string => {
  const x = v.filter((n): n is number => typeof n === 'number' && Number.isFinite(n));
  return x.length ? mean(x).toFixed(d) : '–';
};

/** "2 / 3 stable" and the other verdicts, then the mean measures. */
function summary(cell: Cell, seeds: number[]): string {
  const runs = cell.runs.filter((r) => seeds.includes(r.seed));
  if (runs.length === 0) return 'not run yet';
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.diagnosis.verdict, (counts.get(r.diagnosis.verdict) ?? 0) + 1);
  const stable = counts.get('stable') ?? 0;
  const others = [...counts.entries()].filter(([v]) => v !== 'stable').map(([v, n]) => `${n} ${v}`);
  const fids = cell.features.filter((f) => seeds.includes(f.seed)).map((f) => atN(f)?.fid);
  return [
    `**${stable} / ${runs.length} stable**${others.length ? ` (${others.join(', ')})` : ''}`,
    `diversity ${avg(runs.map((r) => r.diversity), 2)}, NN ratio ${avg(runs.map((r) => r.nearestNeighborRatio), 3)}, bins JS ${avg(runs.map((r) => r.ndb?.jsDivergence), 3)}`,
    `FID ${avg(fids, 1)}${fids.some((f) => f !== undefined) ? ` (${fids.filter((f) => f !== undefined).length} scored)` : ''}`,
  ].join('<br>');
}

async function cells(row: string): Promise<Cell[]> {
  const remedies = existsSync(join(ROOT, row)) ? (await readdir(join(ROOT, row))).sort() : [];
  const all: Cell[] = [{ label: 'no remedy', dir: join(BASE, row), runs: [], features: [] }];
  for (const r of remedies) all.push({ label: REMEDY_NAMES[r] ?? r, dir: join(ROOT, row, r), runs: [], features: [] });
  for (const c of all) {
    c.runs = await runSummaries(c.dir);
    c.features = await runFeatures(c.dir);
  }
  return all;
}

const rows = await Promise.all(ROWS.map(async ([id, label]) => ({ id, label, cells: await cells(id) })));
// The planned seeds and any other the remedies ran with; the no-remedy column is read at the same seeds.
const seeds = [...new Set([1, 2, 3, ...rows.flatMap((r) => r.cells.slice(1).flatMap((c) => c.runs.map((x) => x.seed)))])].sort((a, b) => a - b);
const width = Math.max(...rows.map((r) => r.cells.length));

const matrix = [
  `| failing run (seeds ${seeds.join(', ')}) | ${Array.from({ length: width }, (_, i) => (i === 0 ? 'no remedy' : `remedy ${i}`)).join(' | ')} |`,
  `|---|${'---|'.repeat(width)}`,
];
for (const r of rows) {
  const cellsText = r.cells.map((c, i) => (i === 0 ? summary(c, seeds) : `*${c.label}*<br>${summary(c, seeds)}`));
  while (cellsText.length < width) cellsText.push('');
  matrix.push(`| [${r.label}](#${r.id}) | ${cellsText.join(' | ')} |`);
}

const grids: string[] = [];
for (const r of rows) {
  grids.push(`<a id="${r.id}"></a>`, `### ${r.label}`, '', `| remedy | ${seeds.map((s) => `seed ${s}`).join(' | ')} |`, `|---|${'---|'.repeat(seeds.length)}`);
  for (const c of r.cells) {
    const shown = seeds.map((seed) => {
      const run = c.runs.find((x) => x.seed === seed);
      if (!run) return 'not run yet';
      const f = c.features.find((x) => x.seed === seed);
      const fid = f && atN(f) ? `, FID ${atN(f)!.fid.toFixed(0)}` : '';
      const img = join(c.dir, `seed-${seed}`, 'samples-final.png').replace('docs/experiments/', '');
      const measures = `div ${run.diversity?.toFixed(2) ?? '–'}, NN ${run.nearestNeighborRatio?.toFixed(3) ?? '–'}, JS ${run.ndb?.jsDivergence.toFixed(3) ?? '–'}${fid}`;
      return `<img src="${img}" width="120" alt="${r.label}, ${c.label}, seed ${seed}: final samples"><br>${run.diagnosis.verdict}<br>${measures}`;
    });
    grids.push(`| ${c.label} | ${shown.join(' | ')} |`);
  }
  grids.push('');
}

await fill(PAGE, 'matrix', matrix.join('\n'));
await fill(PAGE, 'grids', grids.join('\n').trimEnd());
console.log(matrix.join('\n'));
