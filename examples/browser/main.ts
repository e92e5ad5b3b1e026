/**
 * A minimal page that trains the B1 DCGAN (docs/experiments/failure-modes.md) on the bundled MNIST eights
 * in the browser: the fastest backend the page has, a live grid of one fixed latent batch, the learning
 * curves, the failure monitor's verdict, and a checkpoint in IndexedDB so that a reload continues the run.
 * Built and served by `npx tsx examples/browser/build.ts --serve`; see docs/browser.md.
 */
import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';
import { FailureMonitor, NaNGuard, Trainer, failureModesDiscriminator, failureModesGenerator, useFastestBackend, type BackendName, type Hook } from 'gan-hacks';
import { BrowserCheckpoint, CanvasGrid, LiveCurves, loadMnistFrom } from 'gan-hacks/browser';

const RUN = 'example-b1';
const ITERATIONS = 300;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const [status, progress, verdict] = [$('status'), $('progress'), $('verdict')];
const [start, pause, reset] = [$<HTMLButtonElement>('start'), $<HTMLButtonElement>('pause'), $<HTMLButtonElement>('reset')];

// The page serves tfjs-backend-wasm's .wasm files beside main.js (build.ts copies them).
// `?backend=wasm` (or webgl, cpu) picks one; by default the fastest this browser has.
const asked = new URLSearchParams(location.search).get('backend');
const prefer: BackendName[] | undefined = asked === 'wasm' || asked === 'webgl' || asked === 'cpu' ? [asked] : undefined;
const choice = await useFastestBackend({ prefer, wasmModule: tfjsWasm, wasmPaths: new URL('./', import.meta.url).href, log: false });
status.textContent = `backend: ${choice.backend}: ${choice.reason}`;
const { images } = await loadMnistFrom(new URL('./eights.bin', import.meta.url), { digits: [8] });

let pauseRequested = false;
const pauser: Hook = {
  name: 'Pauser',
  onIterationEnd(state, logs) {
    progress.textContent = `iteration ${state.iteration} / ${ITERATIONS}: D ${(logs.dLossReal + logs.dLossFake).toFixed(3)}, G ${logs.gLoss.toFixed(3)}`;
    if (pauseRequested) state.stop('paused');
  },
};
const checkpoints = new BrowserCheckpoint({ name: RUN, every: 25 });
const monitor = new FailureMonitor({
  every: 25,
  onChange: (d, _previous, iteration) => {
    verdict.textContent = `iteration ${iteration}: ${d.verdict}${d.findings[0] ? ` (${d.findings[0].message})` : ''}`;
  },
});
const trainer = new Trainer({
  generator: failureModesGenerator({ latentDim: 50, seed: 1 }),
  discriminator: failureModesDiscriminator({ seed: 2 }),
  latentDim: 50,
  seed: 1,
  hooks: [new NaNGuard(), monitor, new CanvasGrid({ canvas: $<HTMLCanvasElement>('grid'), every: 10, size: 8 }), new LiveCurves({ element: $('curves'), every: 10, width: 420, height: 160 }), checkpoints, pauser],
});
if ((await BrowserCheckpoint.list(RUN)).length > 0) {
  await trainer.resume(checkpoints); // the page was reloaded: continue where the last checkpoint stands
  progress.textContent = `resumed at iteration ${trainer.history.length}`;
}

async function train(): Promise<void> {
  pauseRequested = false;
  [start.disabled, pause.disabled, reset.disabled] = [true, false, true];
  await trainer.fit(images, { batchSize: 128, iterations: ITERATIONS }); // yields to the page between iterations
  [start.disabled, pause.disabled, reset.disabled] = [trainer.history.length >= ITERATIONS, true, false];
}
start.onclick = () => void train();
pause.onclick = () => (pauseRequested = true);
reset.onclick = async () => {
  await BrowserCheckpoint.delete(RUN);
  location.reload();
};
[start.disabled, reset.disabled] = [false, false];
