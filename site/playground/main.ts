/**
 * The playground page: settings and buttons, and what the training worker (worker.ts) reports drawn
 * live: the grid of a fixed latent batch, the learning curves (the Node figures' chart, LiveCurves),
 * sample diversity, the FailureMonitor's verdict in plain words with its findings and the timeline of
 * verdict changes, the speed and the worker's tensor count. The page itself runs no tfjs: a B1
 * iteration takes seconds, and the worker keeps the page drawing frames meanwhile.
 */
import { History } from 'gan-hacks';
import { LiveCurves } from 'gan-hacks/browser';
import {
  BATCH_SIZES,
  CHECK_EVERY,
  DEFAULT_BATCH_SIZE,
  LOSSES,
  PRESETS,
  presetConfig,
  type Diagnosis,
  type FromWorker,
  type IterationRecord,
  type LossId,
  type PlaygroundProbe,
  type PresetId,
  type RunConfig,
  type TimelineEntry,
  type ToWorker,
  type Verdict,
} from './protocol.js';
import { FULL_RUNS, SPEEDS } from './measured.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: index.html has no #${id}`);
  return el as T;
};
const STORAGE_KEY = 'gan-hacks-playground-run';

/** The verdicts in plain words. */
const PLAIN: Record<Verdict, { title: string; text: string }> = {
  undetermined: {
    title: 'Undetermined',
    text: 'Too early to tell, or the evidence fits no failure mode yet. Before iteration 100 low diversity does not count as a failure: an untrained generator always draws near-identical blobs.',
  },
  stable: { title: 'Stable', text: 'The losses sit in their healthy bands and the generated eights are about as varied as real ones.' },
  'mode-collapse': { title: 'Mode collapse', text: 'The generator repeats near-identical samples: many latent points map to the same few eights.' },
  'convergence-failure': {
    title: 'Convergence failure',
    text: "The discriminator wins outright: its losses fall towards 0, its accuracy is pinned at 100% and the generator's loss climbs. The generator has stopped learning.",
  },
};

// ---- state -------------------------------------------------------------------------------------
let config: RunConfig = presetConfig('b1');
let records: IterationRecord[] = [];
let timeline: TimelineEntry[] = [];
let diagnosis: Diagnosis | undefined;
let running = false;
let target = config.iterations;
let lastCheckpoint: number | undefined;
const memoryLog: { iteration: number; numTensors: number; numBytes: number }[] = [];
let backend: { backend: string; reason: string; threads?: number } | undefined;
let gridIteration = -1;
let secondsPerIteration: number | undefined;

// ---- worker ------------------------------------------------------------------------------------
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'gan-hacks-trainer' });
const send = (message: ToWorker): void => worker.postMessage(message);
worker.onerror = (e) => showError(`The training worker failed: ${e.message}`);

// ---- form --------------------------------------------------------------------------------------
const form = $<HTMLFormElement>('settings');
const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string): T => form.elements.namedItem(name) as T;

function fillForm(c: RunConfig): void {
  field<HTMLSelectElement>('batchSize').value = String(c.batchSize);
  field<HTMLInputElement>('iterations').value = String(c.iterations);
  field<HTMLInputElement>('latentDim').value = String(c.latentDim);
  field<HTMLSelectElement>('loss').value = c.loss;
  field<HTMLSelectElement>('discriminatorStep').value = c.discriminatorStep;
  field<HTMLInputElement>('discriminatorSteps').value = String(c.discriminatorSteps);
  field<HTMLInputElement>('labelSmoothing').checked = c.labelSmoothing;
  field<HTMLInputElement>('labelFlip').value = String(c.labelFlip);
  field<HTMLInputElement>('batchNorm').checked = c.batchNorm;
  field<HTMLInputElement>('gLearningRate').value = String(c.gLearningRate);
  field<HTMLInputElement>('gBeta1').value = String(c.gBeta1);
  field<HTMLInputElement>('dLearningRate').value = String(c.dLearningRate);
  field<HTMLInputElement>('dBeta1').value = String(c.dBeta1);
  field<HTMLInputElement>('beta2').value = String(c.beta2);
  field<HTMLInputElement>('seed').value = String(c.seed);
  showPreset(c.preset);
  syncLossControls();
}

