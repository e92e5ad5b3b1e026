/**
 * The WebAssembly text of gan-hacks' few-taps convolution kernels: the three passes of a convolution whose
 * taps × input channels are few (a discriminator's first layer, 4·4·1 = 16 multiply-adds per output), computed
 * straight from a zero-padded copy of x (or into one, for the input gradient) with no patch matrix in between.
 * With 16 multiply-adds per output, writing and re-reading a patch matrix costs about as much as the arithmetic.
 *
 * Every pass walks the output positions (image, row, column) with byte strides over the padded image, and finds
 * a tap's input through a table of byte offsets (one per (kh, kw, ci) tap), so one module serves any kernel size,
 * stride, padding and channel count. Tiles are 2 positions (or taps) × 16 channels, 8 SIMD accumulators, as in
 * the transposed-A GEMM (scripts/wasm/atb-wat.ts), with remainders of 1 position and 4 channels.
 *
 * - `fwd`: y[p, j] = act(Σ_t x(p, t) · W[t, j] + bias[j]), act(v) = max(v, α·v) (α = 1 linear, 0 relu, else leaky).
 * - `dx`: P[p, t] = Σ_j dy[p, j] · Wᵀ[j, t], each added into the padded dx at the tap's offset from p.
 * - `dw`: dW[t, j] += Σ_p x(p, t) · dy[p, j] over one block of images.
 */
export type PatchPass = 'fwd' | 'dx' | 'dw';

