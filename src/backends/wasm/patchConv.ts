import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { GanHacksError } from '../../errors/index.js';
import type { KernelContext, TensorInfo } from './kernelContext.js';
import type { ConvGeometry } from './geometry.js';
import { heapOffset, ownModule } from './ownModules.js';
import { PATCH_DW_WASM, PATCH_DW_WASM_SHARED, PATCH_DX_WASM, PATCH_DX_WASM_SHARED, PATCH_FWD_WASM, PATCH_FWD_WASM_SHARED } from './patchKernel.generated.js';

/*
 * A convolution whose taps × input channels are few (a discriminator's first layer: 4·4·1 = 16) does only that
 * many multiply-adds per output, so an im2col pass, which writes and re-reads a patch matrix as large as the
 * taps × positions, costs about as much as the GEMM after it. These kernels (scripts/wasm/patch-wat.ts) read
 * the taps straight from a zero-padded copy of x, through a table of byte offsets, in 2-position × 16-channel
 * SIMD tiles; the input gradient adds its products straight into a padded dx.
 */

type Walk = [nImg: number, rows: number, cols: number, sImg: number, sRow: number, sCol: number];
interface Kernels {
  fwd: (x: number, w: number, bias: number, y: number, ...rest: [...Walk, offs: number, taps: number, co: number, alpha: number]) => void;
  dx: (dy: number, wt: number, dxPadded: number, ...rest: [...Walk, offs: number, tapsPadded: number, co: number]) => void;
  dw: (x: number, dy: number, dw: number, ...rest: [...Walk, offs: number, taps: number, co: number]) => void;
}

function kernel<K extends keyof Kernels>(backend: BackendWasm, name: K): Kernels[K] | null {
  const bytes = { fwd: [PATCH_FWD_WASM, PATCH_FWD_WASM_SHARED], dx: [PATCH_DX_WASM, PATCH_DX_WASM_SHARED], dw: [PATCH_DW_WASM, PATCH_DW_WASM_SHARED] }[name];
  const exports = ownModule(backend, bytes[0], bytes[1]);
  return exports ? (exports[name] as unknown as Kernels[K]) : null;
}

/**
 * Whether the kernels may run at all; tests turn them off to check the im2col paths they replace (which remain
 * the fallback where the modules cannot compile).
 * @internal
 */
export const PATCH_KERNELS = { enabled: true };

/** The activations the forward kernel applies in its epilogue, as max(v, α·v): linear α = 1, relu α = 0, leaky α ∈ [0, 1]. */
export function patchActivationSlope(activation: string, leakyreluAlpha = 0.2): number | null {
  if (activation === 'linear') return 1;
  if (activation === 'relu') return 0;
  if (activation === 'leakyrelu' && leakyreluAlpha >= 0 && leakyreluAlpha <= 1) return leakyreluAlpha;
  return null;
}

/**
 * Whether the few-taps kernel for `pass` runs here: its module compiled on this heap, and (forward and filter
 * gradient, whose SIMD lanes are output channels) co a multiple of 4.
 */
export function patchConvAvailable(backend: BackendWasm, pass: keyof Kernels, co: number): boolean {
  if (!PATCH_KERNELS.enabled || (pass !== 'dx' && co % 4 !== 0)) return false;
  return kernel(backend, pass) !== null;
}

/** The padded image the kernels walk: every row and column a tap of some output reads, zeros outside x. */
interface Padded {
  hp: number;
  wp: number;
  walk: Walk;
}

function padded(g: ConvGeometry): Padded {
  const hp = (g.oh - 1) * g.sh + g.kh;
  const wp = (g.ow - 1) * g.sw + g.kw;
  const px = g.ci * 4;
  return { hp, wp, walk: [g.n, g.oh, g.ow, hp * wp * px, g.sh * wp * px, g.sw * px] };
}