function readForm(): RunConfig {
  const num = (name: string): number => Number(field<HTMLInputElement>(name).value);
  return {
    preset: config.preset,
    batchSize: num('batchSize'),
    iterations: num('iterations'),
    latentDim: num('latentDim'),
    loss: field<HTMLSelectElement>('loss').value as LossId,
    discriminatorStep: field<HTMLSelectElement>('discriminatorStep').value as RunConfig['discriminatorStep'],
    discriminatorSteps: num('discriminatorSteps'),
    labelSmoothing: field<HTMLInputElement>('labelSmoothing').checked,
    labelFlip: num('labelFlip'),
    batchNorm: field<HTMLInputElement>('batchNorm').checked,
    gLearningRate: num('gLearningRate'),
    gBeta1: num('gBeta1'),
    dLearningRate: num('dLearningRate'),
    dBeta1: num('dBeta1'),
    beta2: num('beta2'),
    seed: num('seed'),
  };
}

/** A setting the page cannot run, in words; undefined when the form is fine (the Trainer checks the rest). */
function invalid(c: RunConfig): string | undefined {
  const int = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(c.iterations, 1, 100_000)) return 'Iterations: a whole number from 1 to 100,000.';
  if (!int(c.latentDim, 1, 1024)) return 'Latent size: a whole number from 1 to 1,024.';
  if (!int(c.discriminatorSteps, 1, 10)) return 'D steps per G step: a whole number from 1 to 10.';
  if (!(c.labelFlip >= 0 && c.labelFlip <= 0.5)) return 'Flipped labels: a fraction from 0 to 0.5.';
  for (const k of ['gLearningRate', 'dLearningRate'] as const) if (!(c[k] > 0 && c[k] <= 0.1)) return 'Learning rates: above 0, at most 0.1.';
  for (const k of ['gBeta1', 'dBeta1', 'beta2'] as const) if (!(c[k] >= 0 && c[k] < 1)) return 'Betas: from 0 to below 1.';
  if (!Number.isInteger(c.seed)) return 'Seed: a whole number.';
  return undefined;
}

/** Losses decide what D outputs and whether the label hacks apply (see protocol.ts). */
function syncLossControls(): void {
  const loss = LOSSES[field<HTMLSelectElement>('loss').value as LossId];
  for (const name of ['labelSmoothing', 'labelFlip']) field<HTMLInputElement>(name).disabled = running || !loss.usesTargets;
  const step = field<HTMLSelectElement>('discriminatorStep');
  if (loss.needsBothBatches) step.value = 'combined';
  step.disabled = running || loss.needsBothBatches;
  $('loss-note').textContent = `D ends in ${loss.dOutput === 'sigmoid' ? 'a sigmoid (probabilities)' : 'a linear layer (logits / critic scores)'}${
    loss.usesTargets ? '' : '; this loss reads no targets, so label smoothing and noisy labels do not apply'
  }${loss.needsBothBatches ? '; its penalty needs real and fake in one D step (combined)' : ''}.`;
}

function showPreset(id: PresetId): void {
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#presets button'))) b.setAttribute('aria-pressed', String(b.dataset.preset === id));
  $('preset-summary').textContent = id === 'custom' ? 'Custom settings: changed from a preset.' : PRESETS[id].summary;
}

for (const [id, preset] of Object.entries(PRESETS)) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.preset = id;
  b.textContent = preset.title;
  b.onclick = () => {
    config = presetConfig(id as keyof typeof PRESETS, Number(field<HTMLSelectElement>('batchSize').value));
    fillForm(config);
  };
  $('presets').append(b);
}
const lossSelect = field<HTMLSelectElement>('loss');
for (const [id, loss] of Object.entries(LOSSES)) lossSelect.add(new Option(loss.label, id));
const batchSelect = field<HTMLSelectElement>('batchSize');
for (const n of BATCH_SIZES) batchSelect.add(new Option(`${n}${n === DEFAULT_BATCH_SIZE ? " (B1's own)" : ' (faster)'}`, String(n)));
form.addEventListener('input', (e) => {
  const name = (e.target as HTMLInputElement).name;
  if (name === 'loss') syncLossControls();
  // The batch size and the run's length do not change what a preset reproduces.
  if (!['batchSize', 'iterations'].includes(name)) {
    config = { ...readForm(), preset: 'custom' };
    showPreset('custom');
  }
});
fillForm(config);