/** One module per pass: each stays under the 4 KB a page's main thread may compile synchronously. */
export function patchWat(pass: PatchPass, shared: boolean): string {
  const tiles = { fwd: fwdTile, dx: dxTile, dw: dwTile }[pass];
  const driver = { fwd: fwdDriver, dx: dxDriver, dw: dwDriver }[pass];
  const funcs = [tiles(2, 4), tiles(2, 1), tiles(1, 4), tiles(1, 1), driver()];
  return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
${funcs.join('\n')}
)`;
}

const get = (name: string): string => `(local.get $${name})`;
const add = (a: string, b: string): string => `(i32.add ${a} ${b})`;
const vlocals = (names: string[]): string => names.map((n) => `(local $${n} v128)`).join(' ');
const accNames = (p: number, v: number): string[] => Array.from({ length: p * v }, (_, k) => `c${Math.floor(k / v)}_${k % v}`);

/**
 * One step of a tile's reduction: load V vectors ($<vec>0..) from `vecAt`, then for each of P rows splat one
 * float from `splatAt(i)` and add its products with the vectors into that row's accumulators ($ci_j).
 */
function multiplyAccumulate(p: number, v: number, vec: string, vecAt: string, splatAt: (i: number) => string): string[] {
  const lines: string[] = [];
  for (let j = 0; j < v; j++) lines.push(`(local.set $${vec}${j} (v128.load offset=${16 * j} ${vecAt}))`);
  for (let i = 0; i < p; i++) {
    lines.push(`(local.set $s (v128.load32_splat ${splatAt(i)}))`);
    for (let j = 0; j < v; j++) lines.push(`(local.set $c${i}_${j} (f32x4.add ${get(`c${i}_${j}`)} (f32x4.mul ${get('s')} ${get(`${vec}${j}`)})))`);
  }
  return lines;
}

/**
 * fwdPxV(pa, sCol, w, bias, po, ld, offs, taps, alpha): P positions from pa (the next sCol bytes on) × 4V
 * channels; w and bias already at the tile's first channel, ld = bytes per row of W and of y.
 */
function fwdTile(p: number, v: number): string {
  const acc = accNames(p, v);
  const lines = multiplyAccumulate(p, v, 'w', get('pw'), (i) => add(get(`pa${i}`), get('off')));
  const out: string[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < v; j++) {
      out.push(`(local.set $s (f32x4.add ${get(`c${i}_${j}`)} (v128.load offset=${16 * j} ${get('bias')})))`);
      out.push(`(v128.store offset=${16 * j} ${i === 0 ? get('po') : add(get('po'), get('ld'))} (f32x4.max ${get('s')} (f32x4.mul ${get('s')} ${get('alpha')})))`);
    }
  }
  return `  (func $fwd${p}x${v} (param $pa0 i32) (param $sCol i32) (param $w i32) (param $bias i32) (param $po i32) (param $ld i32) (param $offs i32) (param $taps i32) (param $alpha v128)
    (local $pa1 i32) (local $pw i32) (local $pt i32) (local $left i32) (local $off i32) (local $s v128) ${vlocals(acc)} ${vlocals(Array.from({ length: v }, (_, j) => `w${j}`))}
    (local.set $pa1 ${add(get('pa0'), get('sCol'))})
    (local.set $pw ${get('w')})
    (local.set $pt ${get('offs')})
    (local.set $left ${get('taps')})
    (loop $next
      (local.set $off (i32.load ${get('pt')}))
      ${lines.join('\n      ')}
      (local.set $pw ${add(get('pw'), get('ld'))})
      (local.set $pt (i32.add ${get('pt')} (i32.const 4)))
      (local.set $left (i32.sub ${get('left')} (i32.const 1)))
      (br_if $next ${get('left')}))
    ${out.join('\n    ')})`;
}

/**
 * dxPxV(pd, ld, wt, ldw, offs, co, pa, sCol): for P positions (dy rows from pd, ld bytes apart) × 4V taps (Wᵀ's
 * columns from wt, rows ldw bytes apart; their offsets from offs), the products summed over co channels, each
 * added into the padded dx at pa (+ sCol for the second position) + the tap's offset.
 */
function dxTile(p: number, v: number): string {
  const acc = accNames(p, v);
  const lines = multiplyAccumulate(p, v, 'w', get('pw'), (i) => get(`pd${i}`));
  const scatter: string[] = [];
  for (let j = 0; j < v; j++) {
    for (let lane = 0; lane < 4; lane++) {
      scatter.push(`(local.set $off (i32.load offset=${16 * j + 4 * lane} ${get('offs')}))`);
      for (let i = 0; i < p; i++) {
        const at = add(get(`pa${i}`), get('off'));
        scatter.push(`(f32.store ${at} (f32.add (f32.load ${at}) (f32x4.extract_lane ${lane} ${get(`c${i}_${j}`)})))`);
      }
    }
  }
  const advance = Array.from({ length: p }, (_, i) => `(local.set $pd${i} (i32.add ${get(`pd${i}`)} (i32.const 4)))`);
  return `  (func $dx${p}x${v} (param $pd0 i32) (param $ld i32) (param $wt i32) (param $ldw i32) (param $offs i32) (param $co i32) (param $pa0 i32) (param $sCol i32)
    (local $pd1 i32) (local $pa1 i32) (local $pw i32) (local $left i32) (local $off i32) (local $s v128) ${vlocals(acc)} ${vlocals(Array.from({ length: v }, (_, j) => `w${j}`))}
    (local.set $pd1 ${add(get('pd0'), get('ld'))})
    (local.set $pa1 ${add(get('pa0'), get('sCol'))})
    (local.set $pw ${get('wt')})
    (local.set $left ${get('co')})
    (loop $next
      ${lines.join('\n      ')}
      ${advance.join('\n      ')}
      (local.set $pw ${add(get('pw'), get('ldw'))})
      (local.set $left (i32.sub ${get('left')} (i32.const 1)))
      (br_if $next ${get('left')}))
    ${scatter.join('\n    ')})`;
}

/**
 * dwPxV(x, dy, c, nImg, rows, cols, sImg, sRow, sCol, o0, o1, ld): dW's P taps (input offsets o0, o1) × 4V
 * channels at c (rows ld bytes apart), plus Σ over the block's positions of x(p, tap) · dy[p, channels]; dy at
 * the tile's first channel, positions ld bytes apart.
 */
function dwTile(p: number, v: number): string {
  const acc = accNames(p, v);
  const load: string[] = [];
  const store: string[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < v; j++) {
      const at = i === 0 ? get('c') : add(get('c'), get('ld'));
      load.push(`(local.set $c${i}_${j} (v128.load offset=${16 * j} ${at}))`);
      store.push(`(v128.store offset=${16 * j} ${at} ${get(`c${i}_${j}`)})`);
    }
  }
  const lines = multiplyAccumulate(p, v, 'd', get('pd'), (i) => add(get('pa'), get(`o${i}`)));
  return `  (func $dw${p}x${v} (param $x i32) (param $dy i32) (param $c i32) (param $nImg i32) (param $rows i32) (param $cols i32) (param $sImg i32) (param $sRow i32) (param $sCol i32) (param $o0 i32) (param $o1 i32) (param $ld i32)
    (local $img i32) (local $row i32) (local $col i32) (local $pi i32) (local $pr i32) (local $pa i32) (local $pd i32) (local $s v128) ${vlocals(acc)} ${vlocals(Array.from({ length: v }, (_, j) => `d${j}`))}
    ${load.join('\n    ')}
    (local.set $pd ${get('dy')})
    (local.set $pi ${get('x')})
    (local.set $img ${get('nImg')})
    (loop $nextImg
      (local.set $pr ${get('pi')})
      (local.set $row ${get('rows')})
      (loop $nextRow
        (local.set $pa ${get('pr')})
        (local.set $col ${get('cols')})
        (loop $nextCol
          ${lines.join('\n          ')}
          (local.set $pa ${add(get('pa'), get('sCol'))})
          (local.set $pd ${add(get('pd'), get('ld'))})
          (local.set $col (i32.sub ${get('col')} (i32.const 1)))
          (br_if $nextCol ${get('col')}))
        (local.set $pr ${add(get('pr'), get('sRow'))})
        (local.set $row (i32.sub ${get('row')} (i32.const 1)))
        (br_if $nextRow ${get('row')}))
      (local.set $pi ${add(get('pi'), get('sImg'))})
      (local.set $img (i32.sub ${get('img')} (i32.const 1)))
      (br_if $nextImg ${get('img')}))
    ${store.join('\n    ')})`;
}

/** Channel tiles of 16, then of 4, for the positions (or taps) `p` at once: `call(v, j4)` the tile's call. */
function channelTiles(call: (v: number) => string): string {
  return `(local.set $j4 (i32.const 0))
        (block $done16 (loop $next16
          (br_if $done16 (i32.gt_u (i32.add ${get('j4')} (i32.const 64)) ${get('co4')}))
          ${call(4)}
          (local.set $j4 (i32.add ${get('j4')} (i32.const 64)))
          (br $next16)))
        (block $done4 (loop $next4
          (br_if $done4 (i32.ge_u ${get('j4')} ${get('co4')}))
          ${call(1)}
          (local.set $j4 (i32.add ${get('j4')} (i32.const 16)))
          (br $next4)))`;
}

/**
 * The walk over output positions shared by fwd and dx: pairs along each row, then the odd one; `pair(p)` is
 * the work at $pa (padded input, advanced by sCol per position) and $pp (the position's row, by `step` bytes).
 * Counts run down (nImg, rows, cols ≥ 1) so no pointer is compared against an end that could wrap.
 */
function positionWalk(pair: (p: number) => string, step: string): string {
  return `(local.set $pi ${get('x')})
    (local.set $img ${get('nImg')})
    (loop $nextImg
      (local.set $pr ${get('pi')})
      (local.set $row ${get('rows')})
      (loop $nextRow
        (local.set $pa ${get('pr')})
        (local.set $col ${get('cols')})
        (block $donePairs (loop $nextPair
          (br_if $donePairs (i32.lt_u ${get('col')} (i32.const 2)))
          ${pair(2)}
          (local.set $pa ${add(get('pa'), `(i32.shl ${get('sCol')} (i32.const 1))`)})
          (local.set $pp ${add(get('pp'), `(i32.shl ${step} (i32.const 1))`)})
          (local.set $col (i32.sub ${get('col')} (i32.const 2)))
          (br $nextPair)))
        (if ${get('col')} (then
          ${pair(1)}
          (local.set $pa ${add(get('pa'), get('sCol'))})
          (local.set $pp ${add(get('pp'), step)})))
        (local.set $pr ${add(get('pr'), get('sRow'))})
        (local.set $row (i32.sub ${get('row')} (i32.const 1)))
        (br_if $nextRow ${get('row')}))
      (local.set $pi ${add(get('pi'), get('sImg'))})
      (local.set $img (i32.sub ${get('img')} (i32.const 1)))
      (br_if $nextImg ${get('img')}))`;
}

const WALK_PARAMS = '(param $nImg i32) (param $rows i32) (param $cols i32) (param $sImg i32) (param $sRow i32) (param $sCol i32)';
const WALK_LOCALS = '(local $img i32) (local $row i32) (local $col i32) (local $pi i32) (local $pr i32) (local $pa i32) (local $pp i32) (local $j4 i32) (local $co4 i32)';

/** fwd(x, w, bias, y, nImg, rows, cols, sImg, sRow, sCol, offs, taps, co, alpha): x the padded input, y [positions, co]. */
function fwdDriver(): string {
  const pair = (p: number): string =>
    channelTiles(
      (v) => `(call $fwd${p}x${v} ${get('pa')} ${get('sCol')} ${add(get('w'), get('j4'))} ${add(get('bias'), get('j4'))} ${add(get('pp'), get('j4'))} ${get('co4')} ${get('offs')} ${get('taps')} ${get('a')})`,
    );
  return `  (func (export "fwd") (param $x i32) (param $w i32) (param $bias i32) (param $y i32) ${WALK_PARAMS} (param $offs i32) (param $taps i32) (param $co i32) (param $alpha f32)
    ${WALK_LOCALS} (local $a v128)
    (local.set $co4 (i32.shl ${get('co')} (i32.const 2)))
    (local.set $a (f32x4.splat ${get('alpha')}))
    (local.set $pp ${get('y')})
    ${positionWalk(pair, get('co4'))})`;
}

/** dx(dy, wt, xpad, nImg, rows, cols, sImg, sRow, sCol, offs, tapsPadded, co): wt is Wᵀ [co, tapsPadded]. */
function dxDriver(): string {
  const pair = (p: number): string =>
    `(local.set $j4 (i32.const 0))
        (block $done16 (loop $next16
          (br_if $done16 (i32.gt_u (i32.add ${get('j4')} (i32.const 64)) ${get('t4')}))
          (call $dx${p}x4 ${get('pp')} ${get('co4')} ${add(get('wt'), get('j4'))} ${get('t4')} ${add(get('offs'), get('j4'))} ${get('co')} ${get('pa')} ${get('sCol')})
          (local.set $j4 (i32.add ${get('j4')} (i32.const 64)))
          (br $next16)))
        (block $done4 (loop $next4
          (br_if $done4 (i32.ge_u ${get('j4')} ${get('t4')}))
          (call $dx${p}x1 ${get('pp')} ${get('co4')} ${add(get('wt'), get('j4'))} ${get('t4')} ${add(get('offs'), get('j4'))} ${get('co')} ${get('pa')} ${get('sCol')})
          (local.set $j4 (i32.add ${get('j4')} (i32.const 16)))
          (br $next4)))`;
  return `  (func (export "dx") (param $dy i32) (param $wt i32) (param $x i32) ${WALK_PARAMS} (param $offs i32) (param $taps i32) (param $co i32)
    ${WALK_LOCALS} (local $t4 i32)
    (local.set $co4 (i32.shl ${get('co')} (i32.const 2)))
    (local.set $t4 (i32.shl ${get('taps')} (i32.const 2)))
    (local.set $pp ${get('dy')})
    ${positionWalk(pair, get('co4'))})`;
}

/** dw(x, dy, dw, nImg, rows, cols, sImg, sRow, sCol, offs, taps, co): dW [taps, co] += this block's sums. */
function dwDriver(): string {
  const call = (p: number) => (v: number): string =>
    `(call $dw${p}x${v} ${get('x')} ${add(get('dy'), get('j4'))} ${add(get('pc'), get('j4'))} ${get('nImg')} ${get('rows')} ${get('cols')} ${get('sImg')} ${get('sRow')} ${get('sCol')} (i32.load ${get('pt')}) (i32.load offset=4 ${get('pt')}) ${get('co4')})`;
  return `  (func (export "dw") (param $x i32) (param $dy i32) (param $dw i32) ${WALK_PARAMS} (param $offs i32) (param $taps i32) (param $co i32)
    (local $j4 i32) (local $co4 i32) (local $pt i32) (local $pc i32) (local $left i32)
    (local.set $co4 (i32.shl ${get('co')} (i32.const 2)))
    (local.set $pt ${get('offs')})
    (local.set $pc ${get('dw')})
    (local.set $left ${get('taps')})
    (block $donePairs (loop $nextPair
      (br_if $donePairs (i32.lt_u ${get('left')} (i32.const 2)))
      ${channelTiles(call(2))}
      (local.set $pt (i32.add ${get('pt')} (i32.const 8)))
      (local.set $pc ${add(get('pc'), `(i32.shl ${get('co4')} (i32.const 1))`)})
      (local.set $left (i32.sub ${get('left')} (i32.const 2)))
      (br $nextPair)))
    (if ${get('left')} (then
      ${channelTiles(call(1))})))`;
}
