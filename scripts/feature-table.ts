/**
 * Feature-space scores of the failure-mode runs' generators (FID, KID, precision/recall,
 * density/coverage with the shipped MNIST classifier's features), against the 944 bundled eights
 * the runs trained on. For each generator kept by the experiment queue
 * (runs/failure-modes/<id>/seed-<n>/generator, `bash scripts/experiment-queue.sh generators 1 2 3 4 5`)
 * it writes docs/experiments/failure-modes/<id>/seed-<n>/features.json with the scores at
 * n = 1,000 generated samples (seed 1 also at 5,000 and 10,000); a generator already scored (features.json newer
 * than its model.json) is skipped; and docs/experiments/failure-modes/real-vs-real.json,
 * the floor: two disjoint halves of the eights, 472 against 472 (no larger disjoint real sets of eights
 * exist in the bundled data, so the floor is measured at that n only).
 *
 * Any tree of runs works the same way: `--generators runs/remedies --out docs/experiments/remedies --skip-floor` scores the
 * remedies matrix (<row>/<remedy>/seed-<n>/generator, the runs' own generators).
 *
 * `npx tsx scripts/feature-table.ts [--quick] [--generators DIR] [--out DIR] [--threads N] [--skip-floor]`
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, statSync } from 'node:fs';
import { copyFile, readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { densityCoverage, frechetDistance, kernelDistance, loadMnist, mnistClassifier, precisionRecall, sampleLatent, useFastestBackend } from 'gan-hacks';
import { loadModel, writeFileAtomic } from 'gan-hacks/node';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    generators: { type: 'string', default: 'runs/failure-modes' },
    rerun: { type: 'string', default: 'runs/rerun' },
    out: { type: 'string', default: 'docs/experiments/failure-modes' },
    threads: { type: 'string', default: '1' },
    // The remedies matrix compares against the failure-mode page's floor instead of writing its own.
    'skip-floor': { type: 'boolean', default: false },
  },
});
// Every seed at n = 1,000 (the n the seeds are compared at); seed 1 also at 5,000 and 10,000, to show the bias with n.
const SIZES = flags.quick ? [200, 400] : [1000, 5000, 10000];
const sizesFor = (seed: string): number[] => (seed === 'seed-1' || flags.quick ? SIZES : SIZES.slice(0, 1));
const SEED = 7;

await useFastestBackend({ threads: Number(flags.threads) });
const classifier = await mnistClassifier();
const { images: eights } = await loadMnist({ digits: [8] });
const realFeatures = classifier.features(eights);
const nReal = eights.shape[0];

interface Scores {
  n: number;
  fid: number;
  kid: { mean: number; std: number };
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

function scores(real: tf.Tensor2D, fake: tf.Tensor2D): Scores {
  const kid = kernelDistance(real, fake, { subsets: 20, subsetSize: Math.min(real.shape[0], fake.shape[0], 1000), seed: SEED });
  return {
    n: fake.shape[0],
    fid: frechetDistance(real, fake),
    kid: { mean: kid.mean, std: kid.std },
    ...precisionRecall(real, fake, { k: 3 }),
    ...densityCoverage(real, fake, { k: 5 }),
  };
}

const show = (s: Scores): string =>
  `n ${String(s.n).padStart(5)}  FID ${s.fid.toFixed(1).padStart(6)}  KID ${s.kid.mean.toFixed(3).padStart(7)}  P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)}  D ${s.density.toFixed(3)} C ${s.coverage.toFixed(3)}`;

/** Features of n samples of a generator, drawn in batches from seeded Gaussian latents. */
function generatedFeatures(generator: tf.LayersModel, n: number): tf.Tensor2D {
  const latentDim = generator.inputs[0].shape[1] as number;
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < n; start += 500) {
    const size = Math.min(500, n - start);
    parts.push(
      tf.tidy(() => {
        const z = sampleLatent(size, latentDim, { seed: SEED * 100_000 + start });
        return classifier.features(generator.apply(z, { training: false }) as tf.Tensor4D);
      }),
    );
  }
  const all = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}

