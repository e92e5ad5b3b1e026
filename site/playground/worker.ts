/**
 * The playground's training worker: it owns tfjs, the two models and the Trainer, so that a B1 iteration
 * (seconds on WASM) never blocks the page. It posts the page what to show: every iteration's record with
 * the tensor count, the grid of one fixed latent batch as RGBA pixels, the FailureMonitor's diagnosis at
 * each check with the timeline of verdict changes, and checkpoint and stop events. The run is kept in
 * IndexedDB by BrowserCheckpoint (IndexedDB and tfjs's indexeddb:// handler both work in a worker).
 */
import * as tf from '@tensorflow/tfjs';
import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';
import {
  DiversityProbe,
  FailureMonitor,
  HingeGAN,
  LSGAN,
  MinimaxGAN,
  NaNGuard,
  NonSaturatingGAN,
  Trainer,
  WGANGP,
  GanHacksError,
  batchNorm,
  dcganNormal,
  diagnose,
  failureModesDiscriminator,
  failureModesGenerator,
  imageGrid,
  leakyReLU,
  sampleLatent,
  stridedDownsample,
  useFastestBackend,
  type BackendName,
  type Diagnosis,
  type GanLoss,
  type Hook,
  type IterationRecord,
  type TrainState,
} from 'gan-hacks';
import { BrowserCheckpoint, loadMnistFrom, toRgba } from 'gan-hacks/browser';
import {
  CHECK_EVERY,
  GRID_SIZE,
  ITERATIONS_PER_EPOCH,
  LOSSES,
  MONITOR_WINDOW,
  RUN_NAME,
  type FromWorker,
  type LossId,
  type MemoryInfo,
  type RunConfig,
  type TimelineEntry,
  type ToWorker,
} from './protocol.js';

/** The worker's global scope, as far as this file uses it (the project's lib is DOM, not WebWorker). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated?: boolean;
};
const post = (message: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(message, transfer);
const memory = (): MemoryInfo => {
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes };
};

/** Iterations between two grids sent to the page. */
const GRID_EVERY = 5;

let images: tf.Tensor4D | undefined;
let pauseRequested = false;

let run: Run | undefined;

/**
 * The WebGL renderer's name when it is a software rasterizer. useFastestBackend makes the same check on
 * a document's <canvas>, which a worker has none of, so here it is made on an OffscreenCanvas.
 */
function softwareWebgl(): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : undefined;
}

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  let prefer: BackendName[] = message.backend ? [message.backend] : ['webgpu', 'webgl', 'wasm', 'cpu'];
  let note = '';
  const software = message.backend ? undefined : softwareWebgl();
  if (software) {
    // One B1 iteration took 295 s on SwiftShader against 2 s on WASM (docs/performance.md).
    prefer = ['wasm', 'cpu'];
    note = ` (passed over: WebGL, which renders in software here (${software}), ~100x slower than WASM on a CPU; WebGPU: not bundled)`;
  }
  const choice = await useFastestBackend({ prefer, threads: message.threads, wasmModule: tfjsWasm, wasmPaths: new URL('wasm/', message.base).href, log: false });
  images = (await loadMnistFrom(new URL('eights.bin', message.base), { digits: [8] })).images as tf.Tensor4D;
  post({
    type: 'ready',
    backend: choice.backend,
    reason: choice.reason + note,
    threads: choice.threads,
    stored: await BrowserCheckpoint.list(RUN_NAME),
    crossOriginIsolated: scope.crossOriginIsolated === true,
    images: images.shape[0],
  });
}

function makeLoss(id: LossId): GanLoss {
  switch (id) {
    case 'minimax':
      return new MinimaxGAN();
    case 'saturating':
      return new MinimaxGAN({ saturating: true });
    case 'nonsaturating':
      return new NonSaturatingGAN();
    case 'lsgan':
      return new LSGAN();
    case 'hinge':
      return new HingeGAN();
    case 'wgangp':
      return new WGANGP();
  }
}

