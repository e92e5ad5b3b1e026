/**
 * The functions the page exposes as `window.ganTest`, which
 * test/browser/chromium.test.ts calls through playwright's page.evaluate.
 * Arguments and results are plain JSON (they cross the page boundary).
 */
export type PageBackend = 'cpu' | 'webgl' | 'wasm';

export interface BackendReport {
  backend: string;
  reason: string;
  threads: number | undefined;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Seconds until useFastestBackend settled. */
  seconds: number;
}

export interface DcganRunOptions {
  loss: 'minimax' | 'wgangp';
  iterations: number;
  batchSize: number;
  seed: number;
}

export interface DcganRun {
  backend: string;
  /** Each iteration's record (losses, accuracies, penalty terms), as the History holds it. */
  records: Record<string, number>[];
  /** tf.memory().numTensors before the data and the models were made. */
  baseline: number;
  /** tf.memory().numTensors at each onIterationEnd. */
  tensorsPerIteration: number[];
  /** tf.memory().numTensors after trainer.dispose(), the models' dispose and the data's. */
  afterDispose: number;
  /** Trainable weight tensors of both models. */
  trainableWeights: number;
  /** What trainer.dispose() freed alone. */
  freedByTrainerDispose: number;
  seconds: number;
}

export interface PaintRunOptions {
  iterations: number;
  yieldEvery: 'auto' | 'never' | number;
}

export interface PaintRun {
  /** requestAnimationFrame callbacks whose timestamp fell between fit's start and its end. */
  frames: number;
  seconds: number;
  iterations: number;
  baseline: number;
  /** tf.memory().numTensors after the trainer's, the models' and the data's dispose. */
  afterDispose: number;
}

export interface HooksRun {
  /** Width × height of the CanvasGrid's canvas after fit. */
  canvas: [number, number];
  /** Iterations CanvasGrid drew (0: before the first). */
  drawn: number[];
  /** Variance of the canvas's RGB values read back with getImageData. */
  variance: number;
  /** The same for a canvas nothing drew on (the measure's zero). */
  blankVariance: number;
  /** What LiveCurves left in its div. */
  svgElements: number;
  svgPaths: number;
  svgText: string;
  baseline: number;
  tensorsPerIteration: number[];
  afterDispose: number;
}

export interface CheckpointRun {
  /** Iterations the BrowserCheckpoint hook wrote in the first part of the split run. */
  saved: number[];
  /** BrowserCheckpoint.list after the first part. */
  listed: number[];
  straight: { records: Record<string, number>[]; weights: string };
  resumed: { records: Record<string, number>[]; weights: string };
  /** float32 values in each weights string (base64 of their bytes). */
  weightValues: number;
  baseline: number;
  afterDispose: number;
}

export interface PageApi {
  /** useFastestBackend({ prefer: [name] }), with wasmModule and wasmPaths ('/wasm/') for 'wasm'. */
  useBackend(name: PageBackend): Promise<BackendReport>;
  /** useFastestBackend with its default order, given wasmModule and wasmPaths. */
  fastest(): Promise<BackendReport>;
  /** useFastestBackend({ prefer: ['wasm', 'cpu'] }) missing the module or the paths: where it falls back, and why. */
  wasmFallback(missing: 'wasmModule' | 'wasmPaths'): Promise<BackendReport>;
  trainDcgan(options: DcganRunOptions): Promise<DcganRun>;
  paintDuringFit(options: PaintRunOptions): Promise<PaintRun>;
  /** A short fit with CanvasGrid and LiveCurves (gan-hacks/browser) drawing into the page. */
  hooksInPage(iterations: number): Promise<HooksRun>;
  /** A straight run of `2k` iterations against one checkpointed to IndexedDB at `k` and resumed in a fresh Trainer. */
  checkpointResume(k: number): Promise<CheckpointRun>;
}
