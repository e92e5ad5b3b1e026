/**
 * The floor and the sample-size bias of the feature-space scores with gan-hacks' MNIST classifier
 * (`mnistClassifier()`, 98.9% on its held-out digits): FID, KID, precision/recall and density/coverage
 * of real digits against other real digits at several n (the floor a generator is measured against,
 * and how FID shrinks as n grows), and against three stand-ins for failures at n = 1,000: one digit
 * class only (mode dropping), one image repeated (total collapse) and uniform noise.
 *
 * `npx tsx examples/feature-metrics.ts [--quick] [--out DIR]` writes summary.json.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { densityCoverage, frechetDistance, kernelDistance, loadMnist, mnistClassifier, precisionRecall } from 'gan-hacks';
import { writeFileAtomic } from 'gan-hacks/node';
import { exampleArgs, setup } from './lib.js';

const args = exampleArgs('feature-metrics');
const backend = await setup(args);
const classifier = await mnistClassifier();
const { images, labels } = await loadMnist();
const n = images.shape[0];
// Two disjoint halves in a seeded order: real against real.
const order = Array.from(tf.tidy(() => tf.topk(tf.randomUniform([n], 0, 1, 'float32', args.seed), n).indices).dataSync());
const pick = (idx: number[]): tf.Tensor4D => tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32')) as tf.Tensor4D);
const half = Math.floor(n / 2);
const sizes = args.quick ? [100, 200] : [500, 1000, 2500, 5000];

interface Row {
  comparison: string;
  n: number;
  fid: number;
  kid: { mean: number; std: number };
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

function scores(comparison: string, real: tf.Tensor4D, fake: tf.Tensor4D): Row {
  const [r, f] = [classifier.features(real), classifier.features(fake)];
  try {
    const kid = kernelDistance(r, f, { subsets: 20, subsetSize: Math.min(1000, r.shape[0]), seed: args.seed });
    const row: Row = {
      comparison,
      n: fake.shape[0],
      fid: frechetDistance(r, f),
      kid: { mean: kid.mean, std: kid.std },
      ...precisionRecall(r, f, { k: 3 }),
      ...densityCoverage(r, f, { k: 5 }),
    };
    console.log(`${comparison.padEnd(34)} n ${String(row.n).padStart(5)}  FID ${row.fid.toFixed(2).padStart(8)}  KID ${row.kid.mean.toFixed(3).padStart(8)}  P ${row.precision.toFixed(3)} R ${row.recall.toFixed(3)}  D ${row.density.toFixed(3)} C ${row.coverage.toFixed(3)}`);
    return row;
  } finally {
    tf.dispose([r, f]);
  }
}

const rows: Row[] = [];
for (const size of sizes) {
  const [a, b] = [pick(order.slice(0, size)), pick(order.slice(half, half + size))];
  rows.push(scores('real vs real (disjoint halves)', a, b));
  tf.dispose([a, b]);
}
const m = args.quick ? 100 : 1000;
const reference = pick(order.slice(0, m));
const labelOf = labels.dataSync();
const eights = order.slice(half).filter((i) => labelOf[i] === 8).slice(0, m);
const onlyEights = pick(eights.length >= m ? eights : [...eights, ...eights, ...eights].slice(0, m));
rows.push(scores('real vs eights only (mode dropping)', reference, onlyEights));
const one = pick(Array(m).fill(order[half]));
rows.push(scores('real vs one image repeated (collapse)', reference, one));
const noise = tf.randomUniform([m, 28, 28, 1], -1, 1, 'float32', args.seed) as tf.Tensor4D;
rows.push(scores('real vs uniform noise', reference, noise));
tf.dispose([reference, onlyEights, one, noise, images, labels]);

const summary = {
  network: classifier.name,
  heldOutAccuracy: classifier.heldOutAccuracy,
  backend: backend.backend,
  seed: args.seed,
  data: `the ${n} digits bundled with the mnist package; real-vs-real rows compare disjoint halves of a seeded shuffle`,
  kid: 'mean and std over 20 subsets of up to 1,000 samples (polynomial kernel, degree 3)',
  neighbours: { precisionRecall: 3, densityCoverage: 5 },
  rows,
};
await writeFileAtomic(join(args.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
classifier.dispose();
console.log(`wrote ${join(args.out, 'summary.json')}`);
