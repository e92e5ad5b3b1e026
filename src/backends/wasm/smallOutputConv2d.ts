import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';
import { convGeometry, type ConvAttrs, type ConvGeometry } from './geometry.js';
import { PATCH_GEMM_MAX, im2colConv } from './im2col.js';
import { patchActivationSlope, patchConvAvailable, patchConvForward, patchSmallOutputForward } from './patchConv.js';

/** At or above this many output channels XNNPACK's own convolution is efficient. */
export const SMALL_OUTPUT_MAX_CHANNELS = 7;

type Activation = 'linear' | 'relu' | 'relu6' | 'tanh' | 'sigmoid' | 'leakyrelu' | 'elu';

const ACTIVATIONS: Record<Activation, (v: number, alpha: number) => number> = {
  linear: (v) => v,
  relu: (v) => (v > 0 ? v : 0),
  relu6: (v) => Math.min(6, Math.max(0, v)),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  leakyrelu: (v, a) => (v > 0 ? v : a * v),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
};

/** Activations tfjs-backend-wasm's _FusedMatMul applies in its epilogue. */
const GEMM_ACTIVATIONS = new Set<string>(['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu']);

interface FusedConvAttrs extends ConvAttrs {
  dilations?: [number, number] | number;
  activation?: string;
  leakyreluAlpha?: number;
}

/** Whether {@link smallOutputConv2d} handles this call (else the native kernel does). */
export function handlesSmallOutput(inputs: tf.NamedTensorInfoMap, attrs: FusedConvAttrs): boolean {
  const filter = inputs.filter as TensorInfo;
  const dil = attrs.dilations ?? 1;
  const unitDilation = Array.isArray(dil) ? dil.every((d) => d === 1) : dil === 1;
  const activation = (attrs.activation ?? 'linear') as Activation;
  if (attrs.dataFormat === 'NCHW' || !unitDilation || inputs.preluActivationWeights !== undefined) return false;
  return (filter.shape[3] <= SMALL_OUTPUT_MAX_CHANNELS && activation in ACTIVATIONS) || isPatchGemm(inputs, activation);
}

/** Few taps × input channels (a discriminator's first layer) and an activation the GEMM can fuse: {@link im2colConv}. */
function isPatchGemm(inputs: tf.NamedTensorInfoMap, activation: string): boolean {
  const [kh, kw, ci, co] = (inputs.filter as TensorInfo).shape;
  const bias = inputs.bias as TensorInfo | undefined;
  return kh * kw * ci <= PATCH_GEMM_MAX && GEMM_ACTIVATIONS.has(activation) && (!bias || (bias.shape.length === 1 && bias.shape[0] === co));
}

/**
 * A convolution with few output channels as one GEMM and a shift-and-add:
 * P[m, (kh, kw, co)] = Σ x[m, ci] · W[kh, kw, ci, co] for every input pixel m,
 * then y[n, oh, ow, co] = Σ P[n, oh·s + kh − top, ow·s + kw − left, (kh, kw, co)].
 * XNNPACK's direct convolution of a 1-channel output (a generator's last
 * layer) leaves most of its tiles empty; the GEMM's columns are all taps.
 * Bias and activation of FusedConv2D are applied here too.
 */
