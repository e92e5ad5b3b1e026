import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../../src/wasm/index.js';
import { FILTER_GRADIENT_LIMITS } from '../../src/backends/wasm/conv2dBackpropFilter.js';
import { PATCH_KERNELS } from '../../src/backends/wasm/patchConv.js';

/**
 * A WASM kernel's views of the heap die when the heap grows, which any allocation can cause (in training it
 * happens at unpredictable moments). Each case runs once to count its allocations, then once per allocation
 * with the heap grown right after it, and must give the same result every time.
 */
interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}
interface Backend {
  wasm: WasmModule;
  makeOutput(shape: number[], dtype: string, ...rest: unknown[]): unknown;
}

let backend: Backend;
let original: Backend['makeOutput'];

beforeAll(async () => {
  await initWasmBackend({ threads: 1 });
  backend = tf.backend() as unknown as Backend;
  original = backend.makeOutput;
});

afterAll(() => {
  backend.makeOutput = original;
});

/** Every growth adds a fifth to the heap; past this size a new backend instance (a fresh heap) takes over. */
const HEAP_RESET_BYTES = 256 * 1024 * 1024;

/** A new WASM backend instance, its heap at the start size, when the current one has grown past {@link HEAP_RESET_BYTES}. */
async function freshHeapIfLarge(): Promise<void> {
  if (backend.wasm.HEAPU8.length < HEAP_RESET_BYTES) return;
  const factory = tf.findBackendFactory('wasm');
  if (!factory) throw new Error('no wasm backend factory');
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, 2);
  await tf.setBackend('wasm');
  backend = tf.backend() as unknown as Backend;
  original = backend.makeOutput;
}

/** Grows the heap by the least the allocator allows (small blocks until the buffer changes), then frees the blocks. */
function growHeap(wasm: WasmModule): boolean {
  const before = wasm.HEAPU8.buffer;
  const blocks: number[] = [];
  while (wasm.HEAPU8.buffer === before && blocks.length < 4096) blocks.push(wasm._malloc(256 * 1024));
  for (const p of blocks) wasm._free(p);
  return wasm.HEAPU8.buffer !== before;
}

/** Runs `f` counting makeOutput calls; with `growAfter`, grows the heap right after that call (0-based). */
function run(f: () => tf.Tensor, growAfter?: number): { values: Float32Array; allocations: number; grew: boolean } {
  let calls = 0;
  let grew = false;
  backend.makeOutput = function (this: Backend, shape: number[], dtype: string, ...rest: unknown[]) {
    const out = original.call(this, shape, dtype, ...rest);
    if (calls++ === growAfter) grew = growHeap(this.wasm);
    return out;
  };
  try {
    const t = f();
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return { values, allocations: calls, grew };
  } finally {
    backend.makeOutput = original;
  }
}

const conv = (x: tf.Tensor4D, w: tf.Tensor4D, s: number) => () => tf.conv2d(x, w, s, 'same');
const fused = (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, s: number) => () => tf.fused.conv2d({ x, filter: w, bias: b, strides: s, pad: 'same', activation: 'leakyrelu', leakyreluAlpha: 0.2 });
const inputGrad = (dy: tf.Tensor4D, w: tf.Tensor4D, shape: [number, number, number, number], s: number) => () => tf.conv2dTranspose(dy, w, shape, s, 'same');
const filterGrad = (x: tf.Tensor4D, dy: tf.Tensor4D, shape: number[], s: number) => () =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: s, pad: 'same', dataFormat: 'NHWC', dilations: 1, filterShape: shape }) as tf.Tensor;

/** The op with gan-hacks' few-taps kernels off: the im2col paths they replace, still the fallback. */
const im2col = (op: () => tf.Tensor) => () => {
  PATCH_KERNELS.enabled = false;
  try {
    return op();
  } finally {
    PATCH_KERNELS.enabled = true;
  }
};

