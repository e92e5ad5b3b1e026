/**
 * Property-based bad-input suite for the building blocks and outputs. Every
 * call must end in a GanHacksError or a valid result (no other error type, no
 * NaN or ±Infinity in a returned number), within BOUND_MS, and leave
 * `tf.memory().numTensors` as it was once its results are disposed.
 *
 * Exports covered (all of these modules' public functions and classes):
 * - data: scaleImages, unscaleImages, sampleLatent, loadMnist
 * - labels: smoothPositiveLabels, smoothNegativeLabels, noisyLabels (both signatures)
 * - layers: stridedDownsample, stridedUpsample, leakyReLU, batchNorm, dcganGenerator,
 *   dcganDiscriminator, failureModesGenerator, failureModesDiscriminator, monitoringGenerator,
 *   monitoringDiscriminator, mlpGenerator, mlpDiscriminator, modelSummary
 * - initializers: dcganNormal, DcganNormal (constructor, apply, fromConfig)
 * - viz: imageGrid, learningCurvesSpec, renderLearningCurvesSvg, renderVegaLiteSvg
 * - hooks: DiversityProbe, EarlyStopping, FailureMonitor
 * - metrics (diversity): meanPairwiseDistance, sampleDiversity, pairwiseSquaredDistances,
 *   medianNearestNeighborDistance, nearestNeighborRatio
 * - backends: useFastestBackend (only with preferences that keep the CPU backend)
 * - gan-hacks/node: encodePng, writePng, svgToPng, SampleGrid, LearningCurves,
 *   writeLearningCurves, CsvLogger, JsonlLogger, ProgressBar
 *
 * Valid sizes are drawn small (1-8): a count just under a documented cap is
 * allowed and may take seconds by design; what must never run long is a bad one.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DcganNormal,
  DiversityProbe,
  EarlyStopping,
  FailureMonitor,
  GanHacksError,
  History,
  batchNorm,
  dcganDiscriminator,
  dcganGenerator,
  dcganNormal,
  failureModesDiscriminator,
  failureModesGenerator,
  imageGrid,
  leakyReLU,
  learningCurvesSpec,
  loadMnist,
  meanPairwiseDistance,
  medianNearestNeighborDistance,
  mlpDiscriminator,
  mlpGenerator,
  modelSummary,
  monitoringDiscriminator,
  monitoringGenerator,
  nearestNeighborRatio,
  noisyLabels,
  pairwiseSquaredDistances,
  renderLearningCurvesSvg,
  renderVegaLiteSvg,
  sampleDiversity,
  sampleLatent,
  scaleImages,
  smoothNegativeLabels,
  smoothPositiveLabels,
  stridedDownsample,
  stridedUpsample,
  unscaleImages,
  useFastestBackend,
} from '../../src/index.js';
import {
  CsvLogger,
  JsonlLogger,
  LearningCurves,
  ProgressBar,
  SampleGrid,
  encodePng,
  svgToPng,
  writeLearningCurves,
  writePng,
} from '../../src/node/index.js';

const BOUND_MS = 2000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** FUZZ_SEED and FUZZ_SCALE (a run-count multiplier) explore further than the CI default. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = { numRuns: Math.round(60 * SCALE), seed: SEED };
const FEW = { numRuns: Math.round(15 * SCALE), seed: SEED };

// ---------------------------------------------------------------- values

/** A tensor to be made inside the run (so the run can count and dispose it). */
class TensorSpec {
  constructor(
    readonly shape: number[],
    readonly dtype: 'float32' | 'int32' | 'bool' | 'string',
    readonly fill: 'uniform' | 'bytes' | 'zeros' | 'nan' | 'inf' | 'huge',
    readonly disposed: boolean,
  ) {}
}

/** A tf model to be made inside the run. */
class ModelSpec {
  constructor(readonly kind: 'dense' | 'empty' | 'disposed') {}
}

const fills = fc.constantFrom('uniform', 'bytes', 'zeros', 'nan', 'inf', 'huge') as fc.Arbitrary<TensorSpec['fill']>;
const dtypes = fc.constantFrom('float32', 'float32', 'int32', 'bool', 'string') as fc.Arbitrary<TensorSpec['dtype']>;

