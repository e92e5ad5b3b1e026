import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter } from './conv2dBackpropFilter.js';
import { conv2dBackpropInput } from './conv2dBackpropInput.js';
import { handlesSmallOutput, smallOutputConv2d } from './smallOutputConv2d.js';
import { isLeadingAxesSum, leadingAxesSum } from './leadingAxesSum.js';
import { isTransposedSingleMatMul, transposedMatMul } from './transposedMatMul.js';
import { tile } from './tile.js';
import { isFloatLeakyRelu, leakyRelu, sharedIdentity } from './leakyRelu.js';
import { enableSecondOrderGradients } from '../../losses/secondOrder.js';
import { GanHacksError } from '../../errors/index.js';

/**
 * Names of the kernels {@link registerWasmTrainingKernels} registers on the WASM backend.
 *
 * @example
 * ```ts
 * for (const name of WASM_TRAINING_KERNELS) console.log(name, tf.getKernel(name, 'wasm') !== undefined);
 * ```
 */
export const WASM_TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Conv2D', 'FusedConv2D', 'Sum', 'BatchMatMul', 'Tile', 'LeakyRelu', 'Identity'] as const;

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

/**
 * Marks the kernel configs gan-hacks registered. A symbol in the global
 * registry, so that two copies of gan-hacks in one process (an ESM and a CJS
 * build, say) still see each other's registration and never wrap twice.
 */
const MARK = Symbol.for('gan-hacks.wasmTrainingKernels');

/**
 * Whether the training kernels are registered on the `wasm` backend (by any
 * copy of gan-hacks loaded in this process).
 *
 * @example
 * ```ts
 * import { wasmTrainingKernelsRegistered } from 'gan-hacks/wasm';
 * console.log(wasmTrainingKernelsRegistered()); // false until initWasmBackend() or registerWasmTrainingKernels()
 * ```
 */
export function wasmTrainingKernelsRegistered(): boolean {
  const config = tf.getKernel('Conv2DBackpropFilter', 'wasm') as (tf.KernelConfig & { [MARK]?: true }) | undefined;
  return config?.[MARK] === true;
}

/**
 * Registers the kernels that let the WASM backend train convolutional GANs:
 * `Conv2DBackpropFilter` (missing in tfjs-backend-wasm), a faster
 * `Conv2DBackpropInput` (the transposed convolution of every DCGAN
 * generator), `Conv2D` / `FusedConv2D` for 1-7 output channels (a
 * generator's output layer; other convolutions keep the native kernel),
 * transposed `BatchMatMul`, `Sum` over leading axes (bias gradients), and
 * float32 `Tile` as block copies (batch norm's gradient), `LeakyRelu` on
 * XNNPACK's SIMD passes, and an `Identity` that shares memory instead of copying.
 *
 * It also changes three gradients, globally (for every backend, since tfjs
 * keeps one gradient registry): a two-kernel LeakyReLU gradient (identical
 * values), and those of {@link enableSecondOrderGradients} (zero gradients
 * for comparison ops, a one-pass Tile gradient).
 *
 * Nothing does this on import: {@link initWasmBackend} calls it, and so does
 * `useFastestBackend()` when it picks WASM. Call it yourself only when you
 * start the backend yourself, after importing `@tensorflow/tfjs-backend-wasm`
 * (which registers the native kernels these wrap). Idempotent: later calls do
 * nothing.
 *
 * @throws GanHacksError `BACKEND_UNAVAILABLE` when `@tensorflow/tfjs-backend-wasm`
 * was not imported yet (its native kernels are missing); nothing is registered then.
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from 'gan-hacks/wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 * ```
 */
export function registerWasmTrainingKernels(): void {
  if (wasmTrainingKernelsRegistered()) return;
  if (!tf.getKernel('Conv2D', 'wasm') || !tf.getKernel('Conv2DBackpropInput', 'wasm')) {
    throw new GanHacksError(
      'BACKEND_UNAVAILABLE',
      "registerWasmTrainingKernels(): the WASM backend's kernels are not registered. Import '@tensorflow/tfjs-backend-wasm' first, or call initWasmBackend(), which imports it and registers the training kernels.",
    );
  }
  const native = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (native) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The native kernel's setup must still run: other code may call it.
    setupFunc: native?.setupFunc,
    kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
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
  // LeakyReLU after every layer: the native kernel is a scalar loop.
  wrapNative('LeakyRelu', leakyRelu as unknown as tf.KernelFunc, (a) => isFloatLeakyRelu(a.inputs));
  // Identity (customGrad outputs, clones) without a copy, except for strings.
  wrapNative('Identity', sharedIdentity as unknown as tf.KernelFunc, (a) => (a.inputs.x as tf.TensorInfo).dtype !== 'string');
  useTwoPassLeakyReluGradient();
  // Layer norm (tfjs-layers tiles its statistics) and batch norm's gradient differentiate Tile.
  enableSecondOrderGradients();
  // Registered last: its mark is what later calls check.
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  const filterGradient: tf.KernelConfig & { [MARK]: true } = {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
    [MARK]: true,
  };
  tf.registerKernel(filterGradient);
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
