import type { KernelContext, TensorInfo } from './kernelContext.js';
import type { ConvGeometry } from './geometry.js';

/**
 * At most this many taps × channels on the narrow side of a convolution, its
 * kernels run as one GEMM over an im2col (or a GEMM then a col2im) instead of
 * XNNPACK's convolution, whose reduction (taps × input channels) is then too
 * short to keep its SIMD tiles busy: a discriminator's first layer (4·4·1 = 16)
 * ran at a third of the large convolutions' rate, a generator's 1-channel
 * output layer's input gradient (7·7·1 = 49) at a half.
 */
export const PATCH_GEMM_MAX = 64;

/** W [kh, kw, ci, co] as a matrix [(kh, kw, ci), co] is W itself; this gives [(kh, kw, co), ci]. */
function filterTapsByOutput(w: Float32Array, dst: Float32Array, taps: number, ci: number, co: number): void {
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) dst[(t * co + o) * ci + c] = w[(t * ci + c) * co + o];
  }
}

/**
 * Writes the patches of `src` [n, srcH, srcW, c] read at every position (p, q) of an
 * n × gridH × gridW grid, row by row: tap (kh, kw) reads src row p·stride + sign·kh + offH
 * and column q·stride + sign·kw + offW (zero outside src); a row of `dst` is kh·kw·c long.
 * With `firstRow` and `rowCount`, only those grid rows (row n·gridH + p), from the start of `dst`.
 */
function gatherPatches(
  dst: Float32Array,
  src: Float32Array,
  s: { n: number; srcH: number; srcW: number; c: number; gridH: number; gridW: number; kh: number; kw: number; strideH: number; strideW: number; sign: 1 | -1; offH: number; offW: number },
  firstRow = 0,
  rowCount = s.n * s.gridH,
): void {
  const rowLen = s.kw * s.c;
  let d = 0;
  // Source row of each tap row kh for the current grid row, −1 where it reads padding.
  const rowBases = new Int32Array(s.kh);
  // Grid rows firstRow .. firstRow + rowCount of all images, row r = n·gridH + p.
  for (let row = firstRow; row < firstRow + rowCount; row++) {
    const p = row % s.gridH;
    const n = (row - p) / s.gridH;
    if (s.c === 1) {
      // One channel (a discriminator's input, a 1-channel layer's dy): the columns every tap reads inside the
      // source need no per-tap test; only the grid's first and last columns can read padding.
      for (let kh = 0; kh < s.kh; kh++) {
        const r = p * s.strideH + s.sign * kh + s.offH;
        rowBases[kh] = r < 0 || r >= s.srcH ? -1 : (n * s.srcH + r) * s.srcW;
      }
      d = gatherOneChannelRow(dst, src, s, rowBases, d);
      continue;
    }
    for (let q = 0; q < s.gridW; q++) {
      // Taps kw whose column lies inside the source: kwLo ≤ kw < kwHi (the others read padding, zeros),
      // so the copy loops below need no bounds test (4.9M single-channel taps in G's output layer).
      const col0 = q * s.strideW + s.offW;
      const kwLo = s.sign === 1 ? Math.max(0, -col0) : Math.max(0, col0 - s.srcW + 1);
      const kwHi = s.sign === 1 ? Math.min(s.kw, s.srcW - col0) : Math.min(s.kw, col0 + 1);
      for (let kh = 0; kh < s.kh; kh++) {
        const r = p * s.strideH + s.sign * kh + s.offH;
        if (r < 0 || r >= s.srcH || kwLo >= kwHi) {
          for (let i = 0; i < rowLen; i++) dst[d + i] = 0;
          d += rowLen;
          continue;
        }
        for (let i = 0; i < kwLo * s.c; i++) dst[d + i] = 0;
        for (let i = kwHi * s.c; i < rowLen; i++) dst[d + i] = 0;
        const rowBase = (n * s.srcH + r) * s.srcW;
        for (let kw = kwLo; kw < kwHi; kw++) {
          const base = (rowBase + col0 + s.sign * kw) * s.c;
          const at = d + kw * s.c;
          for (let c = 0; c < s.c; c++) dst[at + c] = src[base + c];
        }
        d += rowLen;
      }
    }
  }
}