/** A tensor of the given shapes: often a live float32 one in [-1, 1], else another dtype or fill, or disposed. */
function tensor(shape: fc.Arbitrary<number[]>): fc.Arbitrary<TensorSpec> {
  const good = shape.map((s) => new TensorSpec(s, 'float32', 'uniform', false));
  const mutated = fc
    .tuple(shape, dtypes, fills, fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }))
    .map(([s, d, f, gone]) => new TensorSpec(s, d, f, gone));
  return fc.oneof({ weight: 2, arbitrary: good }, { weight: 1, arbitrary: mutated });
}

/** Any small shape: scalars, empty dimensions, up to rank 5. */
const anyShape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 5 });
const anyTensor = tensor(anyShape);
const dim = fc.integer({ min: 1, max: 5 });
const batchOf = (rest: fc.Arbitrary<number[]>): fc.Arbitrary<number[]> => fc.tuple(fc.integer({ min: 1, max: 6 }), rest).map(([n, r]) => [n, ...r]);
const imagesShape = batchOf(fc.tuple(dim, dim, fc.constantFrom(1, 3)));

const nullProto = (): object => Object.create(null) as object;

/** Values a careless or hostile caller passes. */
const bad: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, -0, 0, -1, 0.5, -2.5, 1.5, 1e9, 1e300, 2 ** 31, Number.MAX_SAFE_INTEGER, 65_537, '', '3', 'abc', true, false, [], {}),
  fc.constant(null).map(nullProto),
  fc.constant(() => 1),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 5 }),
  fc.array(fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.string({ maxLength: 2 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.constant(null)), { maxKeys: 3 }),
  anyTensor,
);

/** Mostly the good value, sometimes a bad one. */
function or<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: bad });
}

/**
 * An options argument: a record of its known keys (each optional), all good
 * or each sometimes bad, or a bad value in place of the object.
 */
function opts(shape: Record<string, fc.Arbitrary<unknown>>, required: string[] = []): fc.Arbitrary<unknown> {
  const mixed = Object.fromEntries(Object.entries(shape).map(([k, a]) => [k, or(a)]));
  return fc.oneof(
    { weight: 2, arbitrary: fc.record(shape, { requiredKeys: required }) },
    { weight: 3, arbitrary: fc.record(mixed, { requiredKeys: required }) },
    { weight: 1, arbitrary: bad },
  );
}

const small = fc.integer({ min: 1, max: 8 });
const seed = fc.integer({ min: 0, max: 1000 });
const bool = fc.boolean();
const imageShape = fc.tuple(fc.constantFrom(4, 8), fc.constantFrom(4, 8), fc.constantFrom(1, 3));

function materialize(value: unknown, made: tf.Tensor[], models: tf.LayersModel[], depth = 0): unknown {
  if (value instanceof TensorSpec) {
    const size = value.shape.reduce((a, b) => a * b, 1);
    let t: tf.Tensor;
    if (value.dtype === 'string') t = tf.tensor(new Array(size).fill('a'), value.shape, 'string');
    else {
      const v = { uniform: () => Math.random() * 2 - 1, bytes: () => Math.floor(Math.random() * 256), zeros: () => 0, nan: () => NaN, inf: () => -Infinity, huge: () => 1e30 }[value.fill];
      t = tf.tensor(Array.from({ length: size }, v), value.shape, value.dtype);
    }
    made.push(t);
    if (value.disposed) t.dispose();
    return t;
  }
  if (value instanceof ModelSpec) {
    const m = tf.sequential();
    if (value.kind !== 'empty') m.add(tf.layers.dense({ units: 2, inputShape: [3] }));
    if (value.kind === 'disposed') m.dispose();
    else models.push(m);
    return m;
  }
  if (depth > 3) return value;
  if (Array.isArray(value)) return value.map((v) => materialize(v, made, models, depth + 1));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v, made, models, depth + 1)]));
  }
  return value;
}

// ---------------------------------------------------------------- checking one call