if (!flags['skip-floor']) {
  // The floor: two disjoint halves of the eights, in a seeded order.
  const order = Array.from(tf.tidy(() => tf.topk(tf.randomUniform([nReal], 0, 1, 'float32', SEED), nReal).indices).dataSync());
  const half = Math.floor(nReal / 2);
  const [a, b] = [order.slice(0, half), order.slice(half, 2 * half)].map((idx) => tf.tidy(() => tf.gather(realFeatures, tf.tensor1d(idx, 'int32')) as tf.Tensor2D));
  const floor = scores(a, b);
  tf.dispose([a, b]);
  console.log(`real vs real (eights, halves)  ${show(floor)}`);
  await writeFileAtomic(
    join(flags.out, 'real-vs-real.json'),
    JSON.stringify({ network: classifier.name, comparison: `two disjoint halves of the ${nReal} bundled eights, ${half} against ${half}`, seed: SEED, ...floor }, null, 2) + '\n',
  );
}

/** Every folder under `root` that holds a saved generator (`<rel>/generator/model.json`), as paths relative to root. */
async function generatorRuns(root: string, rel = ''): Promise<string[]> {
  if (!existsSync(join(root, rel))) return [];
  if (existsSync(join(root, rel, 'generator', 'model.json'))) return [rel];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  const found = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => generatorRuns(root, join(rel, e.name))));
  return found.flat().sort();
}

for (const rel of await generatorRuns(flags.generators)) {
  const seed = basename(rel);
  const dir = join(flags.generators, rel, 'generator');
  const out = join(flags.out, rel);
  if (!existsSync(out)) continue;
  // Scores already computed from this very generator are kept (a re-run rewrites model.json).
  const scored = join(out, 'features.json');
  if (!flags.quick && existsSync(scored) && statSync(scored).mtimeMs > statSync(join(dir, 'model.json')).mtimeMs) continue;
  const generator = await loadModel(dir);
  const rows: Scores[] = [];
  const started = Date.now();
  for (const n of sizesFor(seed)) {
    const fake = generatedFeatures(generator, n);
    rows.push(scores(realFeatures, fake));
    fake.dispose();
    console.log(rel.padEnd(31), show(rows.at(-1)!));
  }
  generator.dispose();
  // The generator comes from a re-run (same command and seed as the committed run); today's kernels round
  // differently in places, so the re-run drifts from the committed one after a few iterations: keep what
  // the re-run itself found beside its scores, and its final samples, so the scores describe a run on the page.
  const rerunDir = join(flags.rerun, rel);
  let rerun: Record<string, unknown> | undefined;
  if (existsSync(join(rerunDir, 'summary.json'))) {
    const r = JSON.parse(await readFile(join(rerunDir, 'summary.json'), 'utf8')) as Record<string, unknown> & { diagnosis?: { verdict?: string } };
    rerun = { verdict: r.diagnosis?.verdict, diversity: r.diversity, nearestNeighborRatio: r.nearestNeighborRatio, ndb: r.ndb, final: r.final, secondsPerIteration: r.secondsPerIteration };
    if (existsSync(join(rerunDir, 'samples-final.png'))) await copyFile(join(rerunDir, 'samples-final.png'), join(out, 'rerun-samples-final.png'));
  }
  await writeFileAtomic(
    join(out, 'features.json'),
    JSON.stringify(
      {
        network: classifier.name,
        generator: rerun
          ? 'from a re-run of this row and seed (scripts/experiment-queue.sh generators), not the committed run itself'
          : 'the committed run\'s own final generator',
        ...(rerun ? { rerun } : {}),
        reference: `the ${nReal} bundled eights (the training data)`,
        nReal,
        latents: `Gaussian, seeded (${SEED})`,
        seconds: Math.round((Date.now() - started) / 1000),
        rows,
      },
      null,
      2,
    ) + '\n',
  );
}
realFeatures.dispose();
eights.dispose();