// ---- buttons -----------------------------------------------------------------------------------
const buttons = {
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  reset: $<HTMLButtonElement>('reset'),
  generator: $<HTMLButtonElement>('download-generator'),
  csv: $<HTMLButtonElement>('download-csv'),
};

function syncButtons(ready = backend !== undefined): void {
  const last = records[records.length - 1]?.iteration ?? 0;
  buttons.start.disabled = !ready || running;
  buttons.pause.disabled = !running;
  buttons.resume.disabled = running || records.length === 0 || last >= target;
  buttons.reset.disabled = !ready;
  buttons.generator.disabled = records.length === 0;
  buttons.csv.disabled = records.length === 0;
  for (const el of Array.from(form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))) el.disabled = running;
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#presets button'))) b.disabled = running;
  if (!running) syncLossControls();
  document.body.dataset.state = running ? 'running' : records.length ? 'paused' : 'idle';
}

buttons.start.onclick = () => {
  const c = { ...readForm(), preset: config.preset };
  const problem = invalid(c);
  if (problem) return showError(problem);
  config = c;
  clearRun();
  $('error').hidden = true;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(config));
  running = true;
  syncButtons();
  send({ type: 'start', config });
};
buttons.pause.onclick = () => {
  buttons.pause.disabled = true;
  $('run-status').textContent = 'pausing after this iteration…';
  send({ type: 'pause' });
};
buttons.resume.onclick = () => {
  running = true;
  syncButtons();
  send({ type: 'continue' });
};
buttons.reset.onclick = () => {
  localStorage.removeItem(STORAGE_KEY);
  $('saved').hidden = true;
  send({ type: 'reset' });
};
buttons.generator.onclick = () => send({ type: 'download-generator' });
buttons.csv.onclick = () => download(new Blob([new History(records).toCSV()], { type: 'text/csv' }), `playground-${config.preset}-history.csv`);

function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// ---- drawing -----------------------------------------------------------------------------------
const grid = $<HTMLCanvasElement>('grid');
const curves = new LiveCurves({ element: $('curves'), width: 420, height: 120 });
let curvesDue = false;
let lastCurves = 0;
/** Vega redraws cost the page tens of milliseconds: at most one every 1.5 s while training. */
function scheduleCurves(): void {
  curvesDue = true;
}
function drawCurvesIfDue(now: number): void {
  if (!curvesDue || records.length === 0 || now - lastCurves < 1500) return;
  curvesDue = false;
  lastCurves = now;
  curves.render(new History(records)).catch((e: unknown) => showError(`The learning curves could not be drawn: ${(e as Error).message}`));
}

function clearRun(): void {
  records = [];
  timeline = [];
  diagnosis = undefined;
  memoryLog.length = 0;
  lastCheckpoint = undefined;
  gridIteration = -1;
  secondsPerIteration = undefined;
  target = config.iterations;
  $('curves').replaceChildren();
  grid.getContext('2d')?.clearRect(0, 0, grid.width, grid.height);
  $('grid-caption').textContent = 'no samples yet';
  showDiagnosis();
  showStats();
}

function showDiagnosis(): void {
  const verdict = diagnosis?.verdict;
  const box = $('verdict');
  box.dataset.verdict = verdict ?? 'none';
  $('verdict-title').textContent = verdict ? PLAIN[verdict].title : 'No verdict yet';
  $('verdict-text').textContent = verdict
    ? PLAIN[verdict].text
    : `The FailureMonitor reads the curves every ${CHECK_EVERY} iterations, over the last 100, and says here what it sees.`;
  $('verdict-window').textContent = diagnosis ? `iterations ${diagnosis.window.fromIteration}–${diagnosis.window.toIteration}` : '';
  const list = $('findings');
  list.replaceChildren(
    ...(diagnosis?.findings ?? [])
      .filter((f) => f.severity !== 'info' || diagnosis?.verdict === 'undetermined')
      .map((f) => {
        const li = document.createElement('li');
        li.dataset.severity = f.severity;
        li.textContent = f.message;
        return li;
      }),
  );
  $('timeline').replaceChildren(
    ...timeline.map((t) => {
      const li = document.createElement('li');
      li.dataset.verdict = t.verdict;
      li.textContent = `iteration ${t.iteration} → ${t.verdict}`;
      return li;
    }),
  );
}

