import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmBackend } from '../../src/wasm/index.js';
import { patchActivationSlope, patchConvAvailable } from '../../src/backends/wasm/patchConv.js';
import * as generated from '../../src/backends/wasm/patchKernel.generated.js';

beforeAll(async () => {
  await initWasmBackend({ threads: 1 });
});

const bytes = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
type Exports = Record<string, (...args: number[]) => void>;

/** One pass's module from its shared-memory variant (tfjs's threaded build), on a fresh shared memory. */
function sharedInstance(base64: string): { exports: Exports; f: Float32Array; i32: Int32Array } {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes(base64)), { env: { memory } }).exports as Exports;
  return { exports, f: new Float32Array(memory.buffer), i32: new Int32Array(memory.buffer) };
}

describe("the few-taps convolution kernels (a discriminator's first layer)", () => {
  it('run on this backend for the forward pass and filter gradient when the output channels come in fours, and for the input gradient always', () => {
    const backend = tf.backend() as unknown as BackendWasm;
    expect(patchConvAvailable(backend, 'fwd', 64)).toBe(true);
    expect(patchConvAvailable(backend, 'dw', 8)).toBe(true);
    expect(patchConvAvailable(backend, 'dx', 6)).toBe(true);
    expect(patchConvAvailable(backend, 'fwd', 6)).toBe(false);
    expect(patchConvAvailable(backend, 'dw', 5)).toBe(false);
  });

  it('apply linear, ReLU and LeakyReLU as max(v, slope·v), and refuse what that cannot express', () => {
    expect(patchActivationSlope('linear')).toBe(1);
    expect(patchActivationSlope('relu')).toBe(0);
    expect(patchActivationSlope('leakyrelu', 0.3)).toBe(0.3);
    expect(patchActivationSlope('leakyrelu')).toBe(0.2);
    expect(patchActivationSlope('leakyrelu', 1.5)).toBeNull();
    expect(patchActivationSlope('sigmoid')).toBeNull();
  });

  it("each pass stays under a page's 4 KB synchronous-compile limit, in both builds", () => {
    for (const [name, value] of Object.entries(generated)) expect(bytes(value).length, name).toBeLessThan(4096);
  });

  // Hand computations on the threaded build's variants: one image of 1 × 2 output positions, a 1-tap (1×1) kernel, 4 channels.
  it("forward on a shared memory: y = max(x·W + b, 0.1·(x·W + b)) by hand", () => {
    const { exports, f, i32 } = sharedInstance(generated.PATCH_FWD_WASM_SHARED);
    f.set([2, -1], 0); // padded x: two pixels (bytes 0, 4)
    f.set([1, 2, 3, -4], 16); // W [1 tap, 4 channels] at byte 64
    f.set([0.5, 0, 0, 0], 32); // bias at byte 128
    i32[48] = 0; // tap offsets at byte 192
    // fwd(x, w, bias, y, nImg, rows, cols, sImg, sRow, sCol, offs, taps, co, alpha)
    exports.fwd(0, 64, 128, 256, 1, 1, 2, 8, 8, 4, 192, 1, 4, 0.1);
    // Position 0: x = 2 → (2.5, 4, 6, -8) → (2.5, 4, 6, -0.8); position 1: x = -1 → (-0.5, -2, -3, 4) → ×0.1 below 0.
    const want = [2.5, 4, 6, -0.8, -0.05, -0.2, -0.3, 4].map(Math.fround);
    expect(Array.from(f.subarray(64, 72))).toEqual(want);
  });

  it('input gradient on a shared memory: each position adds Σ_j dy[j]·W[tap, j] at its tap, by hand', () => {
    const { exports, f, i32 } = sharedInstance(generated.PATCH_DX_WASM_SHARED);
    f.set([1, 2, 3, 4, 10, 20, 30, 40], 0); // dy [2 positions, 4 channels]
    // Wᵀ [4 channels, 4 taps (1 real, 3 padding)]: W[0, j] = (1, 2, 3, -4).
    f.set([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, -4, 0, 0, 0], 16);
    i32.fill(0, 48, 52); // offsets at byte 192
    f.set([100, 100], 64); // padded dx at byte 256, added into
    // dx(dy, wt, dxPadded, nImg, rows, cols, sImg, sRow, sCol, offs, tapsPadded, co)
    exports.dx(0, 64, 256, 1, 1, 2, 8, 8, 4, 192, 4, 4);
    // 1 + 4 + 9 - 16 = -2; ×10 = -20.
    expect(Array.from(f.subarray(64, 66))).toEqual([98, 80]);
  });

  it('filter gradient on a shared memory: dW[tap, j] += Σ_p x(p, tap)·dy[p, j], by hand', () => {
    const { exports, f, i32 } = sharedInstance(generated.PATCH_DW_WASM_SHARED);
    f.set([2, -1], 0); // padded x
    f.set([1, 2, 3, 4, 10, 20, 30, 40], 16); // dy at byte 64
    i32.fill(0, 48, 50); // offsets (tap 0, and the unused second slot) at byte 192
    f.set([1, 1, 1, 1], 64); // dW at byte 256, accumulated into
    // dw(x, dy, dw, nImg, rows, cols, sImg, sRow, sCol, offs, taps, co)
    exports.dw(0, 64, 256, 1, 1, 2, 8, 8, 4, 192, 1, 4);
    // 2·(1, 2, 3, 4) − (10, 20, 30, 40) + 1.
    expect(Array.from(f.subarray(64, 68))).toEqual([-7, -15, -23, -31]);
  });
});