/** Numbers inside a result (plain data and this library's small classes; not tf internals). */
function badNumbers(value: unknown, path = 'result', seen = new Set<unknown>(), depth = 0): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (value === null || typeof value !== 'object' || seen.has(value) || depth > 4) return [];
  if (value instanceof tf.Tensor || value instanceof tf.LayersModel || value instanceof tf.layers.Layer || ArrayBuffer.isView(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([k, v]) => badNumbers(v, `${path}.${k}`, seen, depth + 1));
}

/** Disposes the tensors and models a result holds, except the inputs it refers to. */
function disposeResult(value: unknown, inputs: Set<unknown>, depth = 0): void {
  if (inputs.has(value)) return;
  if (value instanceof tf.Tensor) value.dispose();
  else if (value instanceof tf.LayersModel) value.dispose();
  else if (depth < 2 && value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) disposeResult(v, inputs, depth + 1);
  }
}

function describeArgs(args: unknown[]): string {
  try {
    return JSON.stringify(args, (_, v) => (v instanceof TensorSpec ? `tensor(${v.dtype} [${v.shape}] ${v.fill}${v.disposed ? ' disposed' : ''})` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)).slice(0, 300);
  } catch {
    return '(unprintable)';
  }
}

const tally = { calls: 0, refused: 0, ok: 0 };
/** Per export: [refused, valid]. */
const byName = new Map<string, [number, number]>();

/** Runs one call on materialized arguments and checks the promise of the suite. */
async function probe(name: string, args: unknown[], call: (...a: never[]) => unknown): Promise<void> {
  const made: tf.Tensor[] = [];
  const models: tf.LayersModel[] = [];
  const inputs = args.map((a) => materialize(a, made, models));
  const before = tf.memory().numTensors;
  const start = performance.now();
  let result: unknown;
  let error: unknown;
  try {
    result = call(...(inputs as never[]));
    if (result instanceof Promise) result = await result;
  } catch (e) {
    error = e;
  }
  const elapsed = performance.now() - start;
  try {
    const where = `${name}(${describeArgs(args)})`;
    tally.calls++;
    const counts = byName.get(name) ?? [0, 0];
    byName.set(name, counts);
    if (error !== undefined) {
      tally.refused++;
      counts[0]++;
      expect(error instanceof GanHacksError, `${where} threw ${(error as Error)?.name}: ${(error as Error)?.message}`).toBe(true);
      expect((error as GanHacksError).code, where).toMatch(/^[A-Z_]+$/);
    } else {
      tally.ok++;
      counts[1]++;
      expect(badNumbers(result), `${where} returned non-finite numbers`).toEqual([]);
    }
    expect(elapsed, `${where} took ${elapsed.toFixed(0)} ms`).toBeLessThan(BOUND_MS);
    disposeResult(result, new Set<unknown>([...made, ...models]));
    expect(tf.memory().numTensors, `${where} changed the tensor count`).toBe(before);
    expect(tf.getBackend()).toBe('cpu');
  } finally {
    for (const t of made) if (!t.isDisposed) t.dispose();
    for (const m of models) m.dispose();
  }
}

/** fast-check over argument tuples, each run probed. */
function check(name: string, args: fc.Arbitrary<unknown[]>, call: (...a: never[]) => unknown, runs = RUNS): Promise<void> {
  return fc.assert(fc.asyncProperty(args, (a) => probe(name, a, call)), runs);
}

// ---------------------------------------------------------------- the properties

let dir = '';
/**
 * Bad paths for the writers: anything but a non-empty string (a random string
 * is a valid relative path, and a write there would land in the repository).
 */
const notAPath = fc.oneof(fc.constant(''), bad.filter((v) => typeof v !== 'string'));
const record = fc.record({
  iteration: or(fc.integer({ min: 1, max: 100 })),
  epoch: fc.constant(0),
  dLossReal: or(fc.double({ min: 0, max: 3, noNaN: true })),
  dLossFake: fc.double({ min: 0, max: 3, noNaN: true }),
  gLoss: fc.double({ noNaN: false }),
  dAccReal: fc.constantFrom(0.5, NaN),
  dAccFake: fc.constantFrom(0.5, NaN),
});
const historyArb = fc.oneof(fc.array(record, { minLength: 1, maxLength: 4 }), fc.array(record, { minLength: 1, maxLength: 4 }).map((r) => {
    try {
      return new History(r as never); // History checks its records too; a refused one stays an array
    } catch {
      return r;
    }
  }), bad);
