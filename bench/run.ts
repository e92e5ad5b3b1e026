/**
 * `npm run bench`: measures, in one run on this machine, per-kernel times on CPU vs WASM, seconds per
 * B1 iteration on WASM and in PyTorch (bench/b1_torch.py) at equal thread counts (1 and all cores),
 * on the CPU backend (one iteration, if it finishes), where the WASM iteration's time goes (every
 * convolution's GMAC/s beside the best the native Conv2D reaches, bench/profile-b1.ts), the Trainer
 * against a hand-written loop, peak memory, the browser, and the gradient penalty against PyTorch.
 * Writes bench/results.json and docs/performance.md.
 *
 * `--render` rewrites docs/performance.md from bench/results.json without measuring; `--note TEXT`
 * stores a remark about the run (e.g. what else shared the machine) and prints it under the table.
 * `--no-cpu` skips the pure-JS CPU iteration (~30 min) and `--no-browser` the Chromium runs; their
 * rows then say so (the browser section keeps the previous run's figures, with that run's date).
 *
 * Each configuration runs in its own process (the WASM thread count is fixed when the backend
 * starts). Other heavy processes on the machine distort the numbers: stop them first.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const quick = process.argv.includes('--quick');
const threads = availableParallelism();
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function runJson(label: string, cmd: string, args: string[], timeoutSec: number): Record<string, unknown> | { error: string } {
  process.stderr.write(`bench: ${label}...\n`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutSec * 1000, maxBuffer: 1 << 26 });
  const line = r.stdout?.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  if (r.error || r.status !== 0 || !line) {
    const why = r.error?.message.includes('ETIMEDOUT') || r.signal === 'SIGTERM' ? `did not finish within ${timeoutSec} s` : (r.stderr || r.error?.message || 'failed').slice(-500);
    process.stderr.write(`bench: ${label}: ${why}\n`);
    return { error: why };
  }
  return JSON.parse(line);
}

const tsx = ['tsx'];
const skipCpu = process.argv.includes('--no-cpu');
const skipBrowser = process.argv.includes('--no-browser');
const previous = existsSync('bench/results.json') ? (JSON.parse(readFileSync('bench/results.json', 'utf8')) as Record<string, unknown>) : {};
const its = quick ? '2' : '10';
const render = process.argv.includes('--render');
const noteAt = process.argv.indexOf('--note');
const measured = () => ({
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: threads, node: process.version },
  kernels: runJson('per-kernel times (batch 4)', 'npx', [...tsx, 'bench/kernels.ts', '--batch', '4', '--reps', quick ? '1' : '3'], 3600),
  b1: {
    wasm1: runJson('B1 iteration, WASM 1 thread', 'npx', [...tsx, 'bench/b1-step.ts', '--backend', 'wasm', '--threads', '1', '--iterations', its, '--mode', 'trainer'], 3600),
    wasmAll: runJson(`B1 iteration, WASM ${threads} threads`, 'npx', [...tsx, 'bench/b1-step.ts', '--backend', 'wasm', '--threads', String(threads), '--iterations', its, '--mode', 'trainer'], 3600),
    cpu: skipCpu
      ? { error: 'not measured in this run (--no-cpu)' }
      : runJson('B1 iteration, CPU backend (1 iteration)', 'npx', [...tsx, 'bench/b1-step.ts', '--backend', 'cpu', '--iterations', '1', '--warmup', '0', '--mode', 'trainer'], quick ? 60 : 1800),
    pytorch: runJson('B1 iteration, PyTorch 1 thread', python, ['bench/b1_torch.py', its, '1'], 3600),
    pytorchAll: runJson(`B1 iteration, PyTorch ${threads} threads`, python, ['bench/b1_torch.py', its, String(threads)], 3600),
  },
  profile: runJson('B1 iteration profile, WASM 1 thread', 'npx', [...tsx, 'bench/profile-b1.ts', '--threads', '1', '--iterations', quick ? '1' : '3'], 1800),
  trainerOverhead: runJson('Trainer vs hand-written loop (WASM, 1 thread)', 'npx', [...tsx, 'bench/b1-step.ts', '--backend', 'wasm', '--threads', '1', '--iterations', quick ? '2' : '5', '--mode', 'both'], 3600),
  browser: skipBrowser
    ? (previous.browser as Record<string, unknown> | undefined)
    : runJson('B1 iteration in Chromium (WASM 1 and 2 threads, WebGL) and Node', 'npx', [...tsx, 'bench/browser-b1.ts', '--iterations', quick ? '1' : '5'], 3600),
  gradientPenalty: (() => {
    const ours = runJson('gradient penalty (gan-hacks)', 'npx', [...tsx, 'bench/gp-check.ts'], 600);
    return 'error' in ours ? ours : runJson('gradient penalty (PyTorch)', python, ['bench/gp_torch.py'], 600);
  })(),
});
type Results = Omit<ReturnType<typeof measured>, 'browser' | 'profile'> & { note?: string; browser?: Record<string, unknown>; profile?: Record<string, unknown> };
const results: Results = render ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : measured();
if (noteAt >= 0) results.note = process.argv[noteAt + 1];
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const f = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const torch = num((results.b1.pytorch as Record<string, unknown>).seconds_per_iteration);
const torchAll = num(((results.b1 as Record<string, unknown>).pytorchAll as Record<string, unknown> | undefined)?.seconds_per_iteration);
const blas = ((results.b1.pytorch as Record<string, unknown>).blas as string[] | undefined) ?? [];
const w1 = num((results.b1.wasm1 as Record<string, unknown>).trainerSecondsPerIteration);
const wAll = num((results.b1.wasmAll as Record<string, unknown>).trainerSecondsPerIteration);
const cpuIt = num((results.b1.cpu as Record<string, unknown>).trainerSecondsPerIteration);
const over = results.trainerOverhead as Record<string, unknown>;
const overhead = num(over.trainerSecondsPerIteration) / num(over.handSecondsPerIteration) - 1;
const kernelRows = ((results.kernels as { rows?: { model: string; layer: string; cpuMs: Record<string, number>; wasmMs: Record<string, number> }[] }).rows ?? [])
  .map((r) =>
    ['forward', 'inputGradient', 'filterGradient']
      .map((k) => `| ${r.model} | ${r.layer} | ${k} | ${f(r.cpuMs[k], 1)} | ${f(r.wasmMs[k], 1)} | ${f(r.cpuMs[k] / r.wasmMs[k], r.cpuMs[k] / r.wasmMs[k] < 10 ? 1 : 0)}x |`)
      .join('\n'),
  )
  .join('\n');
const gp = results.gradientPenalty as Record<string, unknown>;

/** The "B1 iteration in Chromium" section, from bench/browser-b1.ts's measurements (absent before it ran). */
function browserSection(b: Record<string, unknown> | undefined): string {
  if (!b || 'error' in b) return b ? `## B1 iteration in Chromium

Not measured: ${String(b.error)}

` : '';
  const sec = (k: string): number => num((b[k] as Record<string, unknown> | undefined)?.secondsPerIteration ?? (b[k] as Record<string, unknown> | undefined)?.trainerSecondsPerIteration);
  const base = sec('node1');
  const row = (label: string, k: string): string => {
    const v = b[k] as Record<string, unknown> | undefined;
    if (!v || 'error' in v) return `| ${label} | n/a: ${String(v?.error ?? 'not run').replace(/\|/g, '/').slice(0, 160)} | |`;
    return `| ${label} | ${f(sec(k))} | ${f(sec(k) / base)}x |`;
  };
  const isolated = (b.chromiumWasm2 as Record<string, unknown> | undefined)?.crossOriginIsolated;
  return `## B1 iteration in Chromium

Measured by \`npx tsx bench/browser-b1.ts\` (part of \`npm run bench\`) on ${String(b.date).slice(0, 10)}, in one run: Debian's Chromium ${String(b.chromium)}
(headless, driven by playwright-core) on the same machine, the page bundled against dist/ and served ${isolated ? 'cross-origin isolated (COOP/COEP), so WASM threads run' : 'without cross-origin isolation'};
${b.warmup} warm-up and ${b.iterations} timed iterations each (WebGL: 1 warm-up and ${(b.chromiumWebgl as Record<string, unknown> | undefined)?.iterations ?? 1} timed), the Trainer as in Node.
useFastestBackend's default passes over WebGL when it renders in software, as here, for WASM.

| where | backend | seconds / iteration | vs Node WASM, 1 thread |
|---|---|---|---|
${[
  ['Node', 'WASM, 1 thread', 'node1'],
  ['Node', 'WASM, 2 threads', 'node2'],
  ['Chromium', 'WASM, 1 thread', 'chromiumWasm1'],
  ['Chromium', 'WASM, 2 threads', 'chromiumWasm2'],
  ['Chromium', 'WebGL, software rendering (SwiftShader: no GPU here)', 'chromiumWebgl'],
]
  .map(([where, backend, k]) => row(`${where} | ${backend}`, k))
  .join('\n')}

${b.note ? `Note on this run: ${String(b.note)}\n\n` : ''}The WebGL figure is a CPU emulating a GPU; on a machine with a GPU, WebGL (or WebGPU) is the fast
backend and WASM the fallback. See [browser.md](browser.md) for what a page needs to use each.

`;
}

