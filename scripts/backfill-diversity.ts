/**
 * Adds the nearest-neighbour ratio (and the other sample measures) to run summaries written
 * before finish() computed it, from the generators the runs saved under runs/. The samples are
 * drawn exactly as finish() draws them (latent seed = run seed + 1000, the first n real images).
 * `npx tsx scripts/backfill-diversity.ts`
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist, meanPairwiseDistance, ndb, nearestNeighborRatio, sampleLatent } from 'gan-hacks';
import { loadModel } from 'gan-hacks/node';

await tf.setBackend('cpu');
const groups: [string, string, number[] | undefined][] = [
  ['docs/experiments/failure-modes', 'runs/failure-modes', [8]],
  ['docs/experiments/monitoring', 'runs/monitoring', undefined],
];
for (const [docs, runs, digits] of groups) {
  if (!existsSync(docs)) continue;
  const { images } = await loadMnist({ digits });
  for (const id of await readdir(docs)) {
    for (const seedDir of (await readdir(join(docs, id))).filter((d) => d.startsWith('seed-'))) {
      const file = join(docs, id, seedDir, 'summary.json');
      const generatorDir = docs.endsWith('monitoring') ? join(runs, id, 'generator') : join(runs, id, seedDir, 'generator');
      if (!existsSync(file) || !existsSync(join(generatorDir, 'model.json'))) continue;
      const summary = JSON.parse(await readFile(file, 'utf8'));
      if (typeof summary.nearestNeighborRatio === 'number') continue;
      const g = await loadModel(generatorDir);
      const n = Math.min(images.shape[0], 1000);
      const real = images.slice(0, n);
      const fake = g.predict(sampleLatent(n, g.inputs[0].shape[1]!, { seed: summary.seed + 1000 })) as tf.Tensor;
      const m = Math.min(n, 500);
      summary.diversity = Number((meanPairwiseDistance(fake.slice(0, m)) / meanPairwiseDistance(real.slice(0, m))).toFixed(4));
      summary.nearestNeighborRatio = Number(nearestNeighborRatio(fake.slice(0, m), real.slice(0, m)).toFixed(4));
      const nd = ndb(real, fake, { bins: summary.ndb.bins, seed: summary.seed });
      summary.ndb = { bins: nd.bins, ndb: nd.ndb, ndbRatio: Number(nd.ndbRatio.toFixed(4)), jsDivergence: Number(nd.jsDivergence.toFixed(4)) };
      await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
      console.log(`${file}: diversity ${summary.diversity}, nearest-neighbour ratio ${summary.nearestNeighborRatio}, NDB/K ${summary.ndb.ndbRatio}, JS ${summary.ndb.jsDivergence}`);
      tf.dispose([real, fake]);
      g.dispose();
    }
  }
}