/**
 * failureModesDiscriminator with a linear last layer: the same layers and initialisation, for the
 * losses that read logits or critic scores (the Trainer refuses a sigmoid D for them).
 */
function linearDiscriminator(batchNormalized: boolean, seed: number): tf.Sequential {
  const init = dcganNormal({ seed });
  const model = tf.sequential({ name: 'failure_modes_critic' });
  model.add(stridedDownsample({ filters: 64, kernelSize: 4, inputShape: [28, 28, 1], kernelInitializer: init }));
  if (batchNormalized) model.add(batchNorm());
  model.add(leakyReLU());
  model.add(stridedDownsample({ filters: 64, kernelSize: 4, kernelInitializer: init }));
  if (batchNormalized) model.add(batchNorm());
  model.add(leakyReLU());
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init }));
  return model;
}

/** Draws the fixed latent batch's samples and posts them as RGBA pixels (the page puts them on a canvas). */
class GridPoster implements Hook {
  readonly name = 'GridPoster';
  private latent: tf.Tensor2D | undefined;
  private lastPosted = -1;

  post(iteration: number, latentDim: number, sample: (z: tf.Tensor) => tf.Tensor): void {
    this.latent ??= sampleLatent(GRID_SIZE * GRID_SIZE, latentDim, { seed: 0 });
    const samples = sample(this.latent);
    let rgba;
    try {
      rgba = toRgba(imageGrid(samples, { columns: GRID_SIZE, padding: 1 }));
    } finally {
      samples.dispose();
    }
    this.lastPosted = iteration;
    post({ type: 'grid', iteration, width: rgba.width, height: rgba.height, data: rgba.data }, [rgba.data.buffer]);
  }

  onTrainBegin(state: TrainState): void {
    if (this.lastPosted !== state.iteration) this.post(state.iteration, state.latentDim, (z) => state.sample(z));
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    if (logs.iteration % GRID_EVERY === 0) this.post(logs.iteration, state.latentDim, (z) => state.sample(z));
  }

  onTrainEnd(state: TrainState): void {
    if (this.lastPosted !== state.iteration) this.post(state.iteration, state.latentDim, (z) => state.sample(z));
  }

  dispose(): void {
    this.latent?.dispose();
    this.latent = undefined;
  }
}

/** BrowserCheckpoint that tells the page when a checkpoint is committed. */
class PostingCheckpoint extends BrowserCheckpoint {
  override async save(state: TrainState): Promise<number | undefined> {
    const iteration = await super.save(state);
    if (iteration !== undefined) post({ type: 'checkpoint', iteration });
    return iteration;
  }
}

/** Posts each record, the diagnosis at each check, answers pause and download requests between iterations. */
function controller(r: Run): Hook {
  let last = performance.now();
  const seconds: number[] = [];
  return {
    name: 'PlaygroundController',
    onTrainBegin() {
      last = performance.now();
      seconds.length = 0;
    },
    async onIterationEnd(state, logs) {
      const now = performance.now();
      seconds.push((now - last) / 1000);
      if (seconds.length > 10) seconds.shift();
      last = now;
      post({ type: 'records', records: [{ ...logs }], memory: memory(), secondsPerIteration: seconds.reduce((a, b) => a + b, 0) / seconds.length });
      const diagnosis = r.monitor.last;
      if (logs.iteration % CHECK_EVERY === 0 && diagnosis && diagnosis.window.toIteration === logs.iteration) {
        const changed = r.timeline[r.timeline.length - 1]?.iteration === logs.iteration;
        post({ type: 'diagnosis', iteration: logs.iteration, diagnosis, changed, timeline: [...r.timeline] });
      }
      if (r.saveRequested) {
        r.saveRequested = false;
        await postGenerator(r);
      }
      if (pauseRequested) state.stop('paused');
    },
  };
}