/** "Where the time goes": kernels by total time and every convolution's GMAC/s against the native Conv2D's best. */
function profileSection(p: Record<string, unknown> | undefined): string {
  if (!p || 'error' in p) return p ? `## Where the WASM iteration's time goes\n\nNot measured: ${String(p.error)}\n\n` : '';
  const peak = (p.plainConv2dPeak as { gmacPerSecond: number; shapes: { shape: string; gmacPerSecond: number }[] });
  const kernels = (p.kernels as { name: string; ms: number }[]).filter((k) => !k.name.endsWith('__op')).slice(0, 10);
  const convs = p.convolutions as { kernel: string; inputShapes: number[][]; outputShape: number[]; gmac: number; ms: number; gmacPerSecond: number; ofPeak: number }[];
  const below = convs.filter((c) => c.ofPeak < 0.6);
  return `## Where the WASM iteration's time goes

One Trainer iteration (1 thread) under \`tf.profile\` (bench/profile-b1.ts), medians of ${String(p.iterations ?? 3)} iterations: ${f(num(p.iterationMs) / 1000)} s per iteration, ${f(num(p.kernelMsTotal) / 1000)} s inside kernels.
The native XNNPACK Conv2D's best in the same process: **${f(peak.gmacPerSecond)} GMAC/s** (${peak.shapes.map((s) => `${s.shape}: ${f(s.gmacPerSecond)}`).join('; ')}).

| kernel | ms per iteration |
|---|---|
${kernels.map((k) => `| ${k.name} | ${f(k.ms, 1)} |`).join('\n')}

Every convolution of the step (${convs.length} calls; ${below.length} below 60% of that best):

| kernel | inputs | output | GMAC | ms | GMAC/s | of best |
|---|---|---|---|---|---|---|
${convs.map((c) => `| ${c.kernel} | ${c.inputShapes.map((s) => `[${s.join(',')}]`).join(' ')} | [${c.outputShape.join(',')}] | ${f(c.gmac, 3)} | ${f(c.ms, 1)} | ${f(c.gmacPerSecond)} | ${c.ofPeak < 0.6 ? `**${Math.round(c.ofPeak * 100)}%**` : `${Math.round(c.ofPeak * 100)}%`} |`).join('\n')}

`;
}

