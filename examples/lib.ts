/**
 * Helpers shared by the example scripts: command-line options, backend
 * choice and the summary every run writes. Only gan-hacks' public API is used.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  diagnose,
  loadMnist,
  meanPairwiseDistance,
  nearestNeighborRatio,
  ndb,
  useFastestBackend,
  type BackendChoice,
  type FitOptions,
  type History,
  type Hook,
  type Trainer,
  type TrainingData,
} from 'gan-hacks';
import { existsSync } from 'node:fs';
import { Checkpoint, checkpointFolder, listCheckpoints, loadIdx, saveModel, writeFileAtomic, writeLearningCurves, writePng } from 'gan-hacks/node';
import { imageGrid } from 'gan-hacks';

/** Options every example accepts. */
export interface ExampleArgs {
  /** A few iterations on tiny batches: a smoke test that runs in seconds (CI). */
  quick: boolean;
  seed: number;
  /** Overrides the experiment's iteration count. */
  iterations?: number;
  /** Output folder. */
  out: string;
  /** WASM threads (default: all cores). */
  threads?: number;
  /** Write a sample grid every epoch (default) or only at the end. */
  grids: 'epoch' | 'final';
  /**
   * `'source'`: the source's scale (data, batch, epochs), for machines with tfjs-node or a GPU;
   * `'reduced'`: the scale the committed runs used on 2 CPU cores (each script documents it).
   * Only the C and D scripts differ; B runs at the source's scale either way.
   */
  scale: 'source' | 'reduced';
  /** A folder holding MNIST's `train-images-idx3-ubyte[.gz]` and `train-labels-idx1-ubyte[.gz]` (the full 60,000 digits). */
  mnistIdx?: string;
  /**
   * A folder for checkpoints, written every epoch; a run started again with the same folder resumes
   * from the latest one, so a long run can be spread over several sittings.
   */
  checkpoints?: string;
  /** Extra flags of one example. */
  flags: Record<string, string | boolean | undefined>;
}

/** Parses `--quick --seed N --iterations N --out DIR --threads N --grids epoch|final` plus the example's own flags. */
export function exampleArgs(name: string, extra: Record<string, { type: 'string' | 'boolean' }> = {}): ExampleArgs {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      iterations: { type: 'string' },
      out: { type: 'string' },
      threads: { type: 'string' },
      grids: { type: 'string', default: 'epoch' },
      scale: { type: 'string', default: 'source' },
      'mnist-idx': { type: 'string' },
      checkpoints: { type: 'string' },
      ...extra,
    },
    allowPositionals: false,
  });
  const quick = Boolean(values.quick);
  const seed = Number(values.seed);
  return {
    quick,
    seed,
    iterations: values.iterations === undefined ? undefined : Number(values.iterations),
    out: (values.out as string | undefined) ?? join(quick ? 'out/quick' : 'out', name, `seed-${seed}`),
    threads: values.threads === undefined ? undefined : Number(values.threads),
    grids: values.grids === 'final' ? 'final' : 'epoch',
    scale: values.scale === 'reduced' ? 'reduced' : 'source',
    mnistIdx: values['mnist-idx'] as string | undefined,
    checkpoints: values.checkpoints as string | undefined,
    flags: values as Record<string, string | boolean | undefined>,
  };
}

/**
 * MNIST digits: the full training set from `--mnist-idx DIR` when given, else the 10,000 digits
 * bundled with the `mnist` package.
 */
export async function loadDigits(args: ExampleArgs, options: { digits?: number[]; limit?: number } = {}): Promise<tf.Tensor4D> {
  if (!args.mnistIdx) {
    const { images, labels } = await loadMnist(options);
    labels.dispose();
    return images;
  }
  const file = (name: string): string => [join(args.mnistIdx!, name), join(args.mnistIdx!, `${name}.gz`)].find((p) => existsSync(p)) ?? join(args.mnistIdx!, name);
  const { images, labels } = await loadIdx(file('train-images-idx3-ubyte'), file('train-labels-idx1-ubyte'), { classes: options.digits, limit: options.limit });
  labels.dispose();
  return images;
}

