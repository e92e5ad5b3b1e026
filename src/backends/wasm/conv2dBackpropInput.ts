import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';
import { checkKernelArgs, checkOutputShape, convGeometry, type ConvAttrs } from './geometry.js';
import { PATCH_GEMM_MAX, col2imInputGradient, im2colInputGradient } from './im2col.js';
import { patchConvAvailable, patchConvInputGradient } from './patchConv.js';

interface InputGradAttrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

/** One axis of a phase: which kernel taps reach output rows ≡ r (mod s), and where their dy window starts. */
interface AxisPhase {
  /** First kernel tap of the phase, (r + pad) mod s. */
  first: number;
  /** Number of taps: first, first + s, ... below k. */
  taps: number;
  /** Zero rows to add before dy (negative: rows to drop from the conv output). */
  padBefore: number;
  /** Zero rows to add after dy. */
  padAfter: number;
}

function axisPhase(r: number, s: number, k: number, pad: number, outCount: number, dyCount: number): AxisPhase {
  const first = (r + pad) % s;
  const offset = Math.floor((r + pad) / s);
  const taps = first >= k ? 0 : Math.ceil((k - first) / s);
  // Output q of the phase reads dy rows q + offset − taps + 1 ... q + offset.
  return { first, taps, padBefore: taps - 1 - offset, padAfter: Math.max(0, outCount + offset - dyCount) };
}

/**
 * The input gradient of a convolution, which is also the forward pass of a
 * transposed convolution (every DCGAN generator), as s² small stride-1
 * convolutions on XNNPACK.
 *
 * Output rows ≡ r (mod s) only see the kernel taps ≡ (r + pad) (mod s), so
 * each phase is an ordinary valid convolution of (padded) dy with that
 * sub-kernel, flipped and with its channel axes swapped; the phases are then
 * interleaved. The native kernel instead loops over every output and tap in
 * scalar code.
 *
 * A kernel function (TensorInfos in and out, no tf ops): tfjs calls it for
 * `Conv2DBackpropInput` on `wasm` once {@link registerWasmTrainingKernels} ran.
 *
 * @example
 * ```ts
 * await initWasmBackend();
 * const y = tf.conv2dTranspose(x, w, [64, 28, 28, 32], 2, 'same'); // runs conv2dBackpropInput
 * ```
 */
export function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): TensorInfo {
  checkKernelArgs('Conv2DBackpropInput', args, ['dy', 'filter'], 'inputShape');
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as InputGradAttrs;
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const g = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape, attrs);
  checkOutputShape('Conv2DBackpropInput', dy.shape, g);
  const { n, h, w, ci, oh, ow, co, kh, kw, sh, sw } = g;
  const qh = Math.ceil(h / sh);
  const qw = Math.ceil(w / sw);
  const ctx = new KernelContext(backend);
  try {
    // Few taps × channels on one side: a GEMM with a long enough reduction instead of XNNPACK's convolution.
    if (sh === 1 && sw === 1 && kh * kw * co <= PATCH_GEMM_MAX && co <= ci) {
      return ctx.keep(ctx.run('Reshape', { x: im2colInputGradient(ctx, dy, filter, g) }, { shape: [n, h, w, ci] }));
    }
    const out = ctx.alloc([n, h, w, ci]);
    if (kh * kw * ci <= PATCH_GEMM_MAX) {
      if (patchConvAvailable(backend, 'dx', co)) patchConvInputGradient(ctx, dy, filter, out, g);
      else col2imInputGradient(ctx, dy, filter, out, g);
      return ctx.keep(out);
    }
    // A kernel smaller than its stride leaves some phases untouched: zeros.
    if (kh < sh || kw < sw) ctx.view(out).fill(0);
    for (let rh = 0; rh < sh && rh < h; rh++) {
      const ph = axisPhase(rh, sh, kh, g.top, qh, oh);
      for (let rw = 0; rw < sw && rw < w; rw++) {
        const pw = axisPhase(rw, sw, kw, g.left, qw, ow);
        if (ph.taps === 0 || pw.taps === 0) continue;
        // Sub-kernel, flipped, channels swapped: F[j, i, co, ci] = W[first + s(J−1−j), ..., ci, co].
        const f = ctx.alloc([ph.taps, pw.taps, co, ci]);
        const fv = ctx.view(f);
        const wv = ctx.view(filter);
        for (let j = 0; j < ph.taps; j++) {
          const fh = ph.first + sh * (ph.taps - 1 - j);
          for (let i = 0; i < pw.taps; i++) {
            const fw = pw.first + sw * (pw.taps - 1 - i);
            const src = (fh * kw + fw) * ci * co;
            const dst = (j * pw.taps + i) * co * ci;
            for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) fv[dst + o * ci + c] = wv[src + c * co + o];
          }
        }
        const pad = [
          [0, 0],
          [Math.max(0, ph.padBefore), ph.padAfter],
          [Math.max(0, pw.padBefore), pw.padAfter],
          [0, 0],
        ];
        const phase = ctx.run('Conv2D', { x: dy, filter: f }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
        const dropH = Math.max(0, -ph.padBefore);
        const dropW = Math.max(0, -pw.padBefore);
        const [, phH, phW] = phase.shape;
        const pv = ctx.view(phase);
        const ov = ctx.view(out);
        for (let b = 0; b < n; b++) {
          for (let q = 0; q * sh + rh < h; q++) {
            const row = q + dropH;
            if (sw === 1) {
              const src = ((b * phH + row) * phW + dropW) * ci;
              ov.set(pv.subarray(src, src + w * ci), ((b * h + q * sh + rh) * w) * ci);
              continue;
            }
            for (let t = 0; t * sw + rw < w; t++) {
              const src = ((b * phH + row) * phW + t + dropW) * ci;
              const dst = ((b * h + q * sh + rh) * w + t * sw + rw) * ci;
              ov.set(pv.subarray(src, src + ci), dst);
            }
          }
        }
        ctx.free(f, phase);
      }
    }
    return ctx.keep(out);
  } finally {
    ctx.dispose();
  }
}