export function smallOutputConv2d(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as FusedConvAttrs;
  const x = inputs.x as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const bias = inputs.bias as TensorInfo | undefined;
  const geometry = convGeometry('Conv2D', x.shape, filter.shape, attrs);
  const { n, ci, oh, ow, co, sh, sw } = geometry;
  const ctx = new KernelContext(backend);
  try {
    const activation = attrs.activation ?? 'linear';
    if (isPatchGemm(inputs, activation)) {
      const slope = patchActivationSlope(activation, attrs.leakyreluAlpha);
      if (slope !== null && patchConvAvailable(backend, 'fwd', co)) return ctx.keep(patchConvForward(ctx, x, filter, geometry, { bias, slope }));
      const y = im2colConv(ctx, x, filter, geometry, { bias, activation, leakyreluAlpha: attrs.leakyreluAlpha });
      return ctx.keep(ctx.run('Reshape', { x: y }, { shape: [n, oh, ow, co] }));
    }
    const out = ctx.alloc([n, oh, ow, co]);
    if (sh === 1 && sw === 1 && patchConvAvailable(backend, 'dx', ci)) patchSmallOutputForward(ctx, x, filter, out, geometry);
    else shiftAddForward(ctx, x, filter, out, geometry);
    const ov = ctx.view(out);
    const biasValues = bias ? Float32Array.from(ctx.view(bias)) : undefined;
    const act = ACTIVATIONS[(attrs.activation ?? 'linear') as Activation];
    const alpha = attrs.leakyreluAlpha ?? 0.2;
    for (let i = 0, size = ov.length; i < size; i += co) {
      for (let o = 0; o < co; o++) ov[i + o] = act(biasValues ? ov[i + o] + biasValues[o % biasValues.length] : ov[i + o], alpha);
    }
    return ctx.keep(out);
  } finally {
    ctx.dispose();
  }
}

/** The GEMM P = x · W' over every input pixel, then the shift-add of P's taps into `out` (no bias or activation). */
function shiftAddForward(ctx: KernelContext, x: TensorInfo, filter: TensorInfo, out: TensorInfo, g: ConvGeometry): void {
  const { n, h, w, ci, oh, ow, co, kh, kw, sh, sw, top, left } = g;
  const cols = kh * kw * co;
  const b = ctx.alloc([1, ci, cols]);
  {
    const wv = ctx.view(filter);
    const bv = ctx.view(b);
    for (let t = 0; t < kh * kw; t++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) bv[c * cols + t * co + o] = wv[(t * ci + c) * co + o];
  }
  const a = ctx.run('Reshape', { x }, { shape: [1, n * h * w, ci] });
  const p = ctx.matMul(a, b);
  const pv = ctx.view(p);
  const ov = ctx.view(out);
  ov.fill(0);
  // Input-major: P is read once, in order (it is kh·kw times the output's size and does not fit a cache),
  // and each input pixel's taps are added into the output positions they reach, which stay in cache.
  // Input pixel (ih, iw) reaches output (oh, ow) through tap (r, c) when oh·sh + r − top = ih.
  for (let img = 0; img < n; img++) {
    const outImage = img * oh * ow * co;
    for (let ih = 0; ih < h; ih++) {
      for (let r = 0; r < kh; r++) {
        const ty = ih + top - r;
        if (ty < 0 || ty % sh !== 0) continue;
        const y = ty / sh;
        if (y >= oh) continue;
        const outRow = outImage + y * ow * co;
        const inRow = ((img * h + ih) * w) * cols + r * kw * co;
        for (let c = 0; c < kw; c++) {
          if (sw === 1) {
            // Output column iw + left − c for every input column that reaches one: no test in the loop.
            const shift = left - c;
            const first = Math.max(0, -shift);
            const last = Math.min(w, ow - shift);
            if (co === 1) {
              for (let iw = first, src = inRow + first * cols + c, dst = outRow + first + shift; iw < last; iw++, src += cols, dst++) ov[dst] += pv[src];
            } else {
              for (let iw = first; iw < last; iw++) {
                const src = inRow + iw * cols + c * co;
                const dst = outRow + (iw + shift) * co;
                for (let o = 0; o < co; o++) ov[dst + o] += pv[src + o];
              }
            }
            continue;
          }
          for (let iw = 0; iw < w; iw++) {
            const tx = iw + left - c;
            if (tx < 0 || tx % sw !== 0) continue;
            const xo = tx / sw;
            if (xo >= ow) continue;
            const src = inRow + iw * cols + c * co;
            const dst = outRow + xo * co;
            for (let o = 0; o < co; o++) ov[dst + o] += pv[src + o];
          }
        }
      }
    }
  }
}