const curveOptions: Record<string, fc.Arbitrary<unknown>> = {
  title: fc.string({ maxLength: 5 }),
  width: fc.integer({ min: 10, max: 200 }),
  height: fc.integer({ min: 10, max: 200 }),
  losses: fc.array(fc.constantFrom('dLossReal', 'gLoss', 'x'), { maxLength: 2 }),
  accuracies: fc.array(fc.constantFrom('dAccReal', 'y'), { maxLength: 2 }),
  smoothing: small,
  lipschitz: bool,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'fuzz-a-'));
  // Warm the lazily imported packages so the time bound measures the call, not a first import.
  const warm = await loadMnist({ digits: [0], limit: 1 });
  tf.dispose([warm.images, warm.labels]);
  await svgToPng(await renderLearningCurvesSvg([{ iteration: 1, epoch: 0, dLossReal: 1, dLossFake: 1, gLoss: 1, dAccReal: 0.5, dAccFake: 0.5 }]));
});

afterAll(() => {
  // Every run either refused or returned; both happen for most exports.
  console.log(`inputs-a: ${tally.calls} calls, ${tally.refused} refused with a GanHacksError, ${tally.ok} valid results`);
  console.log([...byName].map(([n, [r, v]]) => `${n}: ${r} refused, ${v} valid`).join('\n'));
});

