/**
 * What the playground's page and its training worker say to each other, and the run settings both
 * read: the presets of docs/experiments/failure-modes.md (B1-B4, batch norm) and the hacks as options.
 * Everything here crosses postMessage, so it is plain data (structured-clone safe).
 */
import type { Diagnosis, Finding, IterationRecord, Verdict } from 'gan-hacks';

/** The loss families the page offers; each fixes what the discriminator's last layer must output. */
export type LossId = 'minimax' | 'saturating' | 'nonsaturating' | 'lsgan' | 'hinge' | 'wgangp';

export interface LossInfo {
  label: string;
  /** The discriminator's last activation the loss needs (Trainer refuses a mismatch: train/options.ts). */
  dOutput: 'sigmoid' | 'linear';
  /** Whether the loss reads targets, so that label smoothing and noisy labels apply. */
  usesTargets: boolean;
  /** Whether the loss needs real and fake in one D update (WGAN-GP's penalty interpolates between them). */
  needsBothBatches: boolean;
}

export const LOSSES: Record<LossId, LossInfo> = {
  minimax: { label: 'MinimaxGAN: BCE, G against label 1 (the B experiments)', dOutput: 'sigmoid', usesTargets: true, needsBothBatches: false },
  saturating: { label: 'MinimaxGAN saturating: G minimises log(1 − D(G(z)))', dOutput: 'sigmoid', usesTargets: true, needsBothBatches: false },
  nonsaturating: { label: 'NonSaturatingGAN on logits', dOutput: 'linear', usesTargets: true, needsBothBatches: false },
  lsgan: { label: 'LSGAN (least squares)', dOutput: 'linear', usesTargets: true, needsBothBatches: false },
  hinge: { label: 'HingeGAN', dOutput: 'linear', usesTargets: false, needsBothBatches: false },
  wgangp: { label: 'WGAN-GP (critic, gradient penalty 10)', dOutput: 'linear', usesTargets: false, needsBothBatches: true },
};

/** Everything that defines a run. */
export interface RunConfig {
  preset: PresetId;
  /** Samples per iteration: D sees batchSize / 2 real and batchSize / 2 fake, G is updated on batchSize. */
  batchSize: number;
  latentDim: number;
  loss: LossId;
  discriminatorStep: 'separate' | 'combined';
  /** k: discriminator steps per generator step. */
  discriminatorSteps: number;
  /** Real targets smoothed to [0.7, 1.2] (smoothPositiveLabels' defaults). */
  labelSmoothing: boolean;
  /** Fraction of real and of fake targets flipped (0: off; the source uses 0.05). */
  labelFlip: number;
  /** Batch norm after each convolution of D and G (the source's earlier revision). */
  batchNorm: boolean;
  gLearningRate: number;
  gBeta1: number;
  dLearningRate: number;
  dBeta1: number;
  /** Adam's β2 of both players. */
  beta2: number;
  /** The iteration the run stops at. */
  iterations: number;
  seed: number;
}

export type PresetId = 'b1' | 'b2' | 'b3' | 'b4' | 'bn' | 'custom';

export interface Preset {
  title: string;
  /** What the preset changes from B1 and what the full run showed (docs/experiments/failure-modes.md). */
  summary: string;
  /** The settings it changes from B1. */
  changes: Partial<RunConfig>;
}

/** B1 as examples/failure-modes/train.ts runs it; the batch size is set apart (DEFAULT_BATCH_SIZE is B1's own). */
export const B1: Omit<RunConfig, 'preset' | 'batchSize'> = {
  latentDim: 50,
  loss: 'minimax',
  discriminatorStep: 'separate',
  discriminatorSteps: 1,
  labelSmoothing: false,
  labelFlip: 0,
  batchNorm: false,
  gLearningRate: 0.0002,
  gBeta1: 0.5,
  dLearningRate: 0.0002,
  dBeta1: 0.5,
  beta2: 0.999,
  iterations: 450,
  seed: 1,
};

