import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';

/** Copies `dst[start, start + len)` after itself until it fills `len · reps`, doubling each time. */
function replicate(dst: Float32Array, start: number, len: number, reps: number): void {
  const total = len * reps;
  for (let filled = len; filled < total; ) {
    const n = Math.min(filled, total - filled);
    dst.copyWithin(start + filled, start, start + n);
    filled += n;
  }
}

/**
 * `tile` for float32 as block copies. tfjs-backend-wasm computes every output
 * element's source index in scalar code (~34 ms to tile a [64] vector over
 * 8 × 28 × 28 positions), and batch norm's gradient tiles the inverse standard
 * deviation over the whole batch at every backward pass.
 */
export function tile(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const reps = args.attrs.reps as number[];
  const xs = x.shape;
  const rank = xs.length;
  const outShape = xs.map((d, i) => d * reps[i]);
  // outBlock[a]: elements of the output below axis a (one index of axes < a).
  const outBlock = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) outBlock[a] = outBlock[a + 1] * outShape[a];
  const srcStride = new Array<number>(rank + 1).fill(1);
  for (let a = rank - 1; a >= 0; a--) srcStride[a] = srcStride[a + 1] * xs[a];
  const ctx = new KernelContext(args.backend);
  try {
    const out = ctx.alloc(outShape);
    const src = ctx.view(x);
    const dst = ctx.view(out);
    if (rank === 0 || outBlock[0] === 0) {
      if (rank === 0) dst[0] = src[0];
      return ctx.keep(out);
    }
    // Writes the output block of x's sub-block at srcOffset (axes >= axis): each index of this axis
    // recursively, then the whole run repeated reps[axis] times.
    const fill = (axis: number, srcOffset: number, dstOffset: number): void => {
      if (axis === rank - 1) {
        dst.set(src.subarray(srcOffset, srcOffset + xs[axis]), dstOffset);
      } else {
        for (let i = 0; i < xs[axis]; i++) fill(axis + 1, srcOffset + i * srcStride[axis + 1], dstOffset + i * outBlock[axis + 1]);
      }
      replicate(dst, dstOffset, xs[axis] * outBlock[axis + 1], reps[axis]);
    };
    fill(0, 0, 0);
    return ctx.keep(out);
  } finally {
    ctx.dispose();
  }
}
