import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelContext, type TensorInfo } from './kernelContext.js';
import { checkKernelArgs, checkOutputShape, convGeometry, type ConvAttrs, type ConvGeometry } from './geometry.js';
import { PATCH_GEMM_MAX, fillInputGradientPatches, forwardPatches } from './im2col.js';
import { atbGemm, atbGemmAvailable, atbGemmFilled } from './atbGemm.js';
import { patchConvAvailable, patchConvFilterGradient } from './patchConv.js';

/** Rows of the reduction (N·OH·OW) handled per GEMM, so packed operands stay cache-friendly. */
const CHUNK_ROWS = 4096;

/**
 * How the few-channel filter gradients run. `transposedGemm`: gan-hacks' own GEMM tiles ({@link atbGemm}) where
 * they can run, else XNNPACK's GEMM. `blockFloats`: the floats of one block of the XNNPACK form's reduction in
 * {@link inputGridGemm}, both operands together, sized to stay in cache while the GEMM's tiles read them.
 * @internal Mutable so that tests can run the XNNPACK form, in many blocks, on small inputs.
 */
export const FILTER_GRADIENT_LIMITS = { transposedGemm: true, blockFloats: 1024 * 1024 };

/** Positions per block of dy's patches for {@link atbGemmFilled}: whole image rows, about 512 positions. */
const ATB_BLOCK_POSITIONS = 512;

/** Whether {@link atbGemm} computes a product with `n` columns here. */
function transposedGemmFor(ctx: KernelContext, n: number): boolean {
  return FILTER_GRADIENT_LIMITS.transposedGemm && atbGemmAvailable(ctx.backend, n);
}

/** Below this many output channels, XNNPACK's convolution tiles are mostly empty: use the GEMM path. */
const CONV_PATH_MIN_CHANNELS = 8;

interface FilterGradAttrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

/**
 * The filter gradient dW[kh, kw, ci, co] = Σ x[n, oh·s + kh − top, ow·s + kw − left, ci] · dy[n, oh, ow, co]
 * on XNNPACK.
 *
 * A stride-s convolution splits into s² stride-1 problems, one per phase
 * (kh mod s, kw mod s) of the kernel. For each, dW is itself a valid
 * convolution: the phase's sub-grid of x, laid out [Ci, h, w, N] (channels
 * become the batch, the batch becomes channels), convolved with dy as the
 * filter [OH, OW, N, Co]. XNNPACK packs dy once and reads x through its
 * indirection buffer, with no im2col copy. Phases of equal shape run as one
 * convolution, stacked along the batch axis.
 *
 * With few output channels (Co < 8: the 1-channel output layer of a
 * generator) XNNPACK's convolution wastes most of its tiles, so those cases
 * use a GEMM over an im2col of x or of dy instead, whichever copies fewer numbers.
 *
 * A kernel function (TensorInfos in and out, no tf ops): tfjs calls it for
 * `Conv2DBackpropFilter` on `wasm` once {@link registerWasmTrainingKernels} ran.
 *
 * @example
 * ```ts
 * await initWasmBackend();
 * const dw = tf.grad((w: tf.Tensor4D) => tf.conv2d(x, w, 2, 'same').sum())(w); // runs conv2dBackpropFilter
 * ```
 */
