/**
 * Profiles two WGAN-GP iterations of docs/experiments/wgan-gp.md's models on WASM (one thread) by kernel: where a
 * gradient-penalty step spends its time. `npx tsx bench/prof-gp.ts batch|layer [batchSize=16]`
 */
import * as tf from '@tensorflow/tfjs';
import { initWasmBackend } from 'gan-hacks/wasm';
import { Trainer, WGANGP, dcganDiscriminator, dcganGenerator, loadMnist } from 'gan-hacks';
await initWasmBackend({ threads: 1 });
const crit = process.argv[2] === 'layer' ? 'layer' : 'batch';
const bs = Number(process.argv[3] ?? 16);
const { images } = await loadMnist({ limit: 256 });
const trainer = new Trainer({
  generator: dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1], seed: 1 }),
  discriminator: dcganDiscriminator({ inputShape: [28, 28, 1], normalization: crit, seed: 2 }),
  loss: new WGANGP({ warnOnBatchNorm: false }), latentDim: 20, latentDistribution: 'uniform', seed: 1,
});
await trainer.fit(images, { batchSize: bs, iterations: 1 });
const t0 = performance.now();
const prof = await tf.profile(async () => { await trainer.fit(images, { batchSize: bs, iterations: 2 }); });
console.log('total ms', performance.now() - t0, tf.getBackend());
const agg = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const a = agg.get(key) ?? { ms: 0, n: 0 }; a.ms += ms; a.n++; agg.set(key, a);
}
const byName = new Map<string, number>();
for (const k of prof.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('\n'));
console.log([...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20).map(([k, v]) => `${v.ms.toFixed(0)} ms x${v.n} ${k}`).join('\n'));