function latest(column: string): { value: number; iteration: number } | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const v = records[i][column];
    if (v !== undefined && Number.isFinite(v)) return { value: v, iteration: records[i].iteration };
  }
  return undefined;
}

function showStats(): void {
  const last = records[records.length - 1];
  const iteration = last?.iteration ?? 0;
  $('progress').textContent = `iteration ${iteration} / ${target}`;
  ($('progress-bar') as HTMLProgressElement).value = target ? iteration / target : 0;
  const left = secondsPerIteration === undefined ? undefined : (target - iteration) * secondsPerIteration;
  $('speed').textContent =
    secondsPerIteration === undefined ? '–' : `${secondsPerIteration.toFixed(2)} s / iteration${running && left ? `, ~${Math.ceil(left / 60)} min left` : ''}`;
  const losses = last ? `D real ${last.dLossReal.toFixed(3)}, D fake ${last.dLossFake.toFixed(3)}, G ${last.gLoss.toFixed(3)}` : '–';
  $('losses').textContent = losses;
  const diversity = latest('diversity');
  const neighbours = latest('nearestNeighborRatio');
  $('diversity').textContent = diversity ? `${diversity.value.toFixed(2)} (iteration ${diversity.iteration})` : '–';
  $('neighbours').textContent = neighbours ? `${neighbours.value.toFixed(2)}` : '–';
  ($('diversity-bar') as HTMLMeterElement).value = diversity ? Math.min(1.2, diversity.value) : 0;
  // Flat memory: the tensor count after the first iterations (the optimizers' moments appear at the first step).
  const settled = memoryLog.filter((m) => m.iteration > 2);
  const counts = settled.map((m) => m.numTensors);
  const now = memoryLog[memoryLog.length - 1];
  $('memory').textContent = now
    ? `${now.numTensors} tensors, ${(now.numBytes / 2 ** 20).toFixed(1)} MiB${counts.length ? ` (min ${Math.min(...counts)}, max ${Math.max(...counts)} since iteration 3)` : ''}`
    : '–';
  $('checkpoint').textContent = lastCheckpoint === undefined ? 'none yet' : `iteration ${lastCheckpoint} (IndexedDB)`;
}

