import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { GanHacksError } from '../../errors/index.js';
import type { KernelContext, TensorInfo } from './kernelContext.js';
import { ATB_WASM, ATB_WASM_SHARED } from './atbKernel.generated.js';
import { heapOffset, ownModule } from './ownModules.js';

type Tile = (a: number, b: number, c: number, positions: number, lda: number, ldb: number, ldc: number) => void;
interface Tiles {
  tile2x4: Tile;
  tile1x4: Tile;
  tile2x1: Tile;
  tile1x1: Tile;
}

/**
 * Positions per block of the reduction: a block of A and B (≤ 512 · (49 + 128) floats for a generator's output
 * layer, 350 KB) stays in cache while every tile of C reads it.
 */
const BLOCK_POSITIONS = 512;

/** The tiles bound to `backend`'s heap, or null where they cannot run (callers then use XNNPACK's GEMM). */
function tilesFor(backend: BackendWasm): Tiles | null {
  return ownModule(backend, ATB_WASM, ATB_WASM_SHARED) as unknown as Tiles | null;
}

/**
 * Whether {@link atbGemm} can compute C [m × n] here: the tiles compiled, and n is a multiple of 4 (C's rows
 * and B's are read 4 floats at a time).
 */
export function atbGemmAvailable(backend: BackendWasm, n: number): boolean {
  return n % 4 === 0 && tilesFor(backend) !== null;
}

/**
 * C = Aᵀ · B for A [positions × m] and B [positions × n] read in place from the WASM heap: the reduction over
 * positions that a convolution's filter gradient is (A the patches, B dy; or A dy's patches, B x). XNNPACK's GEMM
 * reduces over the inner dimension of its left operand and packs its right one on every call, which for these
 * tall operands means a transpose or a full copy of B (50 MB for a generator's 128-channel output layer at batch
 * 128); these tiles read both operands row by row, 2 rows × 16 columns of C in SIMD accumulators (and the
 * remainders), a block of positions at a time. Returns C [m, n] (a new tensor in `ctx`).
 */
export function atbGemm(ctx: KernelContext, a: TensorInfo, b: TensorInfo, positions: number, m: number, n: number): TensorInfo {
  const tiles = checkedTiles(ctx, n);
  assertHolds(a, positions * m, 'A');
  assertHolds(b, positions * n, 'B');
  const c = ctx.alloc([m, n]);
  ctx.view(c).fill(0);
  const pa = heapOffset(ctx, a);
  const pb = heapOffset(ctx, b);
  const pc = heapOffset(ctx, c);
  for (let p0 = 0; p0 < positions; p0 += BLOCK_POSITIONS) {
    runTiles(tiles, pa + p0 * m * 4, pb + p0 * n * 4, pc, Math.min(BLOCK_POSITIONS, positions - p0), m, n);
  }
  return c;
}

/**
 * {@link atbGemm} with A made a block at a time by `fillA(dst, first, count)` (rows first .. first + count of A,
 * written from the start of `dst`), so that A (dy's patches: 20 MB for a generator's 7×7 output layer at batch
 * 128) is never whole in memory and each block is read from cache right after it is written. Blocks hold
 * `blockPositions` rows, the last one fewer. `fillA` must not allocate on the heap: `dst` is a view, and so are
 * any views it takes of its own (take them inside it).
 */
export function atbGemmFilled(
  ctx: KernelContext,
  fillA: (dst: Float32Array, first: number, count: number) => void,
  b: TensorInfo,
  positions: number,
  m: number,
  n: number,
  blockPositions: number,
): TensorInfo {
  const tiles = checkedTiles(ctx, n);
  assertHolds(b, positions * n, 'B');
  const c = ctx.alloc([m, n]);
  const block = ctx.alloc([Math.min(blockPositions, positions), m]);
  ctx.view(c).fill(0);
  const pa = heapOffset(ctx, block);
  const pb = heapOffset(ctx, b);
  const pc = heapOffset(ctx, c);
  // No allocation inside the loop: the block's view stays valid.
  const av = ctx.view(block);
  for (let p0 = 0; p0 < positions; p0 += blockPositions) {
    const len = Math.min(blockPositions, positions - p0);
    fillA(av, p0, len);
    runTiles(tiles, pa, pb + p0 * n * 4, pc, len, m, n);
  }
  return c;
}

function checkedTiles(ctx: KernelContext, n: number): Tiles {
  const tiles = tilesFor(ctx.backend);
  if (!tiles || n % 4 !== 0) throw new GanHacksError('BACKEND_UNAVAILABLE', `gan-hacks/wasm: the transposed-A GEMM cannot run here for ${n} columns; check atbGemmAvailable first.`);
  return tiles;
}

/** Throws unless `t` holds at least `floats` floats: the tiles would read (or write) past it. */
function assertHolds(t: TensorInfo, floats: number, what: string): void {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size < floats) throw new GanHacksError('INVALID_ARGUMENT', `gan-hacks/wasm: the transposed-A GEMM's ${what} holds ${size} floats, fewer than the ${floats} its shape needs.`);
}

/** C += Aᵀ·B over `len` positions from byte offsets pa, pb (rows of m and n floats) into C at pc. */
function runTiles(tiles: Tiles, pa: number, pb: number, pc: number, len: number, m: number, n: number): void {
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    let j = 0;
    for (; j + 16 <= n; j += 16) tiles.tile2x4(pa + i * 4, pb + j * 4, pc + (i * n + j) * 4, len, m, n, n);
    for (; j < n; j += 4) tiles.tile2x1(pa + i * 4, pb + j * 4, pc + (i * n + j) * 4, len, m, n, n);
  }
  for (; i < m; i++) {
    let j = 0;
    for (; j + 16 <= n; j += 16) tiles.tile1x4(pa + i * 4, pb + j * 4, pc + (i * n + j) * 4, len, m, n, n);
    for (; j < n; j += 4) tiles.tile1x1(pa + i * 4, pb + j * 4, pc + (i * n + j) * 4, len, m, n, n);
  }
}

/**
 * Σ over rows of x [rows × n] (the bias gradient of a layer with n channels), in blocks of
 * {@link BLOCK_POSITIONS} rows: each block summed in float32 by the SIMD tiles (A a column of ones, so every
 * product is exact), the blocks' sums added in float64, which keeps the error of a 100k-row sum near that
 * of a 512-row one.
 */
export function columnSums(ctx: KernelContext, x: TensorInfo, rows: number, n: number): Float64Array {
  const tiles = checkedTiles(ctx, n);
  assertHolds(x, rows * n, 'input');
  const ones = ctx.alloc([Math.min(BLOCK_POSITIONS, rows), 1]);
  const c = ctx.alloc([1, n]);
  ctx.view(ones).fill(1);
  const pa = heapOffset(ctx, ones);
  const pb = heapOffset(ctx, x);
  const pc = heapOffset(ctx, c);
  const cv = ctx.view(c);
  const acc = new Float64Array(n);
  for (let p0 = 0; p0 < rows; p0 += BLOCK_POSITIONS) {
    cv.fill(0);
    runTiles(tiles, pa, pb + p0 * n * 4, pc, Math.min(BLOCK_POSITIONS, rows - p0), 1, n);
    for (let j = 0; j < n; j++) acc[j] += cv[j];
  }
  return acc;
}
