/**
 * Builds the multi-seed table of docs/experiments/README.md from the committed run summaries
 * (docs/experiments/failure-modes/<id>/seed-<n>/summary.json), between the table markers.
 * `npx tsx scripts/experiment-table.ts`
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_N, atN, fill, mean, runFeatures, runSummaries, type FeatureRow, type RunFeatures, type RunSummary } from './doc-tables.js';

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

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
/**
 * Seconds per iteration depend on how the machine was shared: early runs went two at a time with
 * one WASM thread each, later ones one at a time with two threads. Medians are kept per layout.
 */
function secondsByLayout(runs: RunSummary[]): string {
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
  `| experiment | seeds | stable | mode collapse | convergence failure | undetermined | mean NDB/K (K=20) | mean bins JS | mean diversity | mean nearest-neighbour ratio | median FID / recall, n = ${FEATURE_N.toLocaleString('en')} (re-runs; seeds) | median s / iteration (layout; runs) |`,
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [id, label] of ROWS) {
  const runs = await runSummaries(join(root, id));
  if (runs.length === 0) {
    lines.push(`| ${label} | 0 | | | | | | | | | | |`);
    continue;
  }
  const count = (v: string): number => runs.filter((r) => r.diagnosis.verdict === v).length;
  const ndb = runs.map((r) => r.ndb?.ndbRatio).filter((v): v is number => typeof v === 'number');
  const div = runs.map((r) => r.diversity).filter((v): v is number => typeof v === 'number');
  const js = runs.map((r) => r.ndb?.jsDivergence).filter((v): v is number => typeof v === 'number');
  const nn = runs.map((r) => r.nearestNeighborRatio).filter((v): v is number => typeof v === 'number');
  const avg = (v: number[], d = 2): string => (v.length ? mean(v).toFixed(d) : '');
  const scored = (await runFeatures(join(root, id))).filter((f) => atN(f));
  const fid = scored.map((f) => atN(f)!.fid);
  const recall = scored.map((f) => atN(f)!.recall);
  // Medians: one failed seed's FID (974 for a blank page) would otherwise stand for the whole row.
  const mid = (v: number[], d: number): string => {
    const sorted = [...v].sort((a, b) => a - b);
    const k = sorted.length >> 1;
    return (sorted.length % 2 ? sorted[k] : (sorted[k - 1] + sorted[k]) / 2).toFixed(d);
  };
  const featureCell = scored.length ? `[${mid(fid, 1)} / ${mid(recall, 3)}](failure-modes.md#feature-scores) (${scored.map((f) => f.seed).join(', ')})` : '';
  lines.push(
    `| [${label}](failure-modes.md#${id}) | ${runs.length} (${runs.map((r) => r.seed).join(', ')}) | ${VERDICTS.map(count).join(' | ')} | ${avg(ndb)} | ${avg(js, 3)} | ${avg(div)} | ${avg(nn, 3)} | ${featureCell} | ${secondsByLayout(runs)} |`,
  );
}
/**
 * Every run's final grid with its verdict, one row per experiment, one column per seed, for
 * failure-modes.md: the multi-seed counts are only as good as the verdicts, and these let a reader check them.
 */
async function gallery(): Promise<string> {
  const all = await Promise.all(ROWS.map(async ([id, label]) => [id, label, await runSummaries(join(root, id))] as const));
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

/**
 * Every scored generator at n = 1,000 (one row per experiment and seed) for failure-modes.md, then how the
 * scores move with n for seed 1, then the per-seed comparison the mode-collapse diagnosis rests on: is B2's
 * recall below B1's in every seed both have?
 */
async function featureTable(): Promise<string> {
  const fmt = (r: FeatureRow): string =>
    `${r.fid.toFixed(1)} | ${r.kid.mean.toFixed(Math.abs(r.kid.mean) < 1 ? 2 : 1)} | ${r.precision.toFixed(2)} | ${r.recall.toFixed(3)} | ${r.density.toFixed(2)} | ${r.coverage.toFixed(3)}`;
  const all = await Promise.all(ROWS.map(async ([id, label]) => [id, label, await runFeatures(join(root, id))] as const));
  const perSeed = [`| run (re-run's verdict) | FID | KID | precision | recall | density | coverage |`, '|---|---|---|---|---|---|---|'];
  const floor = JSON.parse(await readFile(join(root, 'real-vs-real.json'), 'utf8')) as FeatureRow;
  perSeed.push(`| real vs real (two halves of the eights, ${floor.n} against ${floor.n}) | ${fmt(floor)} |`);
  const withN = ['| run | n | FID | KID | precision | recall | density | coverage |', '|---|---|---|---|---|---|---|---|'];
  for (const [, label, runs] of all) {
    for (const f of runs) {
      const r = atN(f);
      if (r) perSeed.push(`| ${label}, seed ${f.seed} (${f.rerun?.verdict ?? 'no re-run summary'}) | ${fmt(r)} |`);
      if (f.seed !== 1) continue;
      f.rows.forEach((row, i) => withN.push(`| ${i === 0 ? `${label}, seed 1` : ''} | ${row.n.toLocaleString('en')} | ${fmt(row)} |`));
    }
  }
  const b1 = all.find(([id]) => id === 'b1')![2];
  const b2 = all.find(([id]) => id === 'b2')![2];
  const pairs = b1
    .map((f) => [f, b2.find((g) => g.seed === f.seed)] as const)
    .filter((p): p is readonly [RunFeatures, RunFeatures] => p[1] !== undefined && atN(p[0]) !== undefined && atN(p[1]) !== undefined);
  const below = pairs.filter(([f, g]) => atN(g)!.recall < atN(f)!.recall);
  // A seed whose B1 re-run failed too (B1's seed 4) has nothing for B2 to be below: say so instead of hiding it.
  const stable = pairs.filter(([f]) => f.rerun?.verdict === 'stable');
  const stableBelow = stable.filter(([f, g]) => atN(g)!.recall < atN(f)!.recall);
  const failedB1 = pairs.filter(([f]) => f.rerun?.verdict !== undefined && f.rerun.verdict !== 'stable');
  const separation = pairs.length
    ? `Recall at n = ${FEATURE_N.toLocaleString('en')}, B2 against B1 seed by seed: ${pairs
        .map(([f, g]) => `seed ${f.seed} ${atN(g)!.recall.toFixed(3)} vs ${atN(f)!.recall.toFixed(3)}`)
        .join('; ')}: B2's is below B1's in **${below.length} of ${pairs.length}** seeds` +
      (failedB1.length
        ? `, and in **${stableBelow.length} of ${stable.length}** where B1's re-run was stable. ${failedB1
            .map(([f]) => `B1's seed ${f.seed} re-run is itself a ${f.rerun!.verdict} (recall ${atN(f)!.recall.toFixed(3)})`)
            .join('; ')}: recall calls that run collapsed too, which is what it is.`
        : '.')
    : '';
  return [perSeed.join('\n'), '', separation, '', 'How the scores move with n (seed 1 of each row; the reference is always the 944 eights):', '', withN.join('\n')].join('\n');
}

const table = lines.join('\n');
await fill('docs/experiments/README.md', 'table', table);
await fill('docs/experiments/failure-modes.md', 'seeds', await gallery());
await fill('docs/experiments/failure-modes.md', 'features', await featureTable());
console.log(table);
