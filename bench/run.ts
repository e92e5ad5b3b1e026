/**
 * `npm run bench`: measures, in one run on this machine, per-kernel times on CPU vs WASM, seconds per
 * B1 iteration on WASM (1 and all threads), on CPU (one iteration, if it finishes), and in PyTorch
 * (bench/b1_torch.py, one thread), the Trainer against a hand-written loop, peak memory, and the
 * gradient penalty against PyTorch. Writes bench/results.json and docs/performance.md.
 *
 * `--render` rewrites docs/performance.md from bench/results.json without measuring; `--note TEXT`
 * stores a remark about the run (e.g. what else shared the machine) and prints it under the table.
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
    cpu: runJson('B1 iteration, CPU backend (1 iteration)', 'npx', [...tsx, 'bench/b1-step.ts', '--backend', 'cpu', '--iterations', '1', '--warmup', '0', '--mode', 'trainer'], quick ? 60 : 1800),
    pytorch: runJson('B1 iteration, PyTorch 1 thread', python, ['bench/b1_torch.py', its, '1'], 3600),
  },
  trainerOverhead: runJson('Trainer vs hand-written loop (WASM, 1 thread)', 'npx', [...tsx, 'bench/b1-step.ts', '--backend', 'wasm', '--threads', '1', '--iterations', quick ? '2' : '5', '--mode', 'both'], 3600),
  browser: runJson('B1 iteration in Chromium (WASM 1 and 2 threads, WebGL) and Node', 'npx', [...tsx, 'bench/browser-b1.ts', '--iterations', quick ? '1' : '5'], 3600),
  gradientPenalty: (() => {
    const ours = runJson('gradient penalty (gan-hacks)', 'npx', [...tsx, 'bench/gp-check.ts'], 600);
    return 'error' in ours ? ours : runJson('gradient penalty (PyTorch)', python, ['bench/gp_torch.py'], 600);
  })(),
});
type Results = Omit<ReturnType<typeof measured>, 'browser'> & { note?: string; browser?: Record<string, unknown> };
const results: Results = render ? JSON.parse(readFileSync('bench/results.json', 'utf8')) : measured();
if (noteAt >= 0) results.note = process.argv[noteAt + 1];
writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const f = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const torch = num((results.b1.pytorch as Record<string, unknown>).seconds_per_iteration);
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

const md = `# Performance

Measured by \`npm run bench\` on ${results.date.slice(0, 10)}, in one run, on this machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}.
Raw numbers: [bench/results.json](../bench/results.json). PyTorch is Debian's python3-torch 1.13 with Debian's OpenBLAS
(\`libopenblas0-pthread\`; with Debian's default reference BLAS the same step takes ~14 s), \`torch.set_num_threads(1)\`.

## B1 iteration ([failure-modes.md](experiments/failure-modes.md#b1): D on 64 real + 64 fake images, G on 128)

| backend | seconds / iteration | vs PyTorch (1 thread) |
|---|---|---|
| PyTorch CPU, 1 thread | ${f(torch)} | 1.00x |
| gan-hacks WASM, 1 thread | ${f(w1)} | ${f(w1 / torch)}x |
| gan-hacks WASM, ${results.machine.cores} threads | ${f(wAll)} | ${f(wAll / torch)}x |
| tfjs CPU backend (pure JS) | ${'error' in results.b1.cpu ? String((results.b1.cpu as { error: string }).error) : f(cpuIt, 0)} | ${Number.isFinite(cpuIt) ? `${f(cpuIt / torch, 0)}x` : ''} |

${results.note ? `Note on this run: ${results.note}\n\n` : ''}Peak resident memory of the WASM runs: ${num((results.b1.wasm1 as Record<string, unknown>).peakRssMB)} MB (1 thread), ${num((results.b1.wasmAll as Record<string, unknown>).peakRssMB)} MB (${results.machine.cores} threads); WASM heap ${num((results.b1.wasm1 as Record<string, unknown>).wasmHeapMB)} MB.

What limits WASM: one B1 iteration is ~33 billion multiply-adds, almost all in convolutions. gan-hacks
runs them on XNNPACK's WASM SIMD kernels (128-bit SIMD, no FMA), which reach ~14-15 GMAC/s on one
thread here; PyTorch's AVX2 kernels reach roughly twice that. With the phase-decomposed transposed
convolution and filter gradient the large convolutions run at XNNPACK's peak, so the remaining gap is
the instruction set, plus element-wise work (LeakyReLU gradients, bias-gradient sums) that tfjs runs as
separate passes. Threads help: tfjs's threaded WASM build is off in Node; gan-hacks starts it
(\`initWasmBackend({ threads })\`, used by \`useFastestBackend()\`).

${browserSection(results.browser)}## Trainer overhead

Trainer vs a hand-written tfjs loop doing the same three updates and one read of the losses per
iteration (WASM, 1 thread, alternating rounds, medians): ${f(num(over.trainerSecondsPerIteration), 3)} s vs
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
