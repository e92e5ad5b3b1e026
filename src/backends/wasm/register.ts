import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter } from './conv2dBackpropFilter.js';
import { conv2dBackpropInput } from './conv2dBackpropInput.js';

/** Names of the kernels gan-hacks registers on the WASM backend. */
export const WASM_TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const;

let registered = false;

/**
 * Registers the kernels that let the WASM backend train convolutional GANs:
 * `Conv2DBackpropFilter` (missing in tfjs-backend-wasm) and a faster
 * `Conv2DBackpropInput` (the transposed convolution of every DCGAN
 * generator). Idempotent. Importing `gan-hacks/wasm` calls it.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from 'gan-hacks/wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * ```
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const native = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (native) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The native kernel's setup must still run: other code may call it.
    setupFunc: native?.setupFunc,
    kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
  });
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
  });
}
