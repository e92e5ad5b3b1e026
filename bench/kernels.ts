/**
 * Per-kernel times on the CPU and WASM backends for the convolution shapes of the B and D models
 * (docs/experiments/failure-modes.md, docs/experiments/wgan-gp.md): forward convolution, input gradient (the transposed convolution of a
 * generator) and filter gradient, at the same batch on both backends. Prints one JSON line.
 *
 *   tsx bench/kernels.ts [--batch 4] [--threads 1]
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { initWasmBackendFor } from './common.js';

const { values } = parseArgs({ options: { batch: { type: 'string', default: '4' }, threads: { type: 'string', default: '1' }, reps: { type: 'string', default: '3' } } });
const n = Number(values.batch);
const reps = Number(values.reps);

interface Shape {
  model: string;
  layer: string;
  /** Input of the convolution (for a transposed conv: of the equivalent forward conv, i.e. its output). */
  x: [number, number, number];
  k: number;
  s: number;
  co: number;
}
const SHAPES: Shape[] = [
  { model: 'B', layer: 'D conv1 1->64 k4 s2 (28->14)', x: [28, 28, 1], k: 4, s: 2, co: 64 },
  { model: 'B', layer: 'D conv2 64->64 k4 s2 (14->7)', x: [14, 14, 64], k: 4, s: 2, co: 64 },
  { model: 'B', layer: 'G convT 128->128 k4 s2 (7->14)', x: [14, 14, 128], k: 4, s: 2, co: 128 },
  { model: 'B', layer: 'G convT 128->128 k4 s2 (14->28)', x: [28, 28, 128], k: 4, s: 2, co: 128 },
  { model: 'B', layer: 'G conv 128->1 k7 s1 (28)', x: [28, 28, 128], k: 7, s: 1, co: 1 },
  { model: 'D', layer: 'critic conv 64->128 k5 s2 (28->14)', x: [28, 28, 64], k: 5, s: 2, co: 128 },
  { model: 'D', layer: 'critic conv 128->256 k5 s2 (14->7)', x: [14, 14, 128], k: 5, s: 2, co: 256 },
  { model: 'D', layer: 'G convT 128->64 k5 s2 (7->14)', x: [14, 14, 64], k: 5, s: 2, co: 128 },
  { model: 'D', layer: 'G convT 64->32 k5 s2 (14->28)', x: [28, 28, 32], k: 5, s: 2, co: 64 },
];

function timeMs(f: () => tf.Tensor): number {
  f().dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = f();
    r.dataSync();
    r.dispose();
  }
  return (performance.now() - t0) / reps;
}

async function measure(backend: string): Promise<Record<string, number>[]> {
  await initWasmBackendFor(backend, Number(values.threads));
  return SHAPES.map((s) => {
    const x = tf.randomNormal([n, ...s.x]) as tf.Tensor4D;
    const w = tf.randomNormal([s.k, s.k, s.x[2], s.co]) as tf.Tensor4D;
    const y = tf.conv2d(x, w, s.s, 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const out = {
      forward: timeMs(() => tf.conv2d(x, w, s.s, 'same')),
      inputGradient: timeMs(() => tf.conv2dTranspose(dy, w, x.shape, s.s, 'same')),
      filterGradient: timeMs(
        () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: s.s, pad: 'same', dataFormat: 'NHWC', filterShape: w.shape }) as tf.Tensor,
      ),
    };
    tf.dispose([x, w, y, dy]);
    return out;
  });
}

// WASM must start before anything initialises another backend in this process (threads are fixed at start).
const wasm = await measure('wasm');
const cpu = await measure('cpu');
console.log(
  JSON.stringify({
    batch: n,
    rows: SHAPES.map((s, i) => ({ ...s, cpuMs: cpu[i], wasmMs: wasm[i] })),
  }),
);
process.exit(0);
