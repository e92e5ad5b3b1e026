import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmBackend } from '../../src/wasm/index.js';
import { atbGemm, atbGemmAvailable } from '../../src/backends/wasm/atbGemm.js';
import { ATB_WASM, ATB_WASM_SHARED } from '../../src/backends/wasm/atbKernel.generated.js';
import { GanHacksError } from '../../src/index.js';
import { KernelContext, type TensorInfo } from '../../src/backends/wasm/kernelContext.js';

beforeAll(async () => {
  await initWasmBackend({ threads: 1 });
});

/** C = Aᵀ·B in float32, one product and one sum rounded at a time, positions in order: what the SIMD tiles do per lane. */
function reference(a: Float32Array, b: Float32Array, positions: number, m: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < positions; p++) acc = Math.fround(acc + Math.fround(a[p * m + i] * b[p * n + j]));
      c[i * n + j] = acc;
    }
  }
  return c;
}

describe('atbGemm: the transposed-A GEMM tiles on the WASM heap', () => {
  // Positions across block boundaries (512), odd row counts (the 2-row tiles' remainder), columns with and without a 16-wide tile.
  const shapes: [number, number, number][] = [
    [1, 1, 4],
    [7, 3, 8],
    [513, 5, 20],
    [1100, 49, 128],
    [600, 16, 64],
    [1025, 6, 36],
  ];
  for (const [positions, m, n] of shapes) {
    it(`equals a float32 computation in the same order bit for bit: ${positions} positions, C ${m} × ${n}`, () => {
      const backend = tf.backend() as unknown as BackendWasm;
      expect(atbGemmAvailable(backend, n)).toBe(true);
      const a = tf.randomNormal([positions, m], 0, 1, 'float32', positions + m);
      const b = tf.randomNormal([positions, n], 0, 1, 'float32', positions + n + 1);
      const ctx = new KernelContext(backend);
      try {
        const c = atbGemm(ctx, { dataId: a.dataId, shape: a.shape, dtype: 'float32' } as TensorInfo, { dataId: b.dataId, shape: b.shape, dtype: 'float32' } as TensorInfo, positions, m, n);
        const got = Float32Array.from(ctx.view(c));
        expect(Array.from(got)).toEqual(Array.from(reference(a.dataSync() as Float32Array, b.dataSync() as Float32Array, positions, m, n)));
      } finally {
        ctx.dispose();
        tf.dispose([a, b]);
      }
    });
  }

  it('refuses operands smaller than the product needs (the tiles would read past them)', () => {
    const backend = tf.backend() as unknown as BackendWasm;
    const a = tf.zeros([10, 3]);
    const b = tf.zeros([9, 8]);
    const ctx = new KernelContext(backend);
    try {
      const info = (t: tf.Tensor) => ({ dataId: t.dataId, shape: t.shape, dtype: 'float32' }) as TensorInfo;
      expect(() => atbGemm(ctx, info(a), info(b), 10, 3, 8)).toThrow(GanHacksError);
      expect(() => atbGemm(ctx, info(a), info(b), 10, 3, 8)).toThrow(/B holds 72 floats, fewer than the 80/);
    } finally {
      ctx.dispose();
      tf.dispose([a, b]);
    }
  });

  it("the threaded build's variant runs on a shared memory, and both modules stay under a page's 4 KB synchronous-compile limit", () => {
    const shared = Uint8Array.from(atob(ATB_WASM_SHARED), (ch) => ch.charCodeAt(0));
    const plain = Uint8Array.from(atob(ATB_WASM), (ch) => ch.charCodeAt(0));
    expect(shared.length).toBeLessThan(4096);
    expect(plain.length).toBeLessThan(4096);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const tiles = new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    // A [3 × 1] = (1, 2, 3), B [3 × 4] rows (1, 1, 1, 1), (10, ...), (100, ...): C = 1 + 20 + 300 in every column.
    const f = new Float32Array(memory.buffer);
    f.set([1, 2, 3], 0);
    f.set([1, 1, 1, 1, 10, 10, 10, 10, 100, 100, 100, 100], 16);
    tiles.tile1x1(0, 64, 256, 3, 1, 4, 4);
    expect(Array.from(f.subarray(64, 68))).toEqual([321, 321, 321, 321]);
  });

  it('is not offered for a column count that is not a multiple of 4', () => {
    expect(atbGemmAvailable(tf.backend() as unknown as BackendWasm, 6)).toBe(false);
  });

  it('ships the bytes scripts/wasm/build-atb.ts compiles from scripts/wasm/atb-wat.ts', () => {
    // Exits 1 when src/backends/wasm/atbKernel.generated.ts differs from a fresh compile.
    expect(() => execFileSync('npx', ['tsx', 'scripts/wasm/build-atb.ts', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