export const PRESETS: Record<Exclude<PresetId, 'custom'>, Preset> = {
  b1: { title: 'B1 stable', summary: 'The DCGAN of the source as it is: separate D steps on real and fake, Adam lr 0.0002, β1 0.5, latent size 50.', changes: {} },
  b2: { title: 'B2 latent size 1', summary: 'A one-dimensional latent space: the generator can only draw a curve through image space, and repeats near-identical eights (mode collapse).', changes: { latentDim: 1 } },
  b3: { title: 'B3 combined batch', summary: 'One D update on real and fake stacked together. The source reports a convergence failure; in the committed runs it recovered.', changes: { discriminatorStep: 'combined' } },
  b4: { title: 'B4 aggressive Adam', summary: "Adam's defaults (lr 0.001, β1 0.9) for both players: D wins, its losses fall to ~0 and G's rises (convergence failure).", changes: { gLearningRate: 0.001, gBeta1: 0.9, dLearningRate: 0.001, dBeta1: 0.9 } },
  bn: { title: 'Batch norm in D', summary: "Batch norm after each convolution of D (and G), as an earlier revision of the source: with D in inference mode in G's step, the committed runs failed to converge.", changes: { batchNorm: true } },
};

/**
 * The batch size the page starts with: B1's own. The smaller ones are faster per iteration (docs/playground.md
 * gives the measured speeds), but they change the game: B1 at seed 1 fails to converge at 64 and at 32.
 */
export const DEFAULT_BATCH_SIZE = 128;
export const BATCH_SIZES = [32, 64, 128] as const;

export function presetConfig(id: Exclude<PresetId, 'custom'>, batchSize: number = DEFAULT_BATCH_SIZE): RunConfig {
  return { ...B1, ...PRESETS[id].changes, preset: id, batchSize };
}

/** Iterations per epoch, as the B experiments count them (10 epochs of 45 iterations). */
export const ITERATIONS_PER_EPOCH = 45;
/** How often the worker diagnoses, measures diversity and checkpoints (the B experiments' probe period). */
export const CHECK_EVERY = 25;
/** The FailureMonitor's sliding window. */
export const MONITOR_WINDOW = 100;
/** The sample grid: GRID_SIZE × GRID_SIZE samples of one fixed latent batch. */
export const GRID_SIZE = 8;
/** The IndexedDB name of the playground's run (BrowserCheckpoint). */
export const RUN_NAME = 'playground';

/** Messages the page sends. */
export type ToWorker =
  | { type: 'init'; base: string; backend?: 'wasm' | 'webgl' | 'cpu'; threads?: number }
  /** A fresh run (any stored run is deleted first). */
  | { type: 'start'; config: RunConfig }
  /** Continue the stored run (after a reload): its settings come with it. */
  | { type: 'resume'; config: RunConfig }
  | { type: 'pause' }
  /** Continue a paused run in this page. */
  | { type: 'continue' }
  | { type: 'reset' }
  | { type: 'download-generator' };

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
}

export interface TimelineEntry {
  iteration: number;
  verdict: Verdict;
}

/** Messages the worker sends. */
export type FromWorker =
  | { type: 'ready'; backend: string; reason: string; threads?: number; stored: number[]; crossOriginIsolated: boolean; images: number }
  /** A run began (or was restored): its settings, and for a restored run its history and timeline so far. */
  | { type: 'run'; config: RunConfig; records: IterationRecord[]; timeline: TimelineEntry[]; diagnosis?: Diagnosis; resumed: boolean }
  | { type: 'records'; records: IterationRecord[]; memory: MemoryInfo; secondsPerIteration: number }
  | { type: 'grid'; iteration: number; width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> }
  | { type: 'diagnosis'; iteration: number; diagnosis: Diagnosis; changed: boolean; timeline: TimelineEntry[] }
  | { type: 'checkpoint'; iteration: number }
  | { type: 'stopped'; iteration: number; reason: 'paused' | 'done' }
  | { type: 'reset' }
  | { type: 'generator'; modelJson: string; weights: ArrayBuffer; iteration: number }
  | { type: 'error'; message: string; code?: string };

/** What the page exposes as window.playground: read by the tests, and by a curious reader in the console. */
export interface PlaygroundProbe {
  iteration(): number;
  verdict(): Verdict | undefined;
  timeline(): TimelineEntry[];
  /** The worker's tensor count and bytes after each iteration of this page's run. */
  memory(): ({ iteration: number } & MemoryInfo)[];
  backend(): { backend: string; reason: string; threads?: number } | undefined;
  checkpoint(): number | undefined;
  gridIteration(): number;
  running(): boolean;
  records(): IterationRecord[];
}

export type { Diagnosis, Finding, IterationRecord, Verdict };
