/**
 * Times the B1 iteration (docs/experiments/failure-modes.md: D on 64 real then 64 fake images, G on 128) on one
 * backend, with the Trainer or with a hand-written tfjs loop doing the same updates.
 * Prints one JSON line. Run by bench/run.ts in a child process per configuration.
 *
 *   tsx bench/b1-step.ts --backend wasm --threads 2 --iterations 10 [--mode trainer|hand|both]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { Trainer, dcganAdam, failureModesDiscriminator, failureModesGenerator, initWasmBackendFor } from './common.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '1' },
    iterations: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    mode: { type: 'string', default: 'trainer' },
  },
});
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);
await initWasmBackendFor(String(values.backend), Number(values.threads));

const real = tf.randomUniform([944, 28, 28, 1], -1, 1, 'float32', 1);

function handLoop(): () => void {
  const g = failureModesGenerator({ seed: 1 });
  const d = failureModesDiscriminator({ seed: 2 });
  const dOpt = dcganAdam();
  const gOpt = dcganAdam();
  const dVars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);
  // The same BCE on probabilities as MinimaxGAN (Keras's clipping), written out.
  const bce = (label: number, out: tf.Tensor): tf.Scalar => {
    const p = out.clipByValue(1e-7, 1 - 1e-7);
    const t = tf.fill(out.shape, label);
    return t.mul(p.log()).add(tf.scalar(1).sub(t).mul(tf.scalar(1).sub(p).log())).mean().neg() as tf.Scalar;
  };
  let step = 0;
  return () => {
    // Same work as the Trainer, including its one read of the losses per iteration.
    const losses = tf.tidy(() => {
      const batch = tf.gather(real, tf.range((step * 64) % 880, ((step * 64) % 880) + 64, 1, 'int32'));
      step++;
      const a = dOpt.minimize(() => bce(1, d.apply(batch, { training: true }) as tf.Tensor), true, dVars)!;
      const fake = g.apply(tf.randomNormal([64, 50]), { training: true }) as tf.Tensor;
      const b = dOpt.minimize(() => bce(0, d.apply(fake, { training: true }) as tf.Tensor), true, dVars)!;
      const c = gOpt.minimize(() => bce(1, d.apply(g.apply(tf.randomNormal([128, 50]), { training: true }), { training: false }) as tf.Tensor), true, gVars)!;
      return tf.stack([a, b, c]);
    });
    losses.dataSync();
    losses.dispose();
  };
}

async function time(_label: string, run: (n: number) => Promise<void>): Promise<number> {
  if (warmup > 0) await run(warmup);
  const start = performance.now();
  await run(iterations);
  const s = (performance.now() - start) / 1000 / iterations;
  return s;
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const result: Record<string, unknown> = { backend: tf.getBackend(), threads: Number(values.threads), iterations };
const trainer = new Trainer({ generator: failureModesGenerator({ seed: 1 }), discriminator: failureModesDiscriminator({ seed: 2 }), latentDim: 50, seed: 1 });
let done = 0;
const trainerRun = async (n: number): Promise<void> => {
  done += n;
  await trainer.fit(real, { batchSize: 128, iterations: done });
};
const step = handLoop();
const handRun = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) step();
};
if (values.mode === 'trainer') result.trainerSecondsPerIteration = await time('trainer', trainerRun);
else if (values.mode === 'hand') result.handSecondsPerIteration = await time('hand', handRun);
else {
  // Alternate rounds so that drift in the machine's load hits both alike; compare medians.
  const t: number[] = [];
  const h: number[] = [];
  // Five rounds: with three, one round disturbed by the shared machine moved a median by 25%.
  for (let round = 0; round < 5; round++) {
    t.push(await time('trainer', trainerRun));
    h.push(await time('hand', handRun));
  }
  result.trainerSecondsPerIteration = median(t);
  result.handSecondsPerIteration = median(h);
  result.rounds = { trainer: t, hand: h };
}
const rss = process.resourceUsage().maxRSS / 1024;
const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length;
result.peakRssMB = Math.round(rss);
if (heap !== undefined) result.wasmHeapMB = Math.round(heap / 2 ** 20);
result.tensors = tf.memory().numTensors;
console.log(JSON.stringify(result));
process.exit(0);
