import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';

/** Whether {@link leakyRelu} handles this call: float32 input (int32 keeps the native kernel). */
export function isFloatLeakyRelu(inputs: tf.NamedTensorInfoMap): boolean {
  return (inputs.x as TensorInfo).dtype === 'float32';
}

/**
 * LeakyReLU as x · step(x, α): the step is 1 above zero and α elsewhere (NaN
 * for NaN), so the product is x above zero, α·x otherwise, NaN for NaN, with
 * the same rounding as the native kernel. Two of tfjs-backend-wasm's SIMD
 * passes (~3 ms each on a [128, 28, 28, 128] activation, one thread) instead
 * of its LeakyRelu, a scalar loop (~30-70 ms there); a DCGAN applies it after
 * every layer.
 */
export function leakyRelu(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const ctx = new KernelContext(args.backend);
  try {
    const step = ctx.run('Step', { x }, { alpha: Number(args.attrs.alpha ?? 0.2) });
    return ctx.keep(ctx.run('Multiply', { a: x, b: step }));
  } finally {
    ctx.dispose();
  }
}

/**
 * Identity that shares its input's memory, as tfjs's CPU backend does,
 * instead of copying it (tfjs-backend-wasm copies: ~4 ms per 12.8 M floats,
 * and tfjs routes every customGrad output and tf.clone through it). Safe
 * because no WASM kernel writes into its inputs; the backend's reference count
 * frees the memory when the last holder is disposed.
 */
export function sharedIdentity(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