export function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap }): TensorInfo {
  checkKernelArgs('Conv2DBackpropFilter', args, ['x', 'dy'], 'filterShape');
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as FilterGradAttrs;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const geometry = convGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
  checkOutputShape('Conv2DBackpropFilter', dy.shape, geometry);
  const ctx = new KernelContext(backend);
  try {
    const out = ctx.alloc(attrs.filterShape);
    ctx.view(out).fill(0);
    if (geometry.kh * geometry.kw * geometry.ci <= PATCH_GEMM_MAX) {
      if (patchConvAvailable(backend, 'dw', geometry.co)) patchConvFilterGradient(ctx, x, dy, out, geometry);
      else patchGemm(ctx, x, dy, out, geometry);
    }
    else if (geometry.co >= CONV_PATH_MIN_CHANNELS) convPath(ctx, x, dy, out, geometry);
    else if (geometry.sh === 1 && geometry.sw === 1) inputGridGemm(ctx, x, dy, out, geometry);
    else {
      for (let rh = 0; rh < geometry.sh && rh < geometry.kh; rh++) {
        for (let rw = 0; rw < geometry.sw && rw < geometry.kw; rw++) {
          phaseFilterGrad(ctx, x, dy, out, geometry, rh, rw);
        }
      }
    }
    return ctx.keep(out);
  } finally {
    ctx.dispose();
  }
}

type Geometry = ConvGeometry;

/**
 * A chunk's operands: `fill` writes a and b (given views valid until the next allocation); or `fillA` writes a
 * and `aliasB` returns b as a view of an input's memory (no copy).
 */
type ChunkOperands =
  | { fill: (start: number, len: number, av: Float32Array, bv: Float32Array) => void }
  | { fillA: (start: number, len: number, av: Float32Array) => void; aliasB: (start: number, len: number) => TensorInfo };

/** Σ over chunks of the reduction of a[rows × len] · b[len × cols], into `acc`. */
function accumulateChunks(ctx: KernelContext, total: number, rows: number, cols: number, acc: Float32Array, operands: ChunkOperands, chunkRows = CHUNK_ROWS): void {
  for (let start = 0; start < total; start += chunkRows) {
    const len = Math.min(chunkRows, total - start);
    const a = ctx.alloc([1, rows, len]);
    let b: TensorInfo;
    if ('aliasB' in operands) {
      b = operands.aliasB(start, len);
      operands.fillA(start, len, ctx.view(a));
    } else {
      b = ctx.alloc([1, len, cols]);
      operands.fill(start, len, ctx.view(a), ctx.view(b));
    }
    const prod = ctx.matMul(a, b);
    const pv = ctx.view(prod);
    for (let k = 0; k < acc.length; k++) acc[k] += pv[k];
    ctx.free(a, b, prod);
  }
}

/**
 * Few taps × input channels (a discriminator's first layer: 4·4·1 = 16): dW is
 * one GEMM, A·dy with A[(kh, kw, ci), m] = x[n, oh·sh + kh − top, ow·sw + kw − left, ci]
 * over output positions m = (n, oh, ow). dy's rows are copied whole, the result
 * is already laid out as dW [kh, kw, ci, co], and XNNPACK's convolution (whose
 * reduction would be the batch) is never asked to run a 1-channel input.
 */
function patchGemm(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, out: TensorInfo, g: Geometry): void {
  const cols = g.kh * g.kw * g.ci;
  const rows = g.n * g.oh * g.ow;
  if (transposedGemmFor(ctx, g.co)) {
    // dW = patchesᵀ · dy with both read in place: XNNPACK would repack dy (6 MB at batch 128) on every call.
    const product = atbGemm(ctx, forwardPatches(ctx, x, g), dy, rows, cols, g.co);
    ctx.view(out).set(ctx.view(product));
    return;
  }
  // One GEMM over every position: A is small (cols ≤ 64 rows) and dy is read in place.
  const a = ctx.alloc([1, cols, rows]);
  const b = ctx.run('Reshape', { x: dy }, { shape: [1, rows, g.co] });
  const av = ctx.view(a);
  const xv = ctx.view(x);
  for (let kh = 0; kh < g.kh; kh++) {
    for (let kw = 0; kw < g.kw; kw++) {
      for (let c = 0; c < g.ci; c++) {
        let dst = ((kh * g.kw + kw) * g.ci + c) * rows;
        for (let n = 0; n < g.n; n++) {
          for (let oh = 0; oh < g.oh; oh++, dst += g.ow) {
            const ih = oh * g.sh + kh - g.top;
            if (ih < 0 || ih >= g.h) {
              av.fill(0, dst, dst + g.ow);
              continue;
            }
            const rowBase = (n * g.h + ih) * g.w;
            for (let ow = 0; ow < g.ow; ow++) {
              const iw = ow * g.sw + kw - g.left;
              av[dst + ow] = iw < 0 || iw >= g.w ? 0 : xv[(rowBase + iw) * g.ci + c];
            }
          }
        }
      }
    }
  }
  // The product [(kh, kw, ci), co] is dW's own layout. The GEMM allocates (its output, XNNPACK's packed dy), which
  // can grow the heap and detach every view taken before it: take out's view after it.
  const product = ctx.matMul(a, b);
  ctx.view(out).set(ctx.view(product));
}

