import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';

const outer = (t: TensorInfo): number => t.shape.slice(0, -2).reduce((a, b) => a * b, 1);

/** A single (batch 1) product with a transposed operand, which tfjs-backend-wasm computes with a naive loop. */
export function isTransposedSingleMatMul(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): boolean {
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  return Boolean(attrs.transposeA || attrs.transposeB) && a.dtype === 'float32' && outer(a) === 1 && outer(b) === 1;
}

/** Transposes the flagged operands explicitly, then lets the native kernel take its XNNPACK path. */
export function transposedMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }, native: tf.KernelFunc): TensorInfo {
  const backend = args.backend as BackendWasm;
  const ctx = new KernelContext(backend);
  try {
    const swap = (t: TensorInfo): TensorInfo => {
      const r = t.shape.length;
      const perm = [...Array(r).keys()];
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return ctx.run('Transpose', { x: t }, { perm });
    };
    const a = args.attrs.transposeA ? swap(args.inputs.a as TensorInfo) : (args.inputs.a as TensorInfo);
    const b = args.attrs.transposeB ? swap(args.inputs.b as TensorInfo) : (args.inputs.b as TensorInfo);
    return native({ inputs: { a, b }, backend: backend as never, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
  } finally {
    ctx.dispose();
  }
}