describe('WASM training kernels when the heap grows mid-kernel', () => {
  const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
  // Each case makes its inputs on the backend instance of the moment.
  const cases: [string, () => () => tf.Tensor][] = [
    ['forward, 1-channel input (im2col GEMM: 6 output channels)', () => conv(r([2, 8, 8, 1], 1) as tf.Tensor4D, r([4, 4, 1, 6], 2) as tf.Tensor4D, 2)],
    ['forward, 1-channel input (few-taps kernel: 8 output channels), fused bias + LeakyReLU', () => fused(r([2, 8, 8, 1], 29) as tf.Tensor4D, r([4, 4, 1, 8], 30) as tf.Tensor4D, r([8], 31) as tf.Tensor1D, 2)],
    ['forward, 1-channel output (taps on the input-gradient kernel), fused bias + LeakyReLU', () => fused(r([2, 8, 8, 16], 3) as tf.Tensor4D, r([5, 5, 16, 1], 4) as tf.Tensor4D, r([1], 5) as tf.Tensor1D, 1)],
    ['forward, 1-channel output (shift-add), fused bias + LeakyReLU', () => im2col(fused(r([2, 8, 8, 16], 3) as tf.Tensor4D, r([5, 5, 16, 1], 4) as tf.Tensor4D, r([1], 5) as tf.Tensor1D, 1))],
    ['input gradient, 1-channel input (few-taps kernel)', () => inputGrad(r([2, 4, 4, 6], 6) as tf.Tensor4D, r([4, 4, 1, 6], 7) as tf.Tensor4D, [2, 8, 8, 1], 2)],
    ['input gradient, 1-channel input (col2im)', () => im2col(inputGrad(r([2, 4, 4, 6], 6) as tf.Tensor4D, r([4, 4, 1, 6], 7) as tf.Tensor4D, [2, 8, 8, 1], 2))],
    ['input gradient, 1-channel output layer', () => inputGrad(r([2, 8, 8, 1], 8) as tf.Tensor4D, r([5, 5, 16, 1], 9) as tf.Tensor4D, [2, 8, 8, 16], 1)],
    ['input gradient, strided (phases)', () => inputGrad(r([2, 4, 4, 12], 10) as tf.Tensor4D, r([4, 4, 8, 12], 11) as tf.Tensor4D, [2, 8, 8, 8], 2)],
    ['filter gradient, 1-channel input (patch GEMM on XNNPACK: 5 output channels)', () => filterGrad(r([2, 8, 8, 1], 12) as tf.Tensor4D, r([2, 4, 4, 5], 13) as tf.Tensor4D, [4, 4, 1, 5], 2)],
    ["filter gradient, 1-channel input (patch GEMM on gan-hacks' tiles: 8 output channels)", () => im2col(filterGrad(r([2, 8, 8, 1], 27) as tf.Tensor4D, r([2, 4, 4, 8], 28) as tf.Tensor4D, [4, 4, 1, 8], 2))],
    ['filter gradient, 1-channel input (few-taps kernel: 8 output channels)', () => filterGrad(r([2, 8, 8, 1], 27) as tf.Tensor4D, r([2, 4, 4, 8], 28) as tf.Tensor4D, [4, 4, 1, 8], 2)],
    ['filter gradient, 1-channel output (one GEMM)', () => filterGrad(r([2, 8, 8, 80], 14) as tf.Tensor4D, r([2, 8, 8, 1], 15) as tf.Tensor4D, [5, 5, 80, 1], 1)],
    ['filter gradient, few output channels, strided (phases)', () => filterGrad(r([2, 8, 8, 80], 16) as tf.Tensor4D, r([2, 4, 4, 3], 17) as tf.Tensor4D, [4, 4, 80, 3], 2)],
    ['LeakyRelu (two SIMD passes)', () => { const x = r([2, 8, 8, 16], 22); return () => tf.leakyRelu(x, 0.2); }],
    ['Sum over leading axes (bias gradients)', () => { const x = r([4, 8, 8, 16], 23); return () => tf.sum(x, [0, 1, 2]); }],
    ['Tile', () => { const x = r([3, 1, 5], 24); return () => tf.tile(x, [2, 4, 1]); }],
    ['BatchMatMul with a transposed operand', () => { const a = r([30, 20], 25); const b = r([40, 20], 26); return () => tf.matMul(a, b, false, true); }],
    ['filter gradient, many channels (convolution path)', () => filterGrad(r([2, 8, 8, 8], 18) as tf.Tensor4D, r([2, 4, 4, 12], 19) as tf.Tensor4D, [4, 4, 8, 12], 2)],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the same result whichever allocation grows the heap`, async () => {
      const reference = run(make());
      expect(reference.allocations).toBeGreaterThan(0);
      for (let i = 0; i < reference.allocations; i++) {
        await freshHeapIfLarge();
        // Inputs made on the current backend instance (same seeds, so the same values).
        const grown = run(make(), i);
        expect(grown.grew, `allocation ${i} grew the heap`).toBe(true);
        expect(Array.from(grown.values), `growth after allocation ${i} of ${reference.allocations}`).toEqual(Array.from(reference.values));
      }
    });
  }

  it("the filter gradient of a 1-channel output on XNNPACK's GEMM in many blocks too", async () => {
    const saved = { ...FILTER_GRADIENT_LIMITS };
    Object.assign(FILTER_GRADIENT_LIMITS, { transposedGemm: false, blockFloats: 8 * 1024 });
    try {
      // 64 image rows of 16 positions × (25 taps + 80 channels): 16 blocks of 4 rows.
      const make = () => filterGrad(r([4, 16, 16, 80], 20) as tf.Tensor4D, r([4, 16, 16, 1], 21) as tf.Tensor4D, [5, 5, 80, 1], 1);
      const reference = run(make());
      expect(reference.allocations).toBeGreaterThan(6);
      for (let i = 0; i < reference.allocations; i++) {
        await freshHeapIfLarge();
        const grown = run(make(), i);
        expect(grown.grew).toBe(true);
        expect(Array.from(grown.values)).toEqual(Array.from(reference.values));
      }
    } finally {
      Object.assign(FILTER_GRADIENT_LIMITS, saved);
    }
  });
});