/**
 * Stride 1 and few output channels (a generator's 1-channel output layer): dW = D · X
 * over x's own positions m = (n, h, w), with X the rows of x [N·H·W, Ci] and
 * D[(kh, kw, co), m] = dy[n, h − kh + top, w − kw + left, co] (zero outside dy).
 * The reduction is long (100k positions for G's 28×28 layer at batch 128) and the
 * output small: gan-hacks' transposed-A GEMM reads D's transpose (dy's im2col) and x in
 * place; without it, XNNPACK's GEMM runs in blocks ({@link xnnpackBlocks}).
 */
function inputGridGemm(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, out: TensorInfo, g: Geometry): void {
  const taps = g.kh * g.kw;
  const rowsD = taps * g.co;
  const imageRows = g.n * g.h;
  let acc: Float32Array;
  if (transposedGemmFor(ctx, g.ci)) {
    // dW' = Dᵀ · x with x read in place (XNNPACK's GEMM would pack all of x, 50 MB for G's output layer at batch
    // 128) and Dᵀ (dy's patches) made a few image rows at a time.
    const rowsPerBlock = Math.max(1, Math.floor(ATB_BLOCK_POSITIONS / g.w));
    // dy's view is taken inside fill, because atbGemmFilled allocates C and the block before its first call.
    const fill = (dst: Float32Array, first: number, count: number): void => fillInputGradientPatches(dst, ctx.view(dy), g, first / g.w, count / g.w);
    acc = ctx.view(atbGemmFilled(ctx, fill, x, imageRows * g.w, rowsD, g.ci, rowsPerBlock * g.w));
  } else acc = xnnpackBlocks(ctx, x, dy, g);
  // acc [(kh, kw, co), ci] → dW[kh, kw, ci, co]
  const ov = ctx.view(out);
  for (let t = 0; t < taps; t++) {
    for (let co = 0; co < g.co; co++) {
      for (let ci = 0; ci < g.ci; ci++) ov[(t * g.ci + ci) * g.co + co] = acc[(t * g.co + co) * g.ci + ci];
    }
  }
}

/**
 * {@link inputGridGemm}'s product with XNNPACK's GEMM, [(kh, kw, co), ci]: in blocks of whole image rows, each
 * block's X an alias of x's memory (no copy), so that XNNPACK packs one block at a time and the GEMM's tiles
 * read it from cache; one GEMM over everything re-read its 50 MB packed operand from memory once per tile row.
 */
function xnnpackBlocks(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, g: Geometry): Float32Array {
  const rowsD = g.kh * g.kw * g.co;
  const rowsPerBlock = Math.max(1, Math.floor(FILTER_GRADIENT_LIMITS.blockFloats / (g.w * (rowsD + g.ci))));
  const acc = new Float32Array(rowsD * g.ci);
  // Positions are x's pixels, a block whole image rows: row r0 starts at position r0 · W.
  accumulateChunks(
    ctx,
    g.n * g.h * g.w,
    rowsD,
    g.ci,
    acc,
    { fillA: (p0, len, av) => fillTapRows(av, ctx.view(dy), g, p0 / g.w, len / g.w), aliasB: (p0, len) => ctx.alias(x, p0 * g.ci, [1, len, g.ci]) },
    rowsPerBlock * g.w,
  );
  return acc;
}