/** One run: its models, optimizers, hooks and Trainer, built from the page's settings. */
class Run {
  readonly trainer: Trainer;
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly optimizers: tf.Optimizer[];
  readonly monitor: FailureMonitor;
  readonly grid = new GridPoster();
  readonly checkpoints = new PostingCheckpoint({ name: RUN_NAME, every: CHECK_EVERY, keep: 2 });
  /** Verdict changes since the run began (rebuilt from the history after a reload). */
  readonly timeline: TimelineEntry[] = [];
  /** The promise of the fit under way. */
  fitting: Promise<void> | undefined;
  /** Set by a download request during fit: the controller hook saves between two iterations. */
  saveRequested = false;

  constructor(
    readonly config: RunConfig,
    images: tf.Tensor4D,
  ) {
    const loss = makeLoss(config.loss);
    const { dOutput, usesTargets, needsBothBatches } = LOSSES[config.loss];
    this.generator = failureModesGenerator({ latentDim: config.latentDim, batchNorm: config.batchNorm, seed: config.seed });
    this.discriminator =
      dOutput === 'sigmoid' ? failureModesDiscriminator({ batchNorm: config.batchNorm, seed: config.seed + 1 }) : linearDiscriminator(config.batchNorm, config.seed + 1);
    this.optimizers = [tf.train.adam(config.gLearningRate, config.gBeta1, config.beta2), tf.train.adam(config.dLearningRate, config.dBeta1, config.beta2)];
    const labels = usesTargets && (config.labelSmoothing || config.labelFlip > 0) ? { smoothPositive: config.labelSmoothing, flip: config.labelFlip > 0 ? config.labelFlip : undefined } : undefined;
    this.monitor = new FailureMonitor({
      every: CHECK_EVERY,
      window: MONITOR_WINDOW,
      onChange: (d: Diagnosis, _previous, iteration) => {
        // After a reload the monitor starts without a past verdict; the rebuilt timeline has it.
        if (this.timeline[this.timeline.length - 1]?.verdict !== d.verdict) this.timeline.push({ iteration, verdict: d.verdict });
      },
    });
    // The probe reads its real samples once, in its constructor, and keeps nothing of them.
    const real = images.slice(0, 200);
    try {
      const probe = new DiversityProbe({ real, every: CHECK_EVERY });
      this.trainer = new Trainer({
        generator: this.generator,
        discriminator: this.discriminator,
        loss,
        latentDim: config.latentDim,
        discriminatorStep: needsBothBatches ? 'combined' : config.discriminatorStep,
        discriminatorSteps: config.discriminatorSteps,
        // As examples/failure-modes/train.ts: the source trains G through a frozen Keras D (batch norm on moving statistics).
        discriminatorModeInGeneratorStep: 'inference',
        labels,
        optimizers: { generator: this.optimizers[0], discriminator: this.optimizers[1] },
        seed: config.seed,
        hooks: [new NaNGuard(), probe, this.monitor, this.grid, controller(this), this.checkpoints],
      });
    } catch (e) {
      this.disposeModels();
      throw e;
    } finally {
      real.dispose();
    }
  }

  dispose(): void {
    this.trainer.dispose();
    this.grid.dispose();
    this.disposeModels();
  }

  private disposeModels(): void {
    this.generator.dispose();
    this.discriminator.dispose();
    this.optimizers.forEach((o) => o.dispose());
  }
}

function build(config: RunConfig): Run {
  if (!images) throw new GanHacksError('TRAINING_STATE', 'The worker has no data yet: send init first.');
  return new Run(config, images);
}

/** Stops the run under way (at the end of its iteration) and frees it. */
async function dropRun(): Promise<void> {
  const r = run;
  if (!r) return;
  pauseRequested = true;
  await r.fitting?.catch(() => undefined);
  r.dispose();
  run = undefined;
}

