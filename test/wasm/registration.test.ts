import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';

// No static import of gan-hacks/wasm or of tfjs-backend-wasm here: the test
// controls when each is loaded (vitest runs each file in its own process).

describe('gan-hacks/wasm registers nothing on import', () => {
  it('importing the entry leaves the kernel and gradient registries as they were; the explicit call registers, once', async () => {
    const leakyGradBefore = tf.getGradient('LeakyRelu');
    const tileGradBefore = tf.getGradient('Tile');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();

    const entry = await import('../../src/wasm/index.js');
    // The entry does not even load the backend package.
    expect(tf.engine().registryFactory.wasm).toBeUndefined();
    expect(tf.getKernel('Conv2D', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getGradient('LeakyRelu')).toBe(leakyGradBefore);
    expect(tf.getGradient('Tile')).toBe(tileGradBefore);
    expect(entry.wasmTrainingKernelsRegistered()).toBe(false);

    // Without the backend package the call refuses, and registers nothing.
    expect(() => entry.registerWasmTrainingKernels()).toThrow(expect.objectContaining({ name: 'GanHacksError', code: 'BACKEND_UNAVAILABLE' }));
    expect(tf.getGradient('LeakyRelu')).toBe(leakyGradBefore);

    // tfjs-backend-wasm registers its own (native) kernels; tfjs has no Conv2DBackpropFilter for wasm.
    await import('@tensorflow/tfjs-backend-wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const nativeInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(nativeInput).toBeDefined();

    entry.registerWasmTrainingKernels();
    expect(entry.wasmTrainingKernelsRegistered()).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(entry.conv2dBackpropFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(entry.conv2dBackpropInput);
    // The native setup still runs before the replacement.
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.setupFunc).toBe(nativeInput?.setupFunc);
    for (const name of entry.WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    expect(tf.getGradient('LeakyRelu')).not.toBe(leakyGradBefore);
    expect(tf.getGradient('Tile')).not.toBe(tileGradBefore);

    // Idempotent: a second call replaces nothing (no wrapper around a wrapper, no "already registered" warning).
    const configs = entry.WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm'));
    const leakyGrad = tf.getGradient('LeakyRelu');
    const warn = vi.spyOn(console, 'warn');
    entry.registerWasmTrainingKernels();
    entry.registerWasmTrainingKernels();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    entry.WASM_TRAINING_KERNELS.forEach((name, i) => expect(tf.getKernel(name, 'wasm'), name).toBe(configs[i]));
    expect(tf.getGradient('LeakyRelu')).toBe(leakyGrad);
  });

  it('initWasmBackend starts the backend with the kernels registered, and again without re-registering', async () => {
    const { initWasmBackend, wasmTrainingKernelsRegistered } = await import('../../src/wasm/index.js');
    const info = await initWasmBackend(null);
    expect(info).toEqual({ backend: 'wasm', threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    const filter = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    await initWasmBackend({});
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(filter);
    // A filter gradient on WASM: dW of sum(conv2d(x, w)) for x of ones, 1x1 kernel = the number of pixels.
    const dw = tf.tidy(() => tf.grad((w: tf.Tensor) => tf.conv2d(tf.ones([2, 3, 3, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid').sum())(tf.ones([1, 1, 1, 1])));
    expect(Array.from(await dw.data())).toEqual([18]);
    dw.dispose();
    await tf.setBackend('cpu');
  });
});

describe('initWasmBackend validates its options before loading anything', () => {
  it.each([
    [{ threads: 0 }, 'INVALID_ARGUMENT', /threads must be a positive integer, got 0/],
    [{ threads: 1.5 }, 'INVALID_ARGUMENT', /got 1\.5/],
    [{ threads: Number.NaN }, 'INVALID_ARGUMENT', /got NaN/],
    [{ threads: 65 }, 'INVALID_RANGE', /threads must be at most 64, got 65/],
    [{ baseUrl: 3 }, 'INVALID_ARGUMENT', /baseUrl must be a URL string, got 3/],
    [5, 'INVALID_ARGUMENT', /options must be an object, got 5/],
  ])('%j -> %s', async (options, code, message) => {
    const { initWasmBackend } = await import('../../src/wasm/index.js');
    const before = tf.getBackend();
    await expect(initWasmBackend(options as never)).rejects.toThrow(expect.objectContaining({ name: 'GanHacksError', code, message: expect.stringMatching(message) }));
    expect(tf.getBackend()).toBe(before);
  });

  it('the positional baseUrl still works and warns once', async () => {
    const { initWasmBackend } = await import('../../src/wasm/index.js');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await initWasmBackend({ threads: 1 }, import.meta.url);
    await initWasmBackend({ threads: 1 }, import.meta.url);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/deprecated: initWasmBackend\(options, baseUrl\) goes away.*\{ \.\.\.options, baseUrl \}/);
    warn.mockRestore();
    await tf.setBackend('cpu');
  });
});