/** Byte offsets of the taps (kh, kw, ci) from an output position's first input, into `table` (zeros past the taps). */
function fillTapOffsets(ctx: KernelContext, table: TensorInfo, g: ConvGeometry, wp: number): void {
  const view = ctx.view(table);
  const offs = new Int32Array(view.buffer, view.byteOffset, view.length);
  offs.fill(0);
  let t = 0;
  for (let r = 0; r < g.kh; r++) for (let c = 0; c < g.kw; c++) for (let ch = 0; ch < g.ci; ch++) offs[t++] = ((r * wp + c) * g.ci + ch) * 4;
}

/**
 * x copied into the padded buffer [n, hp, wp, ci] (x's pixel (ih, iw) at (ih + top, iw + left)), zeros elsewhere.
 * Plain loops: rows are a few dozen floats, shorter than what fill, set and subarray pay per call.
 */
function fillPadded(dst: Float32Array, x: Float32Array, g: ConvGeometry, p: Padded): void {
  const rowFloats = p.wp * g.ci;
  const before = g.left * g.ci;
  const copied = Math.max(0, Math.min(g.w, p.wp - g.left)) * g.ci;
  let d = 0;
  for (let n = 0; n < g.n; n++) {
    for (let r = 0; r < p.hp; r++) {
      const ih = r - g.top;
      const end = d + rowFloats;
      if (ih < 0 || ih >= g.h || copied === 0) {
        for (; d < end; d++) dst[d] = 0;
        continue;
      }
      for (let i = 0; i < before; i++) dst[d++] = 0;
      for (let i = 0, s = (n * g.h + ih) * g.w * g.ci; i < copied; i++) dst[d++] = x[s + i];
      for (; d < end; d++) dst[d] = 0;
    }
  }
}

/** No output position or channel: the kernels' loops count down from at least 1, so they must not be called. */
function isEmpty(g: ConvGeometry): boolean {
  return g.n * g.oh * g.ow * g.co === 0;
}

function need<K extends keyof Kernels>(ctx: KernelContext, pass: K, co: number): Kernels[K] {
  const k = pass !== 'dx' && co % 4 !== 0 ? null : kernel(ctx.backend, pass);
  if (!k) throw new GanHacksError('BACKEND_UNAVAILABLE', `gan-hacks/wasm: the few-taps convolution's ${pass} kernel cannot run here for ${co} output channels; check patchConvAvailable first.`);
  return k;
}

/**
 * The forward convolution y [n, oh, ow, co] = act(x * W + bias), act(v) = max(v, slope·v) (see
 * {@link patchActivationSlope}). Returns y (a new tensor in `ctx`).
 */
export function patchConvForward(ctx: KernelContext, x: TensorInfo, filter: TensorInfo, g: ConvGeometry, fused: { bias?: TensorInfo; slope: number }): TensorInfo {
  const fwd = need(ctx, 'fwd', g.co);
  if (isEmpty(g)) return ctx.alloc([g.n, g.oh, g.ow, g.co]);
  const p = padded(g);
  const taps = g.kh * g.kw * g.ci;
  const y = ctx.alloc([g.n, g.oh, g.ow, g.co]);
  const xp = ctx.alloc([g.n * p.hp * p.wp * g.ci]);
  const offs = ctx.alloc([taps]);
  const bias = fused.bias ?? ctx.alloc([g.co]);
  // Views after the last allocation: an allocation can grow the heap and detach them.
  if (!fused.bias) ctx.view(bias).fill(0);
  fillTapOffsets(ctx, offs, g, p.wp);
  fillPadded(ctx.view(xp), ctx.view(x), g, p);
  fwd(heapOffset(ctx, xp), heapOffset(ctx, filter), heapOffset(ctx, bias), heapOffset(ctx, y), ...p.walk, heapOffset(ctx, offs), taps, g.co, fused.slope);
  return y;
}