/** The fastest backend available without downloads (WASM with gan-hacks' kernels here). */
export async function setup(args: ExampleArgs): Promise<BackendChoice> {
  await mkdir(args.out, { recursive: true });
  return useFastestBackend({ threads: args.threads });
}

/** The per-epoch log the source articles print: the mean of each loss and accuracy (and diversity, where probed) per epoch. */
export function epochsCsv(history: History): string {
  const cols = ['dLossReal', 'dLossFake', 'gLoss', 'dAccReal', 'dAccFake', ...(history.columns().includes('diversity') ? ['diversity'] : [])];
  const rows = history.epochMeans().map((e) => [e.epoch + 1, ...cols.map((c) => round(e[c]) ?? '')].join(','));
  return `${['epoch', ...cols].join(',')}\n${rows.join('\n')}\n`;
}

const round = (v: number, digits = 4): number | null => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

function windowMeans(history: History, window: number): Record<string, number | null> {
  const recent = history.records.slice(-window);
  const out: Record<string, number | null> = {};
  for (const key of ['dLossReal', 'dLossFake', 'gLoss', 'dAccReal', 'dAccFake']) {
    const values = recent.map((r) => r[key]).filter(Number.isFinite);
    out[key] = values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : null;
  }
  return out;
}

/** The {@link Checkpoint} hook `--checkpoints DIR` asks for (one checkpoint per epoch), or none. */
export function checkpointHooks(args: ExampleArgs): Hook[] {
  return args.checkpoints ? [new Checkpoint({ dir: args.checkpoints, keep: 2 })] : [];
}

/** What {@link timedFit} measured. */
export interface TimedFit {
  history: History;
  /** Seconds this process trained. */
  seconds: number;
  /** Iterations this process trained (fewer than the history's after a resume). */
  timedIterations: number;
  /** The iteration the run resumed from, when `--checkpoints` held one. */
  resumedFrom?: number;
}

/**
 * Trains, timing the run, and saves the generator where `--save-generator DIR` asks (for NDB later).
 * With `--checkpoints DIR` it first resumes from the latest checkpoint there, if any; `iterations`
 * then still counts from the start of the run.
 */
export async function timedFit(trainer: Trainer, data: TrainingData, options: FitOptions, args: ExampleArgs): Promise<TimedFit> {
  let resumedFrom: number | undefined;
  if (args.checkpoints && (await listCheckpoints(args.checkpoints)).length > 0) {
    await trainer.resume(checkpointFolder(args.checkpoints));
    resumedFrom = trainer.history.length;
    console.log(`resumed from iteration ${resumedFrom} (${args.checkpoints})`);
  }
  const start = performance.now();
  const history = await trainer.fit(data, options);
  const seconds = (performance.now() - start) / 1000;
  if (args.flags['save-generator']) await saveModel(trainer.generator, String(args.flags['save-generator']));
  return { history, seconds, timedIterations: history.length - (resumedFrom ?? 0), resumedFrom };
}

/** Everything a run reports, written as summary.json. */
export interface RunSummary {
  experiment: string;
  title: string;
  config: Record<string, unknown>;
  backend: BackendChoice;
  seed: number;
  iterations: number;
  seconds: number;
  secondsPerIteration: number;
  /** Set when the run resumed from a checkpoint: seconds cover the iterations after it. */
  resumedFrom?: number;
  final: Record<string, number | null>;
  last100: Record<string, number | null>;
  diversity: number | null;
  nearestNeighborRatio: number | null;
  ndb: { bins: number; ndb: number; ndbRatio: number; jsDivergence: number } | null;
  diagnosis: ReturnType<typeof diagnose>;
  stopReason?: string;
}