/** {@link gatherPatches} of one grid row of a 1-channel source; returns the next write position. */
function gatherOneChannelRow(
  dst: Float32Array,
  src: Float32Array,
  s: { srcW: number; gridW: number; kh: number; kw: number; strideW: number; sign: 1 | -1; offW: number },
  rowBases: Int32Array,
  d: number,
): number {
  const { kh: taps, kw, sign, srcW } = s;
  for (let q = 0; q < s.gridW; q++) {
    const col0 = q * s.strideW + s.offW;
    const kwLo = sign === 1 ? Math.max(0, -col0) : Math.max(0, col0 - srcW + 1);
    const kwHi = sign === 1 ? Math.min(kw, srcW - col0) : Math.min(kw, col0 + 1);
    const interior = kwLo === 0 && kwHi === kw;
    for (let kh = 0; kh < taps; kh++, d += kw) {
      const base = rowBases[kh];
      if (base < 0) {
        for (let i = 0; i < kw; i++) dst[d + i] = 0;
      } else if (interior) {
        for (let i = 0, from = base + col0; i < kw; i++, from += sign) dst[d + i] = src[from];
      } else {
        for (let i = 0; i < kw; i++) dst[d + i] = i >= kwLo && i < kwHi ? src[base + col0 + sign * i] : 0;
      }
    }
  }
  return d;
}

/**
 * The forward convolution as im2col(x) · W: A[(n, oh, ow), (kh, kw, ci)] =
 * x[n, oh·sh + kh − top, ow·sw + kw − left, ci] (zero outside x), and W
 * [kh, kw, ci, co] is already the matrix [(kh, kw, ci), co]. For few taps ×
 * input channels (≤ {@link PATCH_GEMM_MAX}), so A stays small. Returns
 * [n·oh·ow, co] (reshape to [n, oh, ow, co]); bias and activation are the caller's.
 */
