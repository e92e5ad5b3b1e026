/**
 * Runs every example, in `--quick` mode with `--quick` (the CI smoke test). Fails if any fails.
 * `npx tsx examples/run-all.ts --quick`
 */
import { spawnSync } from 'node:child_process';

const quick = process.argv.includes('--quick');
const scripts = [
  ['examples/hacks-tour.ts'],
  ['examples/distances.ts'],
  ['examples/ndb.ts'],
  ['examples/failure-modes/b1-stable.ts'],
  ['examples/failure-modes/b2-mode-collapse.ts'],
  ['examples/failure-modes/b3-combined-batch.ts'],
  ['examples/failure-modes/b3-combined-batch.ts', '--batch-norm'],
  ['examples/failure-modes/b4-aggressive-adam.ts'],
  ['examples/monitoring/c1-stable.ts'],
  ['examples/monitoring/c2-latent-2.ts'],
  ['examples/monitoring/c3-latent-1.ts'],
  ['examples/monitoring/c4-high-learning-rate.ts'],
  ['examples/monitoring/c5-aggressive-adam.ts'],
  ['examples/wgan-gp/wgan-gp.ts', '--critic', 'batch'],
  ['examples/wgan-gp/wgan-gp.ts', '--critic', 'layer'],
  ['examples/survey/mlp-losses.ts'],
  ['examples/fashion-mnist.ts'],
  ['examples/feature-metrics.ts'],
  ['examples/conditional.ts'],
  ['examples/browser/build.ts'],
];
let failed = 0;
for (const [script, ...args] of scripts) {
  const start = Date.now();
  const r = spawnSync('npx', ['tsx', script, ...args, ...(quick ? ['--quick', '--out', `out/quick/${script.replace(/[/.]/g, '_')}${args.join('_')}`] : [])], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${script} ${args.join(' ')} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  if (!ok) console.log(r.stdout.slice(-2000), r.stderr.slice(-4000));
}
console.log(`${scripts.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