/** Options of {@link finish}. */
export interface FinishOptions {
  experiment: string;
  title: string;
  args: ExampleArgs;
  trainer: Trainer;
  history: History;
  backend: BackendChoice;
  seconds: number;
  /** Iterations `seconds` covers. @defaultValue the history's length */
  timedIterations?: number;
  /** The iteration a resumed run started from. */
  resumedFrom?: number;
  config: Record<string, unknown>;
  /** Real samples for diversity and NDB. */
  real: tf.Tensor;
  /** NDB bins. @defaultValue 20 */
  bins?: number;
  /** Loss-band overrides for non-BCE losses. */
  diagnoseOptions?: Parameters<typeof diagnose>[1];
  /** Number of images in the final grid (a square). @defaultValue 100 */
  gridSize?: number;
}

/**
 * Measures sample diversity and NDB of the final generator, diagnoses the
 * run, and writes summary.json, the learning curves and a final sample grid.
 */
export async function finish(o: FinishOptions): Promise<RunSummary> {
  const { args, trainer, history } = o;
  const n = Math.min(o.real.shape[0], args.quick ? 64 : 1000);
  const real = o.real.slice(0, n);
  const fake = trainer.generate(n, args.seed + 1000);
  const m = Math.min(n, 500);
  const diversity = meanPairwiseDistance(fake.slice(0, m)) / meanPairwiseDistance(real.slice(0, m));
  const neighbors = nearestNeighborRatio(fake.slice(0, m), real.slice(0, m));
  const bins = Math.min(o.bins ?? 20, Math.floor(n / 4));
  const nd = ndb(real, fake, { bins, seed: args.seed });
  const diagnosis = diagnose(history, { loss: trainer.loss, ...o.diagnoseOptions, diversity, nearestNeighborRatio: neighbors, ndbRatio: nd.ndbRatio, ndbJsDivergence: nd.jsDivergence });
  const side = Math.round(Math.sqrt(o.gridSize ?? 100));
  const gridImages = trainer.generate(side * side, 0);
  await writePng(imageGrid(gridImages, { columns: side, scale: 2 }), join(args.out, 'samples-final.png'));
  gridImages.dispose();
  await writeLearningCurves(history, args.out, { title: o.title });
  await writeFileAtomic(join(args.out, 'history.csv'), history.toCSV());
  await writeFileAtomic(join(args.out, 'epochs.csv'), epochsCsv(history));
  const summary: RunSummary = {
    experiment: o.experiment,
    title: o.title,
    config: o.config,
    backend: o.backend,
    seed: args.seed,
    iterations: history.length,
    seconds: round(o.seconds, 1) ?? 0,
    secondsPerIteration: round(o.seconds / Math.max(1, o.timedIterations ?? history.length), 3) ?? 0,
    ...(o.resumedFrom !== undefined ? { resumedFrom: o.resumedFrom } : {}),
    final: windowMeans(history, 1),
    last100: windowMeans(history, 100),
    diversity: round(diversity),
    nearestNeighborRatio: round(neighbors),
    ndb: { bins: nd.bins, ndb: nd.ndb, ndbRatio: round(nd.ndbRatio) ?? 0, jsDivergence: round(nd.jsDivergence) ?? 0 },
    diagnosis,
  };
  await writeFileAtomic(join(args.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  tf.dispose([real, fake]);
  console.log(`\n${o.title} (seed ${args.seed}): ${diagnosis.verdict} after ${history.length} iterations, ${summary.secondsPerIteration} s/iteration`);
  for (const f of diagnosis.findings) console.log(`  [${f.severity}] ${f.message}`);
  console.log(`  diversity ${summary.diversity}, nearest-neighbour ratio ${summary.nearestNeighborRatio}, NDB/K ${summary.ndb?.ndbRatio} (K=${bins}), bins JS ${summary.ndb?.jsDivergence}; outputs in ${args.out}`);
  return summary;
}
