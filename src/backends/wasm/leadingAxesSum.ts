import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';
import { atbGemmAvailable, columnSums } from './atbGemm.js';

/**
 * Whether a Sum reduces a float32 tensor over all but its last axis (the bias
 * gradient of every convolution and dense layer), which {@link leadingAxesSum} handles.
 */
export function isLeadingAxesSum(x: TensorInfo, axis: number | number[]): boolean {
  const rank = x.shape.length;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  return x.dtype === 'float32' && rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

/**
 * Sum over the leading axes in one pass over memory. tfjs-backend-wasm first
 * transposes the reduced axes innermost, a second full copy of the tensor. With a
 * multiple of 4 channels the pass runs on gan-hacks' SIMD tiles ({@link columnSums}).
 */
export function leadingAxesSum(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const keepDims = Boolean(args.attrs.keepDims);
  const c = x.shape[x.shape.length - 1];
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const ctx = new KernelContext(args.backend);
  try {
    const out = ctx.alloc(keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c]);
    let acc: Float64Array;
    // SIMD over channels where they come in fours (every DCGAN layer); a float64 loop otherwise.
    if (atbGemmAvailable(args.backend, c)) acc = columnSums(ctx, x, rows, c);
    else {
      acc = new Float64Array(c);
      const xv = ctx.view(x);
      for (let r = 0; r < rows; r++) {
        const base = r * c;
        for (let j = 0; j < c; j++) acc[j] += xv[base + j];
      }
    }
    ctx.view(out).set(acc);
    return ctx.keep(out);
  } finally {
    ctx.dispose();
  }
}