/**
 * {@link inputGridGemm}'s im2col of dy over x's image rows r0 .. r0 + rows (row r = n·H + h), laid out
 * [(kh, kw, co), (row, w)]: each tap's valid run of a row is a run of dy's row, and the rest is zeros.
 */
function fillTapRows(av: Float32Array, dyv: Float32Array, g: Geometry, r0: number, rows: number): void {
  const len = rows * g.w;
  for (let kh = 0; kh < g.kh; kh++) {
    for (let kw = 0; kw < g.kw; kw++) {
      // Columns v of x whose output column v − kw + left lies in [0, OW).
      const vFirst = Math.max(0, kw - g.left);
      const vEnd = Math.min(g.w, g.ow + kw - g.left);
      for (let co = 0; co < g.co; co++) {
        const tapRow = ((kh * g.kw + kw) * g.co + co) * len;
        for (let r = 0; r < rows; r++) {
          const h = (r0 + r) % g.h;
          const n = (r0 + r - h) / g.h;
          const dst = tapRow + r * g.w;
          const oh = h - kh + g.top;
          // Plain loops: a row is a few dozen floats, shorter than what fill / set / subarray pay per call.
          if (oh < 0 || oh >= g.oh || vFirst >= vEnd) {
            for (let v = 0; v < g.w; v++) av[dst + v] = 0;
            continue;
          }
          for (let v = 0; v < vFirst; v++) av[dst + v] = 0;
          for (let v = vEnd; v < g.w; v++) av[dst + v] = 0;
          const src = ((n * g.oh + oh) * g.ow + vFirst - kw + g.left) * g.co + co - vFirst * g.co;
          for (let v = vFirst; v < vEnd; v++) av[dst + v] = dyv[src + v * g.co];
        }
      }
    }
  }
}

/** Taps of phase r along one axis: kernel positions r, r + s, r + 2s, ... below k. */
function tapCount(k: number, s: number, r: number): number {
  return r >= k ? 0 : Math.ceil((k - r) / s);
}

function phaseFilterGrad(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, out: TensorInfo, g: Geometry, rh: number, rw: number): void {
  const jh = tapCount(g.kh, g.sh, rh);
  const jw = tapCount(g.kw, g.sw, rw);
  const taps = jh * jw;
  const positions = g.n * g.oh * g.ow;
  // Phase-input positions: (OH + jh − 1) × (OW + jw − 1) per image.
  const qh = g.oh + jh - 1;
  const qw = g.ow + jw - 1;
  const xIm2colSize = positions * taps * g.ci;
  const dyIm2colSize = taps * g.co * g.n * qh * qw + g.n * qh * qw * g.ci;
  if (xIm2colSize <= dyIm2colSize) xIm2col(ctx, x, dy, out, g, rh, rw, jh, jw);
  else dyIm2col(ctx, x, dy, out, g, rh, rw, jh, jw, qh, qw);
}

/**
 * A[m, (j, i, ci)] = x[n, (oh + j)·sh + rh − top, (ow + i)·sw + rw − left, ci]; result dyᵀ·A = [Co × taps·Ci].
 */