export function im2colConv(ctx: KernelContext, x: TensorInfo, filter: TensorInfo, g: ConvGeometry, fused?: { bias?: TensorInfo; activation: string; leakyreluAlpha?: number }): TensorInfo {
  const a = forwardPatches(ctx, x, g);
  const b = ctx.run('Reshape', { x: filter }, { shape: [1, g.kh * g.kw * g.ci, g.co] });
  if (!fused) return ctx.matMul(a, b);
  // Bias and activation in the GEMM's epilogue (tfjs-backend-wasm's _FusedMatMul).
  const inputs: Record<string, TensorInfo> = { a, b };
  if (fused.bias) inputs.bias = fused.bias;
  return ctx.run('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation: fused.activation, leakyreluAlpha: fused.leakyreluAlpha ?? 0.2 });
}

/**
 * The input gradient of a stride-1 convolution whose dy has few taps × channels
 * (≤ {@link PATCH_GEMM_MAX}; a generator's 1-channel output layer): dx =
 * A · W' with A[(n, h, w), (kh, kw, co)] = dy[n, h + top − kh, w + left − kw, co]
 * (zero outside dy) and W'[(kh, kw, co), ci] = W[kh, kw, ci, co]. Returns
 * [n·h·w, ci], which is dx.
 */
export function im2colInputGradient(ctx: KernelContext, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const taps = g.kh * g.kw;
  const cols = taps * g.co;
  const a = inputGradientPatches(ctx, dy, g);
  const b = ctx.alloc([1, cols, g.ci]);
  filterTapsByOutput(ctx.view(filter), ctx.view(b), taps, g.ci, g.co);
  return ctx.matMul(a, b);
}

/**
 * The forward convolution's im2col of x, [1, n·oh·ow, kh·kw·ci]: row (n, oh, ow) holds
 * x[n, oh·sh + kh − top, ow·sw + kw − left, ci] over (kh, kw, ci), zero outside x.
 */
export function forwardPatches(ctx: KernelContext, x: TensorInfo, g: ConvGeometry): TensorInfo {
  const a = ctx.alloc([1, g.n * g.oh * g.ow, g.kh * g.kw * g.ci]);
  gatherPatches(ctx.view(a), ctx.view(x), { n: g.n, srcH: g.h, srcW: g.w, c: g.ci, gridH: g.oh, gridW: g.ow, kh: g.kh, kw: g.kw, strideH: g.sh, strideW: g.sw, sign: 1, offH: -g.top, offW: -g.left });
  return a;
}

/**
 * A stride-1 convolution's im2col of dy over x's positions, [1, n·h·w, kh·kw·co]: row (n, h, w) holds
 * dy[n, h + top − kh, w + left − kw, co] over (kh, kw, co), zero outside dy (the taps through which x[n, h, w]
 * reached dy).
 */
export function inputGradientPatches(ctx: KernelContext, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const a = ctx.alloc([1, g.n * g.h * g.w, g.kh * g.kw * g.co]);
  fillInputGradientPatches(ctx.view(a), ctx.view(dy), g);
  return a;
}

/** {@link inputGradientPatches} into `dst`, for x's image rows firstRow .. firstRow + rowCount (row n·h + h') only. */
export function fillInputGradientPatches(dst: Float32Array, dy: Float32Array, g: ConvGeometry, firstRow = 0, rowCount = g.n * g.h): void {
  gatherPatches(dst, dy, { n: g.n, srcH: g.oh, srcW: g.ow, c: g.co, gridH: g.h, gridW: g.w, kh: g.kh, kw: g.kw, strideH: 1, strideW: 1, sign: -1, offH: g.top, offW: g.left }, firstRow, rowCount);
}

/**
 * The input gradient when dx has few taps × channels (≤ {@link PATCH_GEMM_MAX};
 * a discriminator's first layer, any stride): P = dy · Wᵀ, P[m, (kh, kw, ci)] =
 * Σ_co dy[m, co] · W[kh, kw, ci, co], one GEMM, then each input pixel sums the
 * P entries whose taps read it (a col2im). Writes dx into `out`.
 */
export function col2imInputGradient(ctx: KernelContext, dy: TensorInfo, filter: TensorInfo, out: TensorInfo, g: ConvGeometry): void {
  const cols = g.kh * g.kw * g.ci;
  const rows = g.n * g.oh * g.ow;
  const a = ctx.run('Reshape', { x: dy }, { shape: [1, rows, g.co] });
  const b = ctx.run('Transpose', { x: ctx.run('Reshape', { x: filter }, { shape: [cols, g.co] }) }, { perm: [1, 0] });
  const p = ctx.matMul(a, ctx.run('Reshape', { x: b }, { shape: [1, g.co, cols] }));
  const pv = ctx.view(p);
  const ov = ctx.view(out);
  // A gather rather than a scatter: each input pixel sums the few P entries whose taps read it (kh with
  // ih + top − kh a multiple of the stride, 4 of 16 taps for a 4×4 stride-2 kernel), written once, where
  // adding each P row into the pixels it reads costs a read-modify-write per tap.
  const rowTaps = tapLists(g.h, g.oh, g.kh, g.sh, g.top);
  const colTaps = tapLists(g.w, g.ow, g.kw, g.sw, g.left);
  // Offsets into P: a row tap (kh, oh) of image n at rowOff + n·OH·OW·cols, a column tap (kw, ow) at colOff.
  const rowOff = rowTaps.out.map((oh, a) => oh * g.ow * cols + rowTaps.tap[a] * g.kw * g.ci);
  const colOff = colTaps.out.map((ow, b) => ow * cols + colTaps.tap[b] * g.ci);
  let dst = 0;
  for (let n = 0; n < g.n; n++) {
    const image = n * g.oh * g.ow * cols;
    for (let ih = 0; ih < g.h; ih++) {
      const r0 = rowTaps.start[ih];
      const r1 = rowTaps.start[ih + 1];
      for (let iw = 0; iw < g.w; iw++, dst += g.ci) {
        const c0 = colTaps.start[iw];
        const c1 = colTaps.start[iw + 1];
        for (let c = 0; c < g.ci; c++) {
          let sum = 0;
          for (let a = r0; a < r1; a++) {
            const base = image + rowOff[a] + c;
            for (let b = c0; b < c1; b++) sum += pv[base + colOff[b]];
          }
          ov[dst + c] = sum;
        }
      }
    }
  }
}

/**
 * For each input coordinate i (of `size`) along one axis, the (tap, output) pairs with i = out·stride + tap − pad
 * and out inside [0, outSize): entries start[i] .. start[i + 1] of `tap` and `out`.
 */
function tapLists(size: number, outSize: number, taps: number, stride: number, pad: number): { start: Int32Array; tap: Int32Array; out: Int32Array } {
  const start = new Int32Array(size + 1);
  const tap: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    start[i] = tap.length;
    for (let k = 0; k < taps; k++) {
      const t = i + pad - k;
      if (t < 0 || t % stride !== 0 || t / stride >= outSize) continue;
      tap.push(k);
      out.push(t / stride);
    }
  }
  start[size] = tap.length;
  return { start, tap: Int32Array.from(tap), out: Int32Array.from(out) };
}
