import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmBackend } from '../../src/wasm/index.js';
import { atbGemm, atbGemmAvailable } from '../../src/backends/wasm/atbGemm.js';
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
  // Positions across block boundaries (512), rows with remainders 1-3 of the 4-row tiles, columns with and without a 16-wide tile.
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

  it('is not offered for a column count that is not a multiple of 4', () => {
    expect(atbGemmAvailable(tf.backend() as unknown as BackendWasm, 6)).toBe(false);
  });

  it('ships the bytes scripts/wasm/build-atb.ts compiles from scripts/wasm/atb-wat.ts', () => {
    // Exits 1 when src/backends/wasm/atbKernel.generated.ts differs from a fresh compile.
    expect(() => execFileSync('npx', ['tsx', 'scripts/wasm/build-atb.ts', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