describe('data and labels with generated bad inputs', () => {
  it('scaleImages / unscaleImages', async () => {
    const data = fc.oneof(anyTensor, tensor(imagesShape), fc.array(or(fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.constant(new Uint8Array([0, 255])), bad);
    const o = opts({ check: bool });
    await check('scaleImages', fc.tuple(data, o), (x, p) => scaleImages(x as never, p as never));
    await check('unscaleImages', fc.tuple(data, o), (x, p) => unscaleImages(x as never, p as never));
  });

  it('sampleLatent', async () => {
    await check('sampleLatent', fc.tuple(or(small), or(small), opts({ distribution: fc.constantFrom('gaussian', 'uniform'), seed })), (n, d, o) => sampleLatent(n as never, d as never, o as never));
  });

  it('loadMnist', async () => {
    const o = opts({ digits: fc.array(fc.integer({ min: -1, max: 10 }), { maxLength: 3 }), limit: small, range: fc.constantFrom('tanh', 'unit', 'uint8') });
    await check('loadMnist', fc.tuple(o), (p) => loadMnist(p as never), FEW);
  });

  it('smoothPositiveLabels / smoothNegativeLabels / noisyLabels', async () => {
    const y = fc.oneof(tensor(fc.constantFrom([4], [4, 1], [2, 2], [0], [0, 1], [])), anyTensor, bad);
    const bounds = fc.double({ min: -1, max: 2, noNaN: true });
    await check('smoothPositiveLabels', fc.tuple(y, opts({ min: bounds, max: bounds, seed })), (t, o) => smoothPositiveLabels(t as never, o as never));
    await check('smoothNegativeLabels', fc.tuple(y, opts({ min: bounds, max: bounds, seed })), (t, o) => smoothNegativeLabels(t as never, o as never));
    const pFlip = fc.double({ min: -0.5, max: 1.5, noNaN: true });
    await check('noisyLabels', fc.tuple(y, opts({ pFlip, seed })), (t, o) => noisyLabels(t as never, o as never));
    // The deprecated positional form (warns once; silenced here).
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await check('noisyLabels (positional)', fc.tuple(y, or(pFlip), opts({ seed })), (t, p, o) => noisyLabels(t as never, p as never, o as never));
    } finally {
      console.warn = warn;
    }
  });
});

describe('layers and initializers with generated bad inputs', () => {
  it('blocks: stridedDownsample, stridedUpsample, leakyReLU, batchNorm', async () => {
    const init = fc.oneof(fc.constantFrom('glorotUniform', 'heNormal', 'zeros', 'ones'), fc.constant(null).map(() => dcganNormal()));
    const conv = { filters: small, kernelSize: small, inputShape: imageShape, kernelInitializer: init, useBias: bool, name: fc.string({ maxLength: 4 }) };
    await check('stridedDownsample', fc.tuple(opts(conv, ['filters'])), (o) => stridedDownsample(o as never));
    await check('stridedUpsample', fc.tuple(opts({ ...conv, strides: small, activation: fc.constantFrom('linear', 'tanh', 'gelu') }, ['filters'])), (o) => stridedUpsample(o as never));
    await check('leakyReLU', fc.tuple(opts({ alpha: fc.double({ min: -1, max: 2, noNaN: true }), name: fc.string({ maxLength: 4 }) })), (o) => leakyReLU(o as never));
    const bn = { momentum: fc.double({ min: -1, max: 2, noNaN: true }), epsilon: fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, -0, 1e-50, 1e39)), name: fc.string({ maxLength: 4 }) };
    await check('batchNorm', fc.tuple(opts(bn)), (o) => batchNorm(o as never));
  });

  it('model builders and modelSummary', async () => {
    const blocks = fc.integer({ min: 0, max: 2 });
    await check('dcganGenerator', fc.tuple(opts({ latentDim: small, outputShape: imageShape, filters: fc.constantFrom(4, 8, 6), blocks, kernelSize: fc.constantFrom(1, 3), seed, name: fc.string({ maxLength: 4 }) }, ['latentDim', 'outputShape'])), (o) => dcganGenerator(o as never));
    await check('dcganDiscriminator', fc.tuple(opts({ inputShape: imageShape, filters: fc.constantFrom(2, 4), blocks, dropout: fc.double({ min: -0.5, max: 1.5, noNaN: true }), normalization: fc.constantFrom('batch', 'layer', 'none', 'group'), kernelSize: fc.constantFrom(1, 3), seed }, ['inputShape'])), (o) => dcganDiscriminator(o as never));
    const small28 = { latentDim: small, batchNorm: bool, seed };
    await check('failureModesGenerator', fc.tuple(opts(small28)), (o) => failureModesGenerator(o as never), FEW);
    await check('failureModesDiscriminator', fc.tuple(opts({ batchNorm: bool, inputShape: imageShape, seed })), (o) => failureModesDiscriminator(o as never), FEW);
    await check('monitoringGenerator', fc.tuple(opts({ latentDim: small, seed })), (o) => monitoringGenerator(o as never), FEW);
    await check('monitoringDiscriminator', fc.tuple(opts({ seed })), (o) => monitoringDiscriminator(o as never), FEW);
    const hidden = fc.array(or(small), { maxLength: 3 });
    await check('mlpGenerator', fc.tuple(opts({ latentDim: small, hidden, outputShape: imageShape, seed })), (o) => mlpGenerator(o as never));
    await check('mlpDiscriminator', fc.tuple(opts({ inputShape: imageShape, hidden, seed })), (o) => mlpDiscriminator(o as never));
    const model = fc.oneof(fc.constantFrom('dense', 'empty', 'disposed').map((k) => new ModelSpec(k as ModelSpec['kind'])), bad);
    await check('modelSummary', fc.tuple(model), (m) => modelSummary(m as never));
  });

  it('dcganNormal / DcganNormal: constructor, apply and fromConfig', async () => {
    const args = opts({ mean: fc.double({ noNaN: false }), stddev: fc.double({ min: -1, max: 1, noNaN: true }), seed });
    await check('dcganNormal', fc.tuple(args), (o) => dcganNormal(o as never));
    await check('new DcganNormal', fc.tuple(args), (o) => new DcganNormal(o as never));
    const shape = fc.oneof(fc.array(or(fc.integer({ min: 0, max: 6 })), { maxLength: 3 }), fc.constantFrom([1e9], [2 ** 14, 2 ** 14], [-1]), bad);
    await check('DcganNormal.apply', fc.tuple(shape, or(fc.constantFrom('float32', 'int32'))), (s, d) => dcganNormal({ seed: 1 }).apply(s as never, d as never));
    await check('DcganNormal.fromConfig', fc.tuple(opts({ mean: fc.double(), stddev: fc.double(), seed: fc.oneof(seed, fc.constant(null)) })), (c) =>
      DcganNormal.fromConfig(DcganNormal as never, c as never),
    );
  });
});

