/**
 * The parallel-lines example of docs/experiments/distances.md (the WGAN paper, Example 1): P is uniform on the
 * segment x = 0, Q on x = θ. KL is infinite and TV and JS are constant for every θ ≠ 0; only the
 * earth mover's distance |θ| tells how far apart they are. Samples both segments on a grid.
 * `npx tsx examples/distances.ts [--out DIR]`
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { earthMoverDistance, jsDivergence, klDivergence, totalVariation } from 'gan-hacks';
import { writeFileAtomic } from 'gan-hacks/node';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'out/distances' }, quick: { type: 'boolean', default: false } } });

/** Histograms of P and Q over x positions (y is uniform on both segments, so it drops out). */
function lines(theta: number): { p: number[]; q: number[]; xs: number[] } {
  const xs = theta === 0 ? [0] : [0, theta].sort((a, b) => a - b);
  const p = xs.map((x) => (x === 0 ? 1 : 0));
  const q = xs.map((x) => (x === theta ? 1 : 0));
  return { p, q, xs };
}

const rows = [-1, -0.5, 0, 0.5, 1, 2].map((theta) => {
  const { p, q, xs } = lines(theta);
  return {
    theta,
    kl: klDivergence(p, q),
    js: jsDivergence(p, q),
    tv: totalVariation(p, q),
    em: earthMoverDistance(p, q, { xp: xs, xq: xs }),
  };
});
console.log('theta    KL(P||Q)   JS(P,Q)    TV(P,Q)   EM(P,Q)');
for (const r of rows) console.log(`${r.theta.toFixed(1).padStart(5)}  ${String(r.kl).padStart(9)}  ${r.js.toFixed(4).padStart(8)}  ${r.tv.toFixed(4).padStart(8)}  ${r.em.toFixed(4).padStart(8)}`);
console.log(`log 2 = ${Math.LN2.toFixed(4)} (the source prints 1/2 log 2; the WGAN paper's value with natural log is log 2)`);
await writeFileAtomic(join(String(values.out), 'summary.json'), `${JSON.stringify({ experiment: 'distances', rows: rows.map((r) => ({ ...r, kl: Number.isFinite(r.kl) ? r.kl : 'Infinity' })) }, null, 2)}\n`);