const md = `# Performance

Measured by \`npm run bench\` on ${results.date.slice(0, 10)}, in one run, on this machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}.
Raw numbers: [bench/results.json](../bench/results.json). PyTorch is Debian's python3-torch 1.13 with Debian's OpenBLAS
(\`libopenblas0-pthread\`; with Debian's default reference BLAS the same step takes ~14 s), \`torch.set_num_threads(1)\`.

## B1 iteration ([failure-modes.md](experiments/failure-modes.md#b1): D on 64 real + 64 fake images, G on 128)

Each engine at the same thread count: the headline is one thread against one thread.

| threads | PyTorch CPU | gan-hacks WASM | WASM / PyTorch |
|---|---|---|---|
| 1 | ${f(torch)} s | ${f(w1)} s | **${f(w1 / torch)}x** |
| ${results.machine.cores} | ${f(torchAll)} s | ${f(wAll)} s | ${f(wAll / torchAll)}x |

The tfjs CPU backend (pure JS) took ${'error' in results.b1.cpu ? String((results.b1.cpu as { error: string }).error) : `${f(cpuIt, 0)} s per iteration (${f(cpuIt / torch, 0)}x PyTorch)`}.
PyTorch ${String((results.b1.pytorch as Record<string, unknown>).torch ?? '')} loaded ${blas.length ? blas.map((b) => `\`${b}\``).join(', ') : 'no BLAS library it could report'}.

