/**
 * Where the B1 iteration's time goes on WASM: one Trainer iteration under `tf.profile`, every kernel's
 * time summed by name, and for every convolution of the step its shape, multiply-adds and GMAC/s,
 * beside the best GMAC/s of XNNPACK's plain Conv2D measured in the same process (the distance to the
 * kernel's peak). Prints one JSON line. Run by bench/run.ts; also useful alone:
 *
 *   tsx bench/profile-b1.ts --threads 1 [--iterations 3]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { Trainer, failureModesDiscriminator, failureModesGenerator, initWasmBackendFor } from './common.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, iterations: { type: 'string', default: '3' } } });
await initWasmBackendFor('wasm', Number(values.threads));

const CONVS = new Set(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
const product = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Multiply-adds of a convolution kernel call, from its input and output shapes. */
function macs(name: string, inputs: number[][], outputs: number[][]): number {
  if (name === 'Conv2D' || name === 'FusedConv2D') {
    const [kh, kw, ci] = inputs[1];
    return product(outputs[0]) * kh * kw * ci;
  }
  if (name === 'Conv2DBackpropInput') {
    // inputs: dy [n, oh, ow, co], filter [kh, kw, ci, co]
    const [kh, kw, ci] = inputs[1];
    return product(inputs[0]) * kh * kw * ci;
  }
  // Conv2DBackpropFilter: inputs x, dy; output [kh, kw, ci, co]
  const [kh, kw, ci] = outputs[0];
  return product(inputs[1]) * kh * kw * ci;
}

const real = tf.randomUniform([944, 28, 28, 1], -1, 1, 'float32', 1);
const trainer = new Trainer({ generator: failureModesGenerator({ seed: 1 }), discriminator: failureModesDiscriminator({ seed: 2 }), latentDim: 50, seed: 1 });
await trainer.fit(real, { batchSize: 128, iterations: 2 });

interface ConvCall {
  kernel: string;
  inputShapes: number[][];
  outputShape: number[];
  ms: number[];
  gmac: number;
}
const byName = new Map<string, number[]>();
const convs = new Map<string, ConvCall>();
const iterations = Number(values.iterations);
const wall: number[] = [];
for (let it = 0; it < iterations; it++) {
  const t0 = performance.now();
  const info = await tf.profile(() => trainer.fit(real, { batchSize: 128, iterations: 3 + it }) as unknown as tf.TensorContainer);
  wall.push(performance.now() - t0);
  const sums = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    const t = typeof ms === 'number' ? ms : 0;
    sums.set(k.name, (sums.get(k.name) ?? 0) + t);
    if (!CONVS.has(k.name)) continue;
    const inputs = k.inputShapes.slice(0, 2) as number[][];
    const key = `${k.name} ${JSON.stringify(inputs)}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const id = `${key} #${occurrence}`;
    const call = convs.get(id) ?? { kernel: k.name, inputShapes: inputs, outputShape: k.outputShapes[0] as number[], ms: [], gmac: macs(k.name, inputs, k.outputShapes as number[][]) / 1e9 };
    call.ms.push(t);
    convs.set(id, call);
  }
  for (const [name, t] of sums) byName.set(name, [...(byName.get(name) ?? []), t]);
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** The best GMAC/s of the native XNNPACK Conv2D on large DCGAN-sized convolutions (each timed 3x, best kept). */
function plainConvPeak(): { shape: string; gmacPerSecond: number }[] {
  const shapes: { x: [number, number, number, number]; k: number; co: number; s: number }[] = [
    { x: [128, 28, 28, 64], k: 4, co: 64, s: 2 },
    { x: [128, 14, 14, 128], k: 3, co: 128, s: 1 },
    { x: [128, 28, 28, 128], k: 3, co: 128, s: 1 },
    { x: [64, 14, 14, 64], k: 4, co: 64, s: 2 },
  ];
  return shapes.map(({ x: xs, k, co, s }) => {
    const x = tf.randomNormal(xs);
    const w = tf.randomNormal([k, k, xs[3], co]);
    const run = (): number => {
      const t0 = performance.now();
      const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, 'same');
      y.dataSync();
      const ms = performance.now() - t0;
      const g = (product(y.shape) * k * k * xs[3]) / 1e9;
      y.dispose();
      return g / (ms / 1000);
    };
    run();
    const best = Math.max(run(), run(), run());
    tf.dispose([x, w]);
    return { shape: `[${xs}] k${k} s${s} -> ${co}`, gmacPerSecond: Number(best.toFixed(2)) };
  });
}
const peak = plainConvPeak();
const peakGmac = Math.max(...peak.map((p) => p.gmacPerSecond));
const kernels = [...byName].map(([name, ts]) => ({ name, ms: Number(median(ts).toFixed(1)) })).sort((a, b) => b.ms - a.ms);
const convRows = [...convs.values()].map((c) => {
  const ms = median(c.ms);
  const rate = c.gmac / (ms / 1000);
  return { kernel: c.kernel, inputShapes: c.inputShapes, outputShape: c.outputShape, gmac: Number(c.gmac.toFixed(3)), ms: Number(ms.toFixed(1)), gmacPerSecond: Number(rate.toFixed(2)), ofPeak: Number((rate / peakGmac).toFixed(2)) };
});
console.log(
  JSON.stringify({
    threads: Number(values.threads),
    iterations,
    iterationMs: Number(median(wall).toFixed(0)),
    kernelMsTotal: Number(kernels.reduce((a, k) => a + k.ms, 0).toFixed(0)),
    kernels,
    convolutions: convRows,
    plainConv2dPeak: { gmacPerSecond: peakGmac, shapes: peak },
  }),
);
process.exit(0);