/** The verdict changes the FailureMonitor would have reported over a history, as it checks: every CHECK_EVERY iterations. */
function timelineOf(records: IterationRecord[], loss: GanLoss): { timeline: TimelineEntry[]; last?: Diagnosis } {
  const timeline: TimelineEntry[] = [];
  let last: Diagnosis | undefined;
  for (let i = CHECK_EVERY; i <= records.length; i += CHECK_EVERY) {
    last = diagnose(records.slice(0, i), { loss, window: Math.min(MONITOR_WINDOW, i) });
    if (timeline[timeline.length - 1]?.verdict !== last.verdict) timeline.push({ iteration: i, verdict: last.verdict });
  }
  return { timeline, last };
}

function train(r: Run): void {
  pauseRequested = false;
  r.fitting = r.trainer
    // yieldEvery 0: a turn of the event loop after every iteration, so that a pause or a download request
    // is read at once ('auto' yields in a page only: in a worker it would never yield).
    .fit(images!, { batchSize: r.config.batchSize, iterations: r.config.iterations, iterationsPerEpoch: ITERATIONS_PER_EPOCH, yieldEvery: 0 })
    .then(() => {
      const iteration = r.trainer.iteration;
      post({ type: 'stopped', iteration, reason: iteration >= r.config.iterations ? 'done' : 'paused' });
    })
    .catch((e: unknown) => postError(e))
    .finally(() => {
      r.fitting = undefined;
    });
}

async function start(config: RunConfig): Promise<void> {
  await dropRun();
  await BrowserCheckpoint.delete(RUN_NAME);
  run = build(config);
  post({ type: 'run', config, records: [], timeline: [], resumed: false });
  train(run);
}

async function resume(config: RunConfig): Promise<void> {
  await dropRun();
  const r = build(config);
  try {
    await r.trainer.resume(r.checkpoints);
  } catch (e) {
    r.dispose();
    throw e;
  }
  run = r;
  const records = r.trainer.history.records;
  const { timeline, last } = timelineOf(records, r.trainer.loss);
  r.timeline.push(...timeline);
  post({ type: 'run', config, records: records.map((x) => ({ ...x })), timeline, diagnosis: last, resumed: true });
  r.grid.post(r.trainer.iteration, config.latentDim, (z) => r.trainer.generate(z));
  if (r.trainer.iteration < config.iterations) train(r);
  else post({ type: 'stopped', iteration: r.trainer.iteration, reason: 'done' });
}

/** Saves the generator in tfjs's layers format (model.json + weights.bin) and posts both files to the page. */
async function postGenerator(r: Run): Promise<void> {
  let files: { modelJson: string; weights: ArrayBuffer } | undefined;
  await r.generator.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      files = { modelJson: JSON.stringify(modelJson), weights };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  if (files) post({ type: 'generator', modelJson: files.modelJson, weights: files.weights, iteration: r.trainer.iteration }, [files.weights]);
}

function postError(e: unknown): void {
  console.error(e);
  post({ type: 'error', message: e instanceof Error ? e.message : String(e), code: e instanceof GanHacksError ? e.code : undefined });
}

/** Commands run one at a time, in order; a pause is answered at once (between two iterations). */
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'pause') {
    pauseRequested = true;
    return;
  }
  queue = queue.then(async () => {
    try {
      switch (message.type) {
        case 'init':
          return await init(message);
        case 'start':
          return await start(message.config);
        case 'resume':
          return await resume(message.config);
        case 'continue':
          if (run && !run.fitting && run.trainer.iteration < run.config.iterations) train(run);
          return;
        case 'reset':
          await dropRun();
          await BrowserCheckpoint.delete(RUN_NAME);
          post({ type: 'reset' });
          return;
        case 'download-generator':
          if (!run) return;
          if (run.fitting) run.saveRequested = true;
          else await postGenerator(run);
          return;
      }
    } catch (e) {
      postError(e);
    }
  });
};