function xIm2col(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, out: TensorInfo, g: Geometry, rh: number, rw: number, jh: number, jw: number): void {
  const taps = jh * jw;
  const cols = taps * g.ci;
  const positions = g.n * g.oh * g.ow;
  const acc = new Float32Array(g.co * cols);
  accumulateChunks(ctx, positions, g.co, cols, acc, { fill: (m0, rows, av, bv) => {
    const xv = ctx.view(x);
    const dyv = ctx.view(dy);
    // a = dyᵀ for this chunk of positions.
    for (let r = 0; r < rows; r++) {
      const src = (m0 + r) * g.co;
      for (let c = 0; c < g.co; c++) av[c * rows + r] = dyv[src + c];
    }
    for (let r = 0; r < rows; r++) {
      const m = m0 + r;
      const ow = m % g.ow;
      const oh = Math.floor(m / g.ow) % g.oh;
      const n = Math.floor(m / (g.ow * g.oh));
      let dst = r * cols;
      for (let j = 0; j < jh; j++) {
        const ih = (oh + j) * g.sh + rh - g.top;
        for (let i = 0; i < jw; i++, dst += g.ci) {
          const iw = (ow + i) * g.sw + rw - g.left;
          if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) bv.fill(0, dst, dst + g.ci);
          else {
            const src = ((n * g.h + ih) * g.w + iw) * g.ci;
            bv.set(xv.subarray(src, src + g.ci), dst);
          }
        }
      }
    }
  } });
  // Scatter [co, (j, i, ci)] into dW[kh, kw, ci, co].
  const ov = ctx.view(out);
  for (let j = 0; j < jh; j++) {
    for (let i = 0; i < jw; i++) {
      const base = ((rh + j * g.sh) * g.kw + (rw + i * g.sw)) * g.ci * g.co;
      for (let ci = 0; ci < g.ci; ci++) {
        const col = (j * jw + i) * g.ci + ci;
        for (let co = 0; co < g.co; co++) ov[base + ci * g.co + co] = acc[co * cols + col];
      }
    }
  }
}

/**
 * D[(j, i, co), p] = dy[n, q − j, t − i, co] over phase positions p = (n, q, t), and
 * X[p, ci] = x[n, q·sh + rh − top, t·sw + rw − left, ci]; result D·X = [taps·Co × Ci].
 */
function dyIm2col(
  ctx: KernelContext,
  x: TensorInfo,
  dy: TensorInfo,
  out: TensorInfo,
  g: Geometry,
  rh: number,
  rw: number,
  jh: number,
  jw: number,
  qh: number,
  qw: number,
): void {
  const taps = jh * jw;
  const rowsD = taps * g.co;
  const positions = g.n * qh * qw;
  const acc = new Float32Array(rowsD * g.ci);
  accumulateChunks(ctx, positions, rowsD, g.ci, acc, { fill: (p0, len, av, bv) => {
    const xv = ctx.view(x);
    const dyv = ctx.view(dy);
    for (let r = 0; r < len; r++) {
      const p = p0 + r;
      const t = p % qw;
      const q = Math.floor(p / qw) % qh;
      const n = Math.floor(p / (qw * qh));
      const ih = q * g.sh + rh - g.top;
      const iw = t * g.sw + rw - g.left;
      const dst = r * g.ci;
      if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) bv.fill(0, dst, dst + g.ci);
      else {
        const src = ((n * g.h + ih) * g.w + iw) * g.ci;
        bv.set(xv.subarray(src, src + g.ci), dst);
      }
      for (let j = 0; j < jh; j++) {
        const oh = q - j;
        for (let i = 0; i < jw; i++) {
          const ow = t - i;
          const rowBase = (j * jw + i) * g.co;
          if (oh < 0 || oh >= g.oh || ow < 0 || ow >= g.ow) {
            for (let co = 0; co < g.co; co++) av[(rowBase + co) * len + r] = 0;
          } else {
            const src = ((n * g.oh + oh) * g.ow + ow) * g.co;
            for (let co = 0; co < g.co; co++) av[(rowBase + co) * len + r] = dyv[src + co];
          }
        }
      }
    }
  } });
  const ov = ctx.view(out);
  for (let j = 0; j < jh; j++) {
    for (let i = 0; i < jw; i++) {
      const base = ((rh + j * g.sh) * g.kw + (rw + i * g.sw)) * g.ci * g.co;
      for (let co = 0; co < g.co; co++) {
        const row = (j * jw + i) * g.co + co;
        for (let ci = 0; ci < g.ci; ci++) ov[base + ci * g.co + co] = acc[row * g.ci + ci];
      }
    }
  }
}