function showError(message: string): void {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

// ---- frames per second (shown, and read by the tests) --------------------------------------------
const frameTimes: number[] = [];
function frame(now: number): void {
  frameTimes.push(now);
  while (frameTimes.length && now - frameTimes[0] > 2000) frameTimes.shift();
  drawCurvesIfDue(now);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
setInterval(() => {
  const span = frameTimes.length > 1 ? frameTimes[frameTimes.length - 1] - frameTimes[0] : 0;
  $('fps').textContent = span > 0 ? `${(((frameTimes.length - 1) * 1000) / span).toFixed(0)} frames / s` : '–';
}, 1000);

// ---- messages ----------------------------------------------------------------------------------
worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready': {
      backend = m;
      // Parse vega now, while nothing trains: LiveCurves imports it at its first chart, and parsing it then would cost frames.
      void Promise.all([import('vega'), import('vega-lite')]);
      $('backend').textContent = `${m.backend}${m.threads ? `, ${m.threads} thread${m.threads === 1 ? '' : 's'}` : ''}`;
      $('backend-reason').textContent = m.reason + (m.crossOriginIsolated ? '' : ' The page is not cross-origin isolated (COOP/COEP headers), so WASM runs on one thread.');
      $('run-status').textContent = `ready: ${m.images} MNIST eights loaded`;
      const saved = localStorage.getItem(STORAGE_KEY);
      if (m.stored.length > 0 && saved) {
        const c = JSON.parse(saved) as RunConfig;
        $('saved-text').textContent = `A run is saved in this browser: ${c.preset === 'custom' ? 'custom settings' : PRESETS[c.preset].title}, batch ${c.batchSize}, checkpoint at iteration ${m.stored[m.stored.length - 1]} of ${c.iterations}.`;
        $('saved').hidden = false;
        $('saved-resume').onclick = () => {
          $('saved').hidden = true;
          config = c;
          fillForm(c);
          clearRun();
          running = true;
          syncButtons();
          $('run-status').textContent = 'restoring the saved run…';
          send({ type: 'resume', config: c });
        };
        $('saved-discard').onclick = () => {
          $('saved').hidden = true;
          localStorage.removeItem(STORAGE_KEY);
          send({ type: 'reset' });
        };
      }
      syncButtons(true);
      return;
    }
    case 'run':
      config = m.config;
      target = m.config.iterations;
      records = m.records;
      timeline = m.timeline;
      diagnosis = m.diagnosis;
      $('run-status').textContent = m.resumed ? `resumed at iteration ${records[records.length - 1]?.iteration ?? 0}` : 'training';
      showDiagnosis();
      showStats();
      scheduleCurves();
      return;
    case 'records': {
      records.push(...m.records);
      const last = m.records[m.records.length - 1];
      memoryLog.push({ iteration: last.iteration, ...m.memory });
      secondsPerIteration = m.secondsPerIteration;
      if (running) $('run-status').textContent = 'training';
      showStats();
      scheduleCurves();
      return;
    }
    case 'grid': {
      if (grid.width !== m.width) grid.width = m.width;
      if (grid.height !== m.height) grid.height = m.height;
      grid.getContext('2d')!.putImageData(new ImageData(m.data, m.width, m.height), 0, 0);
      gridIteration = m.iteration;
      $('grid-caption').textContent = `the same 64 latent points at iteration ${m.iteration}`;
      return;
    }
    case 'diagnosis':
      diagnosis = m.diagnosis;
      timeline = m.timeline;
      showDiagnosis();
      return;
    case 'checkpoint':
      lastCheckpoint = m.iteration;
      showStats();
      return;
    case 'stopped':
      running = false;
      $('run-status').textContent = m.reason === 'done' ? `finished at iteration ${m.iteration}` : `paused at iteration ${m.iteration}`;
      lastCheckpoint = m.iteration;
      syncButtons();
      showStats();
      scheduleCurves();
      return;
    case 'reset':
      running = false;
      clearRun();
      $('run-status').textContent = 'reset: nothing stored';
      syncButtons();
      return;
    case 'generator':
      download(new Blob([m.modelJson], { type: 'application/json' }), 'model.json');
      download(new Blob([m.weights], { type: 'application/octet-stream' }), 'weights.bin');
      return;
    case 'error':
      running = false;
      showError(`${m.code ? `${m.code}: ` : ''}${m.message}`);
      syncButtons();
      return;
  }
};

// ---- the measured figures ----------------------------------------------------------------------
$('speeds').replaceChildren(
  ...SPEEDS.map((s) => {
    const tr = document.createElement('tr');
    for (const cell of [s.setting, s.where, s.seconds]) tr.insertCell().textContent = cell;
    return tr;
  }),
);
$('full-runs').replaceChildren(
  ...FULL_RUNS.map((r) => {
    const tr = document.createElement('tr');
    for (const cell of [r.setting, r.timeline]) tr.insertCell().textContent = cell;
    return tr;
  }),
);

(window as unknown as { playground: PlaygroundProbe }).playground = {
  iteration: () => records[records.length - 1]?.iteration ?? 0,
  verdict: () => diagnosis?.verdict,
  timeline: () => [...timeline],
  memory: () => [...memoryLog],
  backend: () => backend,
  checkpoint: () => lastCheckpoint,
  gridIteration: () => gridIteration,
  running: () => running,
  records: () => records.map((r) => ({ ...r })),
};

const wanted = new URLSearchParams(location.search).get('backend');
send({
  type: 'init',
  base: new URL('./', location.href).href,
  backend: wanted === 'wasm' || wanted === 'webgl' || wanted === 'cpu' ? wanted : undefined,
  threads: Number(new URLSearchParams(location.search).get('threads')) || undefined,
});
