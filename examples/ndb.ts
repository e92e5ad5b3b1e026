/**
 * NDB (docs/experiments/ndb.md; Richardson & Weiss 2018, "On GANs and GMMs") of a healthy and a collapsed generator against the
 * bundled eights: k-means bins on the real eights, then each generator's share of samples per bin.
 * By default the generators are the final B1 (healthy) and B2 (mode collapse) generators saved by
 * the failure-mode runs (`--save-generator`); without them (or with --quick) it compares held-out
 * real eights with 5 eights repeated, the shape of a collapse.
 *
 * `npx tsx examples/ndb.ts [--healthy DIR] [--collapsed DIR] [--bins 20] [--quick]`
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { frechetDistance, kernelDistance, loadMnist, mnistClassifier, ndb, precisionRecall, renderVegaLiteSvg, sampleLatent, type NdbResult } from 'gan-hacks';
import { loadModel, svgToPng, writeFileAtomic } from 'gan-hacks/node';
import { exampleArgs, setup } from './lib.js';

const args = exampleArgs('ndb', { healthy: { type: 'string' }, collapsed: { type: 'string' }, bins: { type: 'string' } });
await setup(args);
const bins = Number(args.flags.bins ?? 20);
const healthyDir = String(args.flags.healthy ?? 'runs/failure-modes/b1/seed-1/generator');
const collapsedDir = String(args.flags.collapsed ?? 'runs/failure-modes/b2/seed-1/generator');
const { images } = await loadMnist({ digits: [8] });
// A seeded permutation: the order of seeded uniform draws.
const order = tf.topk(tf.randomUniform([images.shape[0]], 0, 1, 'float32', args.seed), images.shape[0]).indices.dataSync();
const take = (from: number, to: number): tf.Tensor => tf.gather(images, tf.tensor1d(Array.from(order.slice(from, to)), 'int32'));

let source: string;
let healthy: tf.Tensor;
let collapsed: tf.Tensor;
const reference = args.quick ? take(0, 200) : images;
if (!args.quick && existsSync(join(healthyDir, 'model.json')) && existsSync(join(collapsedDir, 'model.json'))) {
  source = `generators ${healthyDir} (B1) and ${collapsedDir} (B2)`;
  const g1 = await loadModel(healthyDir);
  const g2 = await loadModel(collapsedDir);
  healthy = g1.predict(sampleLatent(944, g1.inputs[0].shape[1]!, { seed: 1 })) as tf.Tensor;
  collapsed = g2.predict(sampleLatent(944, g2.inputs[0].shape[1]!, { seed: 1 })) as tf.Tensor;
} else {
  source = 'stand-ins: held-out real eights (healthy) and 5 real eights repeated (collapsed)';
  healthy = args.quick ? take(200, 400) : take(472, 944);
  const five = take(0, 5);
  collapsed = tf.tile(five, [args.quick ? 40 : 94, 1, 1, 1]);
}

const results: Record<string, NdbResult> = {
  healthy: ndb(reference, healthy, { bins: args.quick ? 8 : bins, seed: args.seed }),
  collapsed: ndb(reference, collapsed, { bins: args.quick ? 8 : bins, seed: args.seed }),
};
// Calibration: one half of the real eights against the other (bins from the first half). A
// well-calibrated test flags about 5% of the bins here (the significance level).
const half = Math.floor(images.shape[0] / 2);
const calibration = ndb(take(0, half), take(half, 2 * half), { bins: args.quick ? 8 : bins, seed: args.seed });
console.log(`real vs real (two halves of the eights): NDB ${calibration.ndb}/${calibration.bins} = ${calibration.ndbRatio.toFixed(2)}, JS divergence ${calibration.jsDivergence.toFixed(4)}`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(9)} NDB ${r.ndb}/${r.bins} = ${r.ndbRatio.toFixed(2)}, JS divergence ${r.jsDivergence.toFixed(4)}`);
}
console.log(`(${source})`);

// The same samples in the shipped MNIST classifier's features: FID, KID (mean of 20 subsets), precision and recall (k = 3).
const classifier = await mnistClassifier();
function featureScores(real: tf.Tensor, fake: tf.Tensor): { fid: number; kid: number; precision: number; recall: number } {
  const [r, f] = [classifier.features(real as tf.Tensor4D), classifier.features(fake as tf.Tensor4D)];
  try {
    const kid = kernelDistance(r, f, { subsets: 20, subsetSize: Math.min(r.shape[0], f.shape[0]), seed: args.seed });
    return { fid: frechetDistance(r, f), kid: kid.mean, ...precisionRecall(r, f, { k: 3 }) };
  } finally {
    tf.dispose([r, f]);
  }
}
const features = {
  calibration: featureScores(take(0, half), take(half, 2 * half)),
  healthy: featureScores(reference, healthy),
  collapsed: featureScores(reference, collapsed),
};
for (const [name, s] of Object.entries(features)) {
  console.log(`${name.padEnd(11)} FID ${s.fid.toFixed(1)}, KID ${s.kid.toFixed(2)}, precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (${classifier.name})`);
}

// Bin proportions: reference vs each generator, the reference implementation's plot as a chart.
const values = Object.entries(results).flatMap(([name, r]) =>
  r.referenceProportions.flatMap((p, bin) => [
    { bin, series: 'real eights', panel: name, value: p },
    { bin, series: `${name} generator`, panel: name, value: r.generatedProportions[bin] },
  ]),
);
const svg = await renderVegaLiteSvg({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  background: 'white',
  data: { values },
  facet: { row: { field: 'panel', type: 'nominal', title: null } },
  spec: {
    width: 560,
    height: 160,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'bin', type: 'quantitative', title: 'bin (sorted by size on the real eights)' },
      y: { field: 'value', type: 'quantitative', title: 'share of samples' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  },
  config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
});
await writeFileAtomic(join(args.out, 'ndb-bins.svg'), svg);
await writeFileAtomic(join(args.out, 'ndb-bins.png'), await svgToPng(svg));
await writeFileAtomic(
  join(args.out, 'summary.json'),
  `${JSON.stringify({ experiment: 'ndb', source, bins, features: { network: classifier.name, ...features }, calibration: { ndb: calibration.ndb, bins: calibration.bins, ndbRatio: calibration.ndbRatio, jsDivergence: calibration.jsDivergence }, results: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { ndb: r.ndb, bins: r.bins, ndbRatio: r.ndbRatio, jsDivergence: r.jsDivergence, significant: r.significant }])) }, null, 2)}\n`,
);