/** The input gradient dx [n, h, w, ci] of the convolution, from dy [n, oh, ow, co]; written into `out`. */
export function patchConvInputGradient(ctx: KernelContext, dy: TensorInfo, filter: TensorInfo, out: TensorInfo, g: ConvGeometry): void {
  const dx = need(ctx, 'dx', g.co);
  if (isEmpty(g)) {
    ctx.view(out).fill(0);
    return;
  }
  const p = padded(g);
  const taps = g.kh * g.kw * g.ci;
  // The kernel's SIMD lanes are taps: pad them to fours with zero weights (and offset 0, which adds 0).
  const tapsPadded = Math.ceil(taps / 4) * 4;
  const wt = ctx.alloc([g.co, tapsPadded]);
  const dxp = ctx.alloc([g.n * p.hp * p.wp * g.ci]);
  const offs = ctx.alloc([tapsPadded]);
  fillTapOffsets(ctx, offs, g, p.wp);
  {
    const wv = ctx.view(filter);
    const tv = ctx.view(wt);
    tv.fill(0);
    for (let t = 0; t < taps; t++) for (let j = 0; j < g.co; j++) tv[j * tapsPadded + t] = wv[t * g.co + j];
  }
  ctx.view(dxp).fill(0);
  dx(heapOffset(ctx, dy), heapOffset(ctx, wt), heapOffset(ctx, dxp), ...p.walk, heapOffset(ctx, offs), tapsPadded, g.co);
  // Crop: dx's pixel (ih, iw) is the padded one at (ih + top, iw + left); rows or columns no tap reads get 0.
  const ov = ctx.view(out);
  const pv = ctx.view(dxp);
  const rowFloats = g.w * g.ci;
  const copied = Math.max(0, Math.min(g.w, p.wp - g.left)) * g.ci;
  let d = 0;
  for (let n = 0; n < g.n; n++) {
    for (let ih = 0; ih < g.h; ih++) {
      const end = d + rowFloats;
      if (ih + g.top < p.hp) for (let i = 0, s = ((n * p.hp + ih + g.top) * p.wp + g.left) * g.ci; i < copied; i++) ov[d++] = pv[s + i];
      for (; d < end; d++) ov[d] = 0;
    }
  }
}

/**
 * Output positions per block of the filter gradient: a block of dy (512 positions × 64 channels, 128 KB) stays
 * in cache while every tile of dW reads it.
 */
const BLOCK_POSITIONS = 512;

/** The filter gradient dW [kh, kw, ci, co] of the convolution, from x and dy; written into `out` (overwritten). */
export function patchConvFilterGradient(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, out: TensorInfo, g: ConvGeometry): void {
  const dw = need(ctx, 'dw', g.co);
  if (isEmpty(g)) {
    ctx.view(out).fill(0);
    return;
  }
  const p = padded(g);
  const taps = g.kh * g.kw * g.ci;
  const xp = ctx.alloc([g.n * p.hp * p.wp * g.ci]);
  // One entry past the taps: a single-tap tile reads a second offset it does not use.
  const offs = ctx.alloc([taps + 1]);
  fillTapOffsets(ctx, offs, g, p.wp);
  fillPadded(ctx.view(xp), ctx.view(x), g, p);
  ctx.view(out).fill(0);
  const [, rows, cols, sImg, sRow, sCol] = p.walk;
  const perBlock = Math.max(1, Math.floor(BLOCK_POSITIONS / (rows * cols)));
  const px = heapOffset(ctx, xp);
  const pdy = heapOffset(ctx, dy);
  const pout = heapOffset(ctx, out);
  const po = heapOffset(ctx, offs);
  for (let n0 = 0; n0 < g.n; n0 += perBlock) {
    const count = Math.min(perBlock, g.n - n0);
    dw(px + n0 * sImg, pdy + n0 * rows * cols * g.co * 4, pout, count, rows, cols, sImg, sRow, sCol, po, taps, g.co);
  }
}

