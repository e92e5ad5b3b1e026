import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter } from './conv2dBackpropFilter.js';
import { conv2dBackpropInput } from './conv2dBackpropInput.js';
import { handlesSmallOutput, smallOutputConv2d } from './smallOutputConv2d.js';
import { isLeadingAxesSum, leadingAxesSum } from './leadingAxesSum.js';
import { isTransposedSingleMatMul, transposedMatMul } from './transposedMatMul.js';
import { tile } from './tile.js';
import { enableSecondOrderGradients } from '../../losses/secondOrder.js';

/** Names of the kernels gan-hacks registers on the WASM backend. */
export const WASM_TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Conv2D', 'FusedConv2D', 'Sum', 'BatchMatMul', 'Tile'] as const;

/** Replaces a native kernel, keeping its setup (the native function needs it) and falling back to it. */
function wrapNative(name: string, mine: tf.KernelFunc, use: (args: Parameters<tf.KernelFunc>[0]) => boolean): void {
  const native = tf.getKernel(name, 'wasm');
  if (!native) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    setupFunc: native.setupFunc,
    kernelFunc: (args) => (use(args) ? mine(args) : native.kernelFunc(args)),
  });
}

let registered = false;

/**
 * Registers the kernels that let the WASM backend train convolutional GANs:
 * `Conv2DBackpropFilter` (missing in tfjs-backend-wasm), a faster
 * `Conv2DBackpropInput` (the transposed convolution of every DCGAN
 * generator), `Conv2D` / `FusedConv2D` for 1-7 output channels (a
 * generator's output layer; other convolutions keep the native kernel), and
 * `Sum` over leading axes (bias gradients), and float32 `Tile` as block copies
 * (batch norm's gradient). It also registers a two-kernel
 * LeakyReLU gradient (identical values, for every backend).
 * Idempotent. Importing `gan-hacks/wasm` calls it.
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
  // Convolutions with 1-7 output channels (a generator's output layer) as a GEMM.
  for (const name of ['Conv2D', 'FusedConv2D']) {
    wrapNative(name, smallOutputConv2d as unknown as tf.KernelFunc, (a) => handlesSmallOutput(a.inputs, a.attrs as never));
  }
  // Transposed matrix products (every dense layer's gradients) reach XNNPACK too.
  const nativeMatMul = tf.getKernel('BatchMatMul', 'wasm');
  if (nativeMatMul) {
    wrapNative(
      'BatchMatMul',
      (args) => transposedMatMul({ ...args, attrs: args.attrs ?? {} }, nativeMatMul.kernelFunc),
      (a) => isTransposedSingleMatMul(a.inputs, a.attrs ?? {}),
    );
  }
  // Bias gradients: sums over every axis but the last, in one pass.
  wrapNative('Sum', leadingAxesSum as unknown as tf.KernelFunc, (a) => isLeadingAxesSum(a.inputs.x as tf.TensorInfo, a.attrs?.axis as number[]));
  // Batch norm's gradient tiles a per-channel vector over the batch: block copies.
  wrapNative('Tile', tile as unknown as tf.KernelFunc, (a) => (a.inputs.x as tf.TensorInfo).dtype === 'float32');
  useTwoPassLeakyReluGradient();
  // Layer norm (tfjs-layers tiles its statistics) and batch norm's gradient differentiate Tile.
  enableSecondOrderGradients();
}

/**
 * tfjs differentiates LeakyReLU as where(x > 0, dy, α·dy): three kernels and a
 * boolean mask. dy · step(x, α) is the same function (step gives 1 where x > 0,
 * α elsewhere) in two, and stays differentiable for gradient penalties.
 */
function useTwoPassLeakyReluGradient(): void {
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const alpha = (attrs as { alpha: number }).alpha;
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
}