${results.note ? `Note on this run: ${results.note}\n\n` : ''}Peak resident memory of the WASM runs: ${num((results.b1.wasm1 as Record<string, unknown>).peakRssMB)} MB (1 thread), ${num((results.b1.wasmAll as Record<string, unknown>).peakRssMB)} MB (${results.machine.cores} threads); WASM heap ${num((results.b1.wasm1 as Record<string, unknown>).wasmHeapMB)} MB.

${profileSection(results.profile)}What limits WASM: one B1 iteration is ~33 billion multiply-adds, almost all in convolutions. gan-hacks
runs them on XNNPACK's WASM SIMD kernels (128-bit SIMD, no FMA); PyTorch's AVX2 kernels reach roughly
twice their rate per core. The large convolutions run near the native Conv2D's best (table above). The
generator's 1-channel output layer runs its forward pass on gan-hacks' few-taps input-gradient kernel read the
other way round (each input pixel's 49 taps in SIMD lanes, added into a padded output), its input gradient as a
GEMM over an im2col, and its filter gradient on gan-hacks' own WASM SIMD GEMM, which reads both tall operands
in place (tfjs's GEMM repacks its right operand, 50 MB for that layer, on every call). The discriminator's 1-channel first layer does only 16 multiply-adds per output value
(0.013-0.026 GMAC per call), so an im2col's copies would cost about as much as the arithmetic: its three
passes run on gan-hacks' own few-taps SIMD kernels, which read the taps straight from a zero-padded copy of
the input (and add the input gradient straight into one). The element-wise work (LeakyReLU and its
gradient, bias-gradient sums) runs as separate passes. tfjs's GEMM (BatchMatMul) runs on one thread
whatever the thread count. Threads help the convolutions:
tfjs's threaded WASM build is off in Node; gan-hacks starts it (\`initWasmBackend({ threads })\`, used by
\`useFastestBackend()\`).

${browserSection(results.browser)}## Trainer overhead

Trainer vs a hand-written tfjs loop doing the same three updates and one read of the losses per
iteration (WASM, 1 thread, 5 alternating rounds of 5 iterations, medians): ${f(num(over.trainerSecondsPerIteration), 3)} s vs
${f(num(over.handSecondsPerIteration), 3)} s per iteration, **${f(overhead * 100, 1)}%**.

## Kernels, CPU vs WASM (batch ${(results.kernels as { batch?: number }).batch}, 1 thread, ms)

The input gradient is also the forward pass of a transposed convolution (every generator upsampling layer).

| model | layer | kernel | CPU | WASM | speed-up |
|---|---|---|---|---|---|
${kernelRows}

## Gradient penalty against PyTorch

gan-hacks \`gradientPenalty\` on a tiny layer-normalised critic: ${gp.ganHacksGradientPenalty}; PyTorch (float64, same
weights and inputs, bench/gp_torch.py): ${gp.torchGradientPenalty}; relative difference ${gp.relativeDifference}.
`;
writeFileSync('docs/performance.md', md);
console.log(md);