/**
 * A stride-1 convolution with few output channels (a generator's 1-channel output layer: 7·7·128 → 1) on the
 * input-gradient kernel, read the other way round: each input pixel's products with every (tap, output channel),
 * P[i, (kh, kw, co)] = Σ_ci x[i, ci] · W[kh, kw, ci, co], are added into a padded output at the output each tap
 * reaches (pixel i reaches output i + pad − tap). The SIMD lanes run over taps × output channels (49 for that layer),
 * where a convolution's would run over the one output channel; XNNPACK's GEMM on [pixels × 128] · [128 × 49] wastes
 * its 8-wide tiles on the last column. Writes y [n, oh, ow, co] without bias or activation into `out`.
 */
export function patchSmallOutputForward(ctx: KernelContext, x: TensorInfo, filter: TensorInfo, out: TensorInfo, g: ConvGeometry): void {
  const dx = need(ctx, 'dx', g.ci);
  if (g.sh !== 1 || g.sw !== 1) throw new GanHacksError('INVALID_ARGUMENT', 'gan-hacks/wasm: patchSmallOutputForward handles stride 1 only.');
  if (isEmpty(g) || g.h * g.w * g.ci === 0) {
    ctx.view(out).fill(0);
    return;
  }
  const cols = g.kh * g.kw * g.co;
  const colsPadded = Math.ceil(cols / 4) * 4;
  // Output pixel (oy, ox) at (oy + kh − 1 − top, ox + kw − 1 − left) of the padded output, so that every input
  // pixel's taps land inside it at non-negative offsets.
  const hq = g.h + g.kh - 1;
  const wq = g.w + g.kw - 1;
  const wt = ctx.alloc([g.ci, colsPadded]);
  const yp = ctx.alloc([g.n * hq * wq * g.co]);
  const offs = ctx.alloc([colsPadded]);
  {
    const view = ctx.view(offs);
    const table = new Int32Array(view.buffer, view.byteOffset, view.length);
    table.fill(0);
    const wv = ctx.view(filter);
    const tv = ctx.view(wt);
    tv.fill(0);
    for (let r = 0; r < g.kh; r++) {
      for (let c = 0; c < g.kw; c++) {
        for (let o = 0; o < g.co; o++) {
          const col = (r * g.kw + c) * g.co + o;
          table[col] = (((g.kh - 1 - r) * wq + (g.kw - 1 - c)) * g.co + o) * 4;
          for (let i = 0; i < g.ci; i++) tv[i * colsPadded + col] = wv[((r * g.kw + c) * g.ci + i) * g.co + o];
        }
      }
    }
  }
  ctx.view(yp).fill(0);
  const px = g.co * 4;
  dx(heapOffset(ctx, x), heapOffset(ctx, wt), heapOffset(ctx, yp), g.n, g.h, g.w, hq * wq * px, wq * px, px, heapOffset(ctx, offs), colsPadded, g.ci);
  // Explicit paddings can exceed the kernel (a transposed convolution's phases): outputs no pixel reaches are 0.
  const ov = ctx.view(out);
  const pv = ctx.view(yp);
  const shiftY = g.kh - 1 - g.top;
  const shiftX = g.kw - 1 - g.left;
  const oxFirst = Math.min(g.ow, Math.max(0, -shiftX));
  const oxEnd = Math.max(oxFirst, Math.min(g.ow, wq - shiftX));
  let d = 0;
  for (let n = 0; n < g.n; n++) {
    for (let oy = 0; oy < g.oh; oy++) {
      const row = oy + shiftY;
      const end = d + g.ow * g.co;
      if (row >= 0 && row < hq) {
        for (const stop = d + oxFirst * g.co; d < stop; d++) ov[d] = 0;
        for (let i = 0, s = ((n * hq + row) * wq + oxFirst + shiftX) * g.co, count = (oxEnd - oxFirst) * g.co; i < count; i++) ov[d++] = pv[s + i];
      }
      for (; d < end; d++) ov[d] = 0;
    }
  }
}