describe('metrics and hooks with generated bad inputs', () => {
  it('meanPairwiseDistance, medianNearestNeighborDistance, sampleDiversity, nearestNeighborRatio, pairwiseSquaredDistances', async () => {
    const batch = fc.oneof({ weight: 3, arbitrary: tensor(batchOf(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }))) }, { weight: 1, arbitrary: bad });
    await check('meanPairwiseDistance', fc.tuple(batch), (x) => meanPairwiseDistance(x as never));
    await check('medianNearestNeighborDistance', fc.tuple(batch), (x) => medianNearestNeighborDistance(x as never));
    await check('sampleDiversity', fc.tuple(batch, batch), (a, b) => sampleDiversity(a as never, b as never));
    const same = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(tensor(fc.constant([n, 2])), tensor(fc.constant([n, 2]))));
    await check('nearestNeighborRatio', fc.oneof(same, fc.tuple(batch, batch)), (a, b) => nearestNeighborRatio(a as never, b as never));
    const rows = tensor(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom(2, 3)));
    await check('pairwiseSquaredDistances', fc.tuple(fc.oneof(rows, bad), fc.oneof(rows, bad)), (a, b) => pairwiseSquaredDistances(a as never, b as never));
  });

  it('DiversityProbe, EarlyStopping, FailureMonitor constructors', async () => {
    const real = fc.oneof(tensor(batchOf(fc.tuple(dim, dim))), anyTensor);
    const probe = opts({ real, every: small, samples: fc.integer({ min: 1, max: 6 }), latentDistribution: fc.constantFrom('gaussian', 'uniform', 'cauchy'), seed }, ['real']);
    // Also well-formed options: n real samples, samples <= n, so the probe's valid path is exercised.
    const fitting = fc.integer({ min: 2, max: 6 }).chain((n) => fc.record({ real: tensor(fc.constant([n, 2, 2])), samples: fc.integer({ min: 2, max: n }), every: small, seed }));
    await check('DiversityProbe', fc.tuple(fc.oneof(probe, fitting)), (o) => new DiversityProbe(o as never));
    const verdicts = fc.array(fc.constantFrom('stable', 'mode-collapse', 'convergence-failure', 'undetermined', 'diverged'), { maxLength: 3 });
    const diag = opts({ thresholds: fc.dictionary(fc.constantFrom('collapsedLoss', 'pinnedShare', 'nope'), fc.double()), diversity: fc.double(), ndbRatio: fc.double() });
    await check('EarlyStopping', fc.tuple(opts({ on: verdicts, every: small, window: small, patience: small, minIterations: fc.integer({ min: 0, max: 100 }), diagnose: diag })), (o) => new EarlyStopping(o as never));
    await check('FailureMonitor', fc.tuple(opts({ every: small, window: small, diagnose: diag, onChange: fc.constant(() => undefined) })), (o) => new FailureMonitor(o as never));
  });
});

