import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmBackend } from '../../src/wasm/index.js';
import { KernelContext } from '../../src/backends/wasm/kernelContext.js';
import { GanHacksError } from '../../src/index.js';

beforeAll(async () => {
  await initWasmBackend({ threads: 1 });
});

describe('KernelContext aliases', () => {
  it('read the aliased memory in place, and free, release and dispose never free it', () => {
    const backend = tf.backend() as unknown as BackendWasm;
    const x = tf.range(0, 12, 1, 'float32');
    const ctx = new KernelContext(backend);
    const before = backend.dataIdMap.numDataIds();
    const a = ctx.alias({ dataId: x.dataId, shape: x.shape, dtype: 'float32' }, 4, [2, 2]);
    const b = ctx.alias({ dataId: x.dataId, shape: x.shape, dtype: 'float32' }, 8, [4]);
    expect(Array.from(ctx.view(a))).toEqual([4, 5, 6, 7]);
    // free on an alias releases it (a free would hand x's interior to the allocator).
    ctx.free(a);
    ctx.dispose();
    expect(backend.dataIdMap.numDataIds()).toBe(before);
    expect(Array.from(x.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // x's memory is still x's: a new tensor does not land on it.
    const y = tf.fill([12], 7);
    expect(Array.from(x.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(b).toBeDefined();
    tf.dispose([x, y]);
  });

  it('cannot be kept as a kernel result', () => {
    const x = tf.zeros([4]);
    const ctx = new KernelContext(tf.backend() as unknown as BackendWasm);
    try {
      const a = ctx.alias({ dataId: x.dataId, shape: x.shape, dtype: 'float32' }, 0, [4]);
      expect(() => ctx.keep(a)).toThrow(GanHacksError);
    } finally {
      ctx.dispose();
      x.dispose();
    }
  });
});
