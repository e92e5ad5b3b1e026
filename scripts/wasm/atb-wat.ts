/** The tiles the module exports, [rows, 4-float vectors]: a main tile and its row and column remainders. */
// 2 rows × 16 columns: 8 accumulators, 4 rows of B and a splat fit x86-64's 16 SIMD registers. A benchmark of
// 4×16, 4×12, 3×16, 4×8, 2×16, 6×8 and 5×8 on a generator's output layer (49 × 128 over 100k positions) and a
// discriminator's input layer (16 × 64 over 25k): 2×16 the fastest on both, 17 GMAC/s against 11-12 for 4×16.
export const TILES: [number, number][] = [
  [2, 4],
  [1, 4],
  [2, 1],
  [1, 1],
];

/**
 * The WebAssembly text of gan-hacks' transposed-A GEMM tiles: C[i, j] += Σ_p A[p, i] · B[p, j] for a tile of
 * R rows × 4·V columns of C (2 × 16 and the remainders), reading A and B in place from tfjs's WASM heap (no packing). Generated, since
 * each tile keeps R·V SIMD accumulators in locals. `shared` imports the threaded build's shared memory.
 */
export function atbWat(shared: boolean, tiles: [number, number][] = TILES): string {
  const funcs = tiles.map(([r, v]) => tile(r, v)).join('\n');
  return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
${funcs}
)`;
}

/** tile_RxV(a, b, c, P, lda, ldb, ldc): a, b, c byte offsets; lda, ldb, ldc strides in floats. */
function tile(r: number, v: number): string {
  const acc = (i: number, j: number): string => `$c${i}_${j}`;
  const locals: string[] = [];
  for (let i = 0; i < r; i++) for (let j = 0; j < v; j++) locals.push(`(local ${acc(i, j)} v128)`);
  for (let j = 0; j < v; j++) locals.push(`(local $b${j} v128)`);
  const load: string[] = [];
  const store: string[] = [];
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < v; j++) {
      const at = `(i32.add (local.get $c) (i32.add (i32.mul (i32.const ${i}) (local.get $ldc4)) (i32.const ${16 * j})))`;
      load.push(`(local.set ${acc(i, j)} (v128.load ${at}))`);
      store.push(`(v128.store ${at} (local.get ${acc(i, j)}))`);
    }
  }
  const body: string[] = [];
  for (let j = 0; j < v; j++) body.push(`(local.set $b${j} (v128.load offset=${16 * j} (local.get $pb)))`);
  for (let i = 0; i < r; i++) {
    body.push(`(local.set $s (f32x4.splat (f32.load offset=${4 * i} (local.get $pa))))`);
    for (let j = 0; j < v; j++) body.push(`(local.set ${acc(i, j)} (f32x4.add (local.get ${acc(i, j)}) (f32x4.mul (local.get $s) (local.get $b${j}))))`);
  }
  return `  (func (export "tile${r}x${v}") (param $a i32) (param $b i32) (param $c i32) (param $P i32) (param $lda i32) (param $ldb i32) (param $ldc i32)
    (local $pa i32) (local $pb i32) (local $left i32) (local $lda4 i32) (local $ldb4 i32) (local $ldc4 i32) (local $s v128)
    ${locals.join(' ')}
    (local.set $lda4 (i32.shl (local.get $lda) (i32.const 2)))
    (local.set $ldb4 (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc4 (i32.shl (local.get $ldc) (i32.const 2)))
    ${load.join('\n    ')}
    (local.set $pa (local.get $a))
    (local.set $pb (local.get $b))
    ;; A count of positions left, not an end pointer: a block that ends at the top of a 4 GiB heap cannot wrap it.
    (local.set $left (local.get $P))
    (if (local.get $left)
      (then
        (loop $next
          ${body.join('\n          ')}
          (local.set $pa (i32.add (local.get $pa) (local.get $lda4)))
          (local.set $pb (i32.add (local.get $pb) (local.get $ldb4)))
          (local.set $left (i32.sub (local.get $left) (i32.const 1)))
          (br_if $next (local.get $left)))))
    ${store.join('\n    ')})`;
}