describe('viz, node outputs and backends with generated bad inputs', () => {
  it('imageGrid, learningCurvesSpec, renderLearningCurvesSvg, renderVegaLiteSvg', async () => {
    const gridOptions = opts({ columns: small, padding: fc.integer({ min: 0, max: 3 }), scale: fc.integer({ min: 1, max: 3 }), range: fc.constantFrom('tanh', 'unit', 'uint8', 'rgb'), invert: bool });
    await check('imageGrid', fc.tuple(fc.oneof(tensor(imagesShape), anyTensor, bad), gridOptions), (x, o) => imageGrid(x as never, o as never));
    await check('learningCurvesSpec', fc.tuple(historyArb, opts(curveOptions)), (h, o) => learningCurvesSpec(h as never, o as never));
    await check('renderLearningCurvesSvg', fc.tuple(historyArb, opts(curveOptions)), (h, o) => renderLearningCurvesSvg(h as never, o as never), FEW);
    const spec = fc.oneof(fc.constant({ mark: 'point', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x', type: 'quantitative' } } }), fc.dictionary(fc.constantFrom('mark', 'data', 'encoding', 'layer', 'width', 'height'), bad, { maxKeys: 3 }), bad);
    await check('renderVegaLiteSvg', fc.tuple(spec), (s) => renderVegaLiteSvg(s as never), FEW);
  });

  it('encodePng, writePng, svgToPng', async () => {
    const valid = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 3)).map(([width, height, channels]) => ({ width, height, channels, pixels: new Uint8ClampedArray(width * height * channels) }));
    const loose = fc.record({ width: or(small), height: or(small), channels: or(fc.constantFrom(1, 3, 4)), pixels: or(fc.integer({ min: 0, max: 20 }).map((n) => new Uint8ClampedArray(n))) }, { requiredKeys: [] });
    const raster = fc.oneof(valid, loose, bad);
    await check('encodePng', fc.tuple(raster), (r) => encodePng(r as never));
    const path = fc.oneof(fc.constantFrom('a.png', 'b/c.png').map((p) => join(dir, p)), notAPath);
    await check('writePng', fc.tuple(path, raster), (p, r) => writePng(r as never, p as never), FEW);
    const svg = or(fc.oneof(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.constantFrom(5, 1e6)).map(([w, h]) => `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"/>`), fc.string({ maxLength: 8 })));
    await check('svgToPng', fc.tuple(svg, opts({ scale: fc.oneof(fc.double({ min: -1, max: 20, noNaN: true }), fc.constantFrom(0, 1, 2)) })), (s, o) => svgToPng(s as never, o as never), FEW);
  });

  it('SampleGrid, LearningCurves, writeLearningCurves, CsvLogger, JsonlLogger, ProgressBar', async () => {
    const where = fc.constantFrom('grids', 'curves').map((p) => join(dir, p));
    const grid = opts({ padding: fc.integer({ min: 0, max: 2 }), scale: small, range: fc.constantFrom('tanh', 'x'), invert: bool });
    await check('SampleGrid', fc.tuple(opts({ dir: where, size: fc.integer({ min: 1, max: 2000 }), seed, latentDistribution: fc.constantFrom('gaussian', 'x'), atStart: bool, saveGenerator: bool, fileName: fc.constant(() => 'x.png'), grid }, ['dir'])), (o) => new SampleGrid(o as never));
    await check('LearningCurves', fc.tuple(opts({ ...curveOptions, dir: where, name: fc.string({ maxLength: 4 }), everyEpoch: bool }, ['dir'])), (o) => new LearningCurves(o as never));
    await check('writeLearningCurves', fc.tuple(historyArb, fc.oneof(where, notAPath), fc.record({ ...Object.fromEntries(Object.entries(curveOptions).map(([k, a]) => [k, or(a)])), name: fc.oneof(fc.constantFrom('lc', ''), notAPath) }, { requiredKeys: [] })), (h, d, o) => writeLearningCurves(h as never, d as never, o as never), FEW);
    const logger = opts({ path: fc.constant(join(dir, 'h.csv')), append: bool }, ['path']);
    await check('CsvLogger', fc.tuple(logger), (o) => new CsvLogger(o as never));
    await check('JsonlLogger', fc.tuple(logger), (o) => new JsonlLogger(o as never));
    const stream = fc.constant({ write: () => true });
    await check('ProgressBar', fc.tuple(opts({ columns: fc.array(fc.constantFrom('gLoss', ''), { maxLength: 2 }), stream, noTTYOutput: bool })), (o) => new ProgressBar(o as never));
  });

  it('useFastestBackend (refused or choosing the CPU backend; never switching away from it)', async () => {
    // Options that could pick WASM (null, undefined, no prefer) are left out: they are valid and switch the backend.
    // Any list drawn from these is all 'cpu' (valid) or holds an unknown name (refused).
    const prefer = fc.oneof(fc.constant(['cpu']), fc.array(fc.constantFrom('cpu', 'gpu', 'x', ''), { minLength: 1, maxLength: 3 }), bad.filter((v) => v !== undefined && v !== null));
    const options = fc.oneof(
      fc.record({ prefer, threads: or(small), log: or(fc.constant(false)) }, { requiredKeys: ['prefer'] }),
      bad.filter((v) => v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v) || v instanceof TensorSpec)),
    );
    await check('useFastestBackend', fc.tuple(options), (o) => useFastestBackend(o as never), { numRuns: Math.round(25 * SCALE), seed: SEED });
  });
});
