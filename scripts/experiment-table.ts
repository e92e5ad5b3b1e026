/**
 * Builds the multi-seed table of docs/experiments/README.md from the committed run summaries
 * (docs/experiments/failure-modes/<id>/seed-<n>/summary.json), between the table markers.
 * `npx tsx scripts/experiment-table.ts`
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rediagnose, type StoredSummary } from './rediagnose.js';

const root = 'docs/experiments/failure-modes';
const ROWS: [string, string][] = [
  ['b1', 'B1 stable'],
  ['b1-bn', 'B1 stable, batch norm'],
  ['b2', 'B2 latent dim 1'],
  ['b3', 'B3 combined batch'],
  ['b3-bn', 'B3 combined batch, batch norm'],
  ['b4', 'B4 aggressive Adam'],
];
const VERDICTS = ['stable', 'mode-collapse', 'convergence-failure', 'undetermined'] as const;

interface Summary extends StoredSummary {
  seed: number;
  secondsPerIteration: number;
  backend?: { threads?: number };
  last100: Record<string, number | null>;
}

async function summaries(id: string): Promise<Summary[]> {
  let seeds: string[] = [];
  try {
    seeds = (await readdir(join(root, id))).filter((d) => d.startsWith('seed-'));
  } catch {
    return [];
  }
  const out: Summary[] = [];
  for (const s of seeds) {
    let summary: Summary;
    try {
      summary = JSON.parse(await readFile(join(root, id, s, 'summary.json'), 'utf8'));
    } catch {
      continue; // a run still in progress
    }
    out.push(await rediagnose(join(root, id, s), summary));
  }
  return out.sort((a, b) => a.seed - b.seed);
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
/**
 * Seconds per iteration depend on how the machine was shared: early runs went two at a time with
 * one WASM thread each, later ones one at a time with two threads. Medians are kept per layout.
 */
function secondsByLayout(runs: Summary[]): string {
  const byThreads = new Map<number, number[]>();
  for (const r of runs) {
    const t = r.backend?.threads ?? 1;
    byThreads.set(t, [...(byThreads.get(t) ?? []), r.secondsPerIteration]);
  }
  return [...byThreads.entries()]
    .sort(([a], [b]) => b - a)
    .map(([t, v]) => `${median(v).toFixed(2)} (${t === 1 ? '1 thread, 2 runs at once' : `${t} threads, one run at a time`}; ${v.length})`)
    .join('<br>');
}

const lines = [
  '| experiment | seeds | stable | mode collapse | convergence failure | undetermined | mean NDB/K (K=20) | mean bins JS | mean diversity | mean nearest-neighbour ratio | median s / iteration (layout; runs) |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [id, label] of ROWS) {
  const runs = await summaries(id);
  if (runs.length === 0) {
    lines.push(`| ${label} | 0 | | | | | | | | | |`);
    continue;
  }
  const count = (v: string): number => runs.filter((r) => r.diagnosis.verdict === v).length;
  const ndb = runs.map((r) => r.ndb?.ndbRatio).filter((v): v is number => typeof v === 'number');
  const div = runs.map((r) => r.diversity).filter((v): v is number => typeof v === 'number');
  const js = runs.map((r) => r.ndb?.jsDivergence).filter((v): v is number => typeof v === 'number');
  const nn = runs.map((r) => r.nearestNeighborRatio).filter((v): v is number => typeof v === 'number');
  const avg = (v: number[], d = 2): string => (v.length ? mean(v).toFixed(d) : '');
  lines.push(
    `| [${label}](failure-modes.md#${id}) | ${runs.length} (${runs.map((r) => r.seed).join(', ')}) | ${VERDICTS.map(count).join(' | ')} | ${avg(ndb)} | ${avg(js, 3)} | ${avg(div)} | ${avg(nn, 3)} | ${secondsByLayout(runs)} |`,
  );
}
/**
 * Every run's final grid with its verdict, one row per experiment, one column per seed, for
 * failure-modes.md: the multi-seed counts are only as good as the verdicts, and these let a reader check them.
 */
async function gallery(): Promise<string> {
  const all = await Promise.all(ROWS.map(async ([id, label]) => [id, label, await summaries(id)] as const));
  const seeds = [...new Set(all.flatMap(([, , runs]) => runs.map((r) => r.seed)))].sort((a, b) => a - b);
  const out = [`| experiment | ${seeds.map((s) => `seed ${s}`).join(' | ')} |`, `|---|${seeds.map(() => '---|').join('')}`];
  for (const [id, label, runs] of all) {
    const cells = seeds.map((seed) => {
      const r = runs.find((x) => x.seed === seed);
      if (!r) return '';
      const img = `failure-modes/${id}/seed-${seed}/samples-final.png`;
      const ndb = r.ndb?.ndbRatio;
      return `<img src="${img}" width="140" alt="${label}, seed ${seed}: final samples"><br>${r.diagnosis.verdict}${typeof ndb === 'number' ? `, NDB/K ${ndb.toFixed(2)}` : ''}`;
    });
    out.push(`| [${label}](#${id}) | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

async function fill(file: string, marker: string, content: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  if (!text.includes(start) || !text.includes(end)) throw new Error(`${file} lacks the ${start} ... ${end} markers`);
  await writeFile(file, text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${content}\n${end}`));
}

const table = lines.join('\n');
await fill('docs/experiments/README.md', 'table', table);
await fill('docs/experiments/failure-modes.md', 'seeds', await gallery());
console.log(table);