/** x [N, H, W, C] → [C, H, W, N], in blocks of rows so reads and writes both stay local. */
function transposeToChannelsFirst(src: Float32Array, dst: Float32Array, n: number, hw: number, c: number): void {
  const block = 16;
  for (let p = 0; p < hw; p++) {
    for (let b0 = 0; b0 < n; b0 += block) {
      const b1 = Math.min(n, b0 + block);
      for (let ch = 0; ch < c; ch++) {
        const dstBase = (ch * hw + p) * n;
        for (let b = b0; b < b1; b++) dst[dstBase + b] = src[(b * hw + p) * c + ch];
      }
    }
  }
}

function convPath(ctx: KernelContext, x: TensorInfo, dy: TensorInfo, out: TensorInfo, g: Geometry): void {
  const xt = ctx.alloc([g.ci, g.h, g.w, g.n]);
  transposeToChannelsFirst(ctx.view(x), ctx.view(xt), g.n, g.h * g.w, g.ci);
  // Phases grouped by their tap counts: each group is one stacked convolution.
  const groups = new Map<string, [number, number][]>();
  for (let rh = 0; rh < g.sh && rh < g.kh; rh++) {
    for (let rw = 0; rw < g.sw && rw < g.kw; rw++) {
      const key = `${tapCount(g.kh, g.sh, rh)}x${tapCount(g.kw, g.sw, rw)}`;
      groups.set(key, [...(groups.get(key) ?? []), [rh, rw]]);
    }
  }
  for (const phases of groups.values()) {
    const jh = tapCount(g.kh, g.sh, phases[0][0]);
    const jw = tapCount(g.kw, g.sw, phases[0][1]);
    const qh = g.oh + jh - 1;
    const qw = g.ow + jw - 1;
    const input = ctx.alloc([phases.length * g.ci, qh, qw, g.n]);
    const iv = ctx.view(input);
    const xv = ctx.view(xt);
    phases.forEach(([rh, rw], p) => {
      for (let ci = 0; ci < g.ci; ci++) {
        for (let q = 0; q < qh; q++) {
          const ih = q * g.sh + rh - g.top;
          const rowBase = (((p * g.ci + ci) * qh + q) * qw) * g.n;
          if (ih < 0 || ih >= g.h) {
            iv.fill(0, rowBase, rowBase + qw * g.n);
            continue;
          }
          for (let t = 0; t < qw; t++) {
            const iw = t * g.sw + rw - g.left;
            const dst = rowBase + t * g.n;
            if (iw < 0 || iw >= g.w) iv.fill(0, dst, dst + g.n);
            else {
              const src = ((ci * g.h + ih) * g.w + iw) * g.n;
              iv.set(xv.subarray(src, src + g.n), dst);
            }
          }
        }
      }
    });
    // dW of the phase: valid convolution with dy [N, OH, OW, Co] read as a filter [OH, OW, N, Co].
    const filter = ctx.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
    const res = ctx.run('Conv2D', { x: input, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
    const rv = ctx.view(res);
    const ov = ctx.view(out);
    phases.forEach(([rh, rw], p) => {
      for (let ci = 0; ci < g.ci; ci++) {
        for (let j = 0; j < jh; j++) {
          for (let i = 0; i < jw; i++) {
            const src = (((p * g.ci + ci) * jh + j) * jw + i) * g.co;
            const dst = (((rh + j * g.sh) * g.kw + (rw + i * g.sw)) * g.ci + ci) * g.co;
            ov.set(rv.subarray(src, src + g.co), dst);
          }
        }
      }
    });
    ctx.free(input, filter, res);
  }
  ctx.free(xt);
}
