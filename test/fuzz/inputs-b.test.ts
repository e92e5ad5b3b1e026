/**
 * Property-based bad-input suite for the losses, regularizers, metrics and
 * diagnostics. Every call must end in a GanHacksError or a valid result (no
 * other error, no NaN or Infinity in what it returns), within BOUND_MS, and
 * leave `tf.memory().numTensors` as it was once inputs and results are disposed.
 *
 * Exports covered (every public function and class of these modules):
 * - losses: binaryCrossEntropy, MinimaxGAN, NonSaturatingGAN, LSGAN, HingeGAN,
 *   WGAN (and afterDiscriminatorUpdate), WGANGP (discriminatorLoss,
 *   generatorLoss, discriminatorPenalty, checkCritic), wassersteinCriticLoss,
 *   gradientPenalty, containsBatchNorm, squaredErrorBands, hingeBands,
 *   enableSecondOrderGradients; BCE_BANDS is a frozen constant (checked frozen).
 * - regularizers: featureMatching / FeatureMatching (penalty, extractor),
 *   historicalAveraging / HistoricalAveraging (penalty, afterUpdate, loadState).
 * - metrics: ndb, kMeans, normalCdf, totalVariation, klDivergence,
 *   jsDivergence, earthMoverDistance, discriminatorAccuracy; KMEANS_LIMITS is a constant.
 * - diagnostics: diagnose; DEFAULT_THRESHOLDS is a frozen constant (checked frozen).
 *
 * Losses read no tensor back, so where an input holds NaN, ±Infinity or
 * values near float32's limit, their outputs may be non-finite (documented on
 * GanLoss); everything else must return finite numbers. klDivergence may
 * return +Infinity (disjoint supports, documented), never NaN.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BCE_BANDS,
  DEFAULT_THRESHOLDS,
  GanHacksError,
  HingeGAN,
  LSGAN,
  MinimaxGAN,
  NonSaturatingGAN,
  WGAN,
  WGANGP,
  binaryCrossEntropy,
  containsBatchNorm,
  diagnose,
  discriminatorAccuracy,
  earthMoverDistance,
  enableSecondOrderGradients,
  featureMatching,
  FeatureMatching,
  gradientPenalty,
  hingeBands,
  historicalAveraging,
  HistoricalAveraging,
  jsDivergence,
  kMeans,
  klDivergence,
  ndb,
  normalCdf,
  squaredErrorBands,
  totalVariation,
  wassersteinCriticLoss,
  type IterationRecord,
} from '../../src/index.js';

const BOUND_MS = 2000;
const RUNS = 150;
const SEED = 20261202;

/** What a generated argument needs to be built: tensors it made (to dispose) and whether they hold non-finite or extreme values. */
interface Ctx {
  tensors: tf.Tensor[];
  extreme: boolean;
}

/** A value built on demand (tensors must not outlive one run). */
interface Maker {
  label: string;
  make(ctx: Ctx): unknown;
}

const val = (label: string, v: unknown): Maker => ({ label, make: () => v });
const ten = (label: string, f: () => tf.Tensor, extreme = false): Maker => ({
  label,
  make: (ctx) => {
    const t = f();
    ctx.tensors.push(t);
    if (extreme) ctx.extreme = true;
    return t;
  },
});
const ABSENT = val('absent', undefined);

const BAD_PLAIN: Maker[] = (
  [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['1e9', 1e9],
    ['1e300', 1e300],
    ['-1', -1],
    ['-0.5', -0.5],
    ['0', 0],
    ['0.5', 0.5],
    ['1.5', 1.5],
    ['7', 7],
    ['null', null],
    ['undefined', undefined],
    ['""', ''],
    ['"x"', 'x'],
    ['"1"', '1'],
    ['true', true],
    ['false', false],
    ['[]', []],
    ['[1, 2]', [1, 2]],
    ['[[1, 2]]', [[1, 2]]],
    ['[NaN]', [NaN]],
    ['{}', {}],
    ['{a: 1}', { a: 1 }],
    ['() => 1', () => 1],
  ] as [string, unknown][]
).map(([l, v]) => val(l, v));

const BAD_TENSORS: Maker[] = [
  ten('scalar', () => tf.scalar(0.5)),
  ten('[3]', () => tf.tensor1d([0.1, 0.5, 0.9])),
  ten('[3, 2]', () => tf.tensor2d([0.1, 0.5, 0.9, 0.2, 0.3, 0.4], [3, 2])),
  ten('[0, 1]', () => tf.zeros([0, 1])),
  ten('[2, 0]', () => tf.zeros([2, 0])),
  ten('[3, 1] int32', () => tf.tensor2d([1, 0, 1], [3, 1], 'int32')),
  ten('[3, 1] bool', () => tf.tensor2d([1, 0, 1], [3, 1], 'bool')),
  ten('[1, 1, 1, 1, 1]', () => tf.ones([1, 1, 1, 1, 1])),
  ten('[2, 4, 4, 3]', () => tf.ones([2, 4, 4, 3])),
  ten('[3, 1] NaN', () => tf.tensor2d([0.5, NaN, 0.5], [3, 1]), true),
  ten('[3, 1] Infinity', () => tf.tensor2d([Infinity, 0.5, -Infinity], [3, 1]), true),
  ten('[3, 1] 1e30', () => tf.tensor2d([1e30, -1e30, 0.5], [3, 1]), true),
  {
    label: 'disposed [3, 1]',
    make: () => {
      const t = tf.ones([3, 1]);
      t.dispose();
      return t;
    },
  },
];

const BAD = fc.oneof(fc.constantFrom(...BAD_PLAIN), fc.constantFrom(...BAD_TENSORS), fc.double().map((x) => val(String(x), x)));

/** A good value most of the time, a bad one otherwise. */
const slot = (...good: Maker[]): fc.Arbitrary<Maker> =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 2 }, { arbitrary: BAD, weight: 2 });

/** An object whose fields are each absent, good or bad; sometimes replaced by a bad value altogether. */
function obj(fields: Record<string, Maker[]>, required: string[] = []): fc.Arbitrary<Maker> {
  const record = fc
    .record(
      Object.fromEntries(
        Object.entries(fields).map(([k, good]) => [
          k,
          required.includes(k)
            ? slot(...good)
            : fc.oneof({ arbitrary: fc.constant(ABSENT), weight: 2 }, { arbitrary: fc.constantFrom(...good), weight: 2 }, { arbitrary: BAD, weight: 1 }),
        ]),
      ),
    )
    .map(
      (r): Maker => ({
        label: `{ ${Object.entries(r)
          .filter(([, m]) => m !== ABSENT)
          .map(([k, m]) => `${k}: ${m.label}`)
          .join(', ')} }`,
        make: (ctx) => Object.fromEntries(Object.entries(r).filter(([, m]) => m !== ABSENT).map(([k, m]) => [k, m.make(ctx)])),
      }),
    );
  return fc.oneof({ arbitrary: record, weight: 4 }, { arbitrary: BAD, weight: 1 }, { arbitrary: fc.constant(val('null', null)), weight: 1 });
}

// Good values.
const P31 = ten('p[3, 1]', () => tf.tensor2d([0.2, 0.5, 0.9], [3, 1]));
const Q31 = ten('q[3, 1]', () => tf.tensor2d([0.7, 0.1, 0.4], [3, 1]));
const X21 = ten('x[2, 1]', () => tf.tensor2d([-2, 3], [2, 1]));
const PATCH = ten('patch[2, 2, 2, 1]', () => tf.tensor4d([-3, -1, 0, 0.5, 1, 2, 4, 8], [2, 2, 2, 1]));
const IMG_A = ten('img[2, 4, 4, 1]', () => tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 1));
const IMG_B = ten('img[2, 4, 4, 1]\'', () => tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 2));
const F32 = ten('f[3, 2]', () => tf.tensor2d([1, 2, 3, -1, 0, 0.5], [3, 2]));
const F22 = ten('f[2, 2]', () => tf.tensor2d([0, 1, -1, 2], [2, 2]));
const REF = ten('ref[12, 2]', () => tf.tensor2d(Array.from({ length: 24 }, (_, i) => ((i * 7) % 5) + (i % 2)), [12, 2]));
const GEN = ten('gen[8, 2]', () => tf.tensor2d(Array.from({ length: 16 }, (_, i) => (i * 3) % 4), [8, 2]));
const IMGS = ten('imgs[6, 2, 2, 1]', () => tf.tensor4d(Array.from({ length: 24 }, (_, i) => (i % 5) / 4), [6, 2, 2, 1]));
const CENTROIDS = val('[[0, 0], [3, 3]]', [
  [0, 0],
  [3, 3],
]);
const CENTROIDS_T = ten('centroids[2, 2]', () => tf.tensor2d([0, 0, 3, 3], [2, 2]));
const num = (...xs: number[]): Maker[] => xs.map((x) => val(String(x), x));
const bool = [val('true', true), val('false', false)];

let critic: tf.Sequential;
let bnCritic: tf.Sequential;
let dFeatures: tf.Sequential;
const CRITIC = { label: 'critic', make: () => critic } as Maker;
const BN_CRITIC = { label: 'bnCritic', make: () => bnCritic } as Maker;
const D_FEATURES = { label: 'dFeatures', make: () => dFeatures } as Maker;
const FN_CRITIC = val('x => leakyRelu(x).sum', (x: tf.Tensor) => tf.leakyRelu(x.reshape([x.shape[0], -1]), 0.2).sum(1));

/** Every number in a result (tensors read back), with where it was found. */
function numbersIn(value: unknown, path: string, out: [string, number][], seen = new Set<unknown>()): void {
  if (typeof value === 'number') out.push([path, value]);
  else if (value instanceof tf.Tensor) {
    if (!value.isDisposed && value.dtype !== 'string') value.dataSync().forEach((v, i) => out.push([`${path}[${i}]`, Number(v)]));
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    Array.from(value as unknown as ArrayLike<number>).forEach((v, i) => out.push([`${path}[${i}]`, Number(v)]));
  } else if (value !== null && typeof value === 'object' && !seen.has(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    seen.add(value);
    for (const [k, v] of Object.entries(value)) numbersIn(v, `${path}.${k}`, out, seen);
  }
}

function tensorsIn(value: unknown, out: tf.Tensor[], seen = new Set<unknown>()): tf.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (value !== null && typeof value === 'object' && !seen.has(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    seen.add(value);
    for (const v of Object.values(value)) tensorsIn(v, out, seen);
  }
  return out;
}

interface Case {
  /** Which export (and method) the case drives. */
  name: string;
  args: fc.Arbitrary<Maker>[];
  call: (...args: never[]) => unknown;
  /** Non-finite outputs allowed when an input was extreme (losses: no device read). */
  propagates?: boolean;
  /** +Infinity is a documented result (klDivergence). */
  allowInfinity?: boolean;
}

let refused = 0;
let accepted = 0;

/** One run: build the arguments, call, judge the outcome, dispose everything, compare tensor counts. */
function runCase(c: Case, makers: Maker[]): void {
  const before = tf.memory().numTensors;
  const ctx: Ctx = { tensors: [], extreme: false };
  const args = makers.map((m) => m.make(ctx));
  const where = `${c.name}(${makers.map((m) => m.label).join(', ')})`;
  let result: unknown;
  let threw: unknown;
  const start = performance.now();
  try {
    result = (c.call as (...a: unknown[]) => unknown)(...args);
  } catch (e) {
    threw = e;
  }
  const elapsed = performance.now() - start;
  try {
    expect(elapsed, `${where} took ${elapsed.toFixed(0)} ms`).toBeLessThan(BOUND_MS);
    if (threw !== undefined) {
      if (!(threw instanceof GanHacksError)) {
        throw new Error(`${where} threw ${(threw as Error)?.name}: ${(threw as Error)?.message}`);
      }
      expect(threw.code, where).toMatch(/^[A-Z_]+$/);
      refused++;
    } else {
      accepted++;
      if (!(c.propagates && ctx.extreme)) {
        const numbers: [string, number][] = [];
        numbersIn(result, 'result', numbers);
        for (const [path, v] of numbers) {
          const ok = Number.isFinite(v) || (c.allowInfinity && v === Infinity);
          if (!ok) throw new Error(`${where} returned ${v} at ${path}`);
        }
      }
    }
  } finally {
    tf.dispose(tensorsIn(result, []).filter((t) => !ctx.tensors.includes(t) && !t.isDisposed));
    tf.dispose(ctx.tensors.filter((t) => !t.isDisposed));
  }
  expect(tf.memory().numTensors, `${where} leaked tensors`).toBe(before);
}

function check(c: Case, numRuns = RUNS): void {
  fc.assert(
    fc.property(fc.tuple(...c.args), (makers) => runCase(c, makers)),
    { numRuns, seed: SEED },
  );
}

// Shared argument generators.
const output = (): fc.Arbitrary<Maker> => slot(P31, Q31);
const scores = (): fc.Arbitrary<Maker> => slot(P31, Q31, PATCH);
const dInput = (targets: boolean): fc.Arbitrary<Maker> =>
  obj({ real: [P31, PATCH], fake: [Q31, PATCH], ...(targets ? { realTargets: [Q31], fakeTargets: [P31] } : { realTargets: [ABSENT] }) });
const gInput = (targets: boolean): fc.Arbitrary<Maker> => obj({ fake: [Q31, PATCH], ...(targets ? { targets: [P31] } : {}) }, ['fake']);

const LOSSES: [string, () => { discriminatorLoss: (i: never) => unknown; generatorLoss: (i: never) => unknown }, boolean][] = [
  ['MinimaxGAN', () => new MinimaxGAN(), true],
  ['MinimaxGAN saturating', () => new MinimaxGAN({ fromLogits: true, saturating: true }), true],
  ['NonSaturatingGAN', () => new NonSaturatingGAN(), true],
  ['LSGAN', () => new LSGAN(), true],
  ['HingeGAN', () => new HingeGAN(), false],
  ['WGAN', () => new WGAN(), false],
  ['WGANGP', () => new WGANGP({ warnOnBatchNorm: false }), false],
];

describe('bad inputs to losses, regularizers, metrics and diagnostics: a GanHacksError or a valid result', () => {
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined); // deprecation and batch-norm warnings
    critic = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 4, activation: 'tanh' }), tf.layers.dense({ units: 1 })] });
    bnCritic = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });
    dFeatures = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], name: 'features' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    [critic, bnCritic, dFeatures].forEach((m) => m.dispose());
  });

  it('loss constructors', () => {
    check({ name: 'new MinimaxGAN', args: [obj({ fromLogits: bool, saturating: bool })], call: (o: never) => new MinimaxGAN(o) });
    check({ name: 'new NonSaturatingGAN', args: [obj({ fromLogits: bool })], call: (o: never) => new NonSaturatingGAN(o) });
    check({ name: 'new LSGAN', args: [obj({ realTarget: num(1, 2), fakeTarget: num(0, -1), generatorTarget: num(1, 0) })], call: (o: never) => new LSGAN(o) });
    check({ name: 'new WGAN', args: [obj({ clipValue: num(0.01, 1) })], call: (o: never) => new WGAN(o) });
    check({ name: 'new WGANGP', args: [obj({ gradientPenaltyWeight: num(10, 0), warnOnBatchNorm: bool })], call: (o: never) => new WGANGP(o) });
    // HingeGAN takes no options; hingeBands none either.
    expect(hingeBands().stableGeneratorLoss.every(Number.isFinite)).toBe(true);
    expect(Object.isFrozen(BCE_BANDS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_THRESHOLDS)).toBe(true);
    check({ name: 'squaredErrorBands', args: [slot(...num(1, 2)), slot(...num(1, 0.5))], call: (a: never, b: never) => squaredErrorBands(a, b) });
    enableSecondOrderGradients();
    enableSecondOrderGradients(); // idempotent, no arguments
  });

  it('discriminatorLoss and generatorLoss of every loss, and wassersteinCriticLoss', () => {
    for (const [name, make, targets] of LOSSES) {
      const loss = make();
      check({ name: `${name}.discriminatorLoss`, args: [dInput(targets)], call: (i: never) => loss.discriminatorLoss(i), propagates: true });
      check({ name: `${name}.generatorLoss`, args: [gInput(targets)], call: (i: never) => loss.generatorLoss(i), propagates: true });
    }
    check({ name: 'wassersteinCriticLoss', args: [dInput(false)], call: (i: never) => wassersteinCriticLoss(i), propagates: true });
  });

  it('binaryCrossEntropy', () => {
    check({
      name: 'binaryCrossEntropy',
      args: [output(), output(), fc.oneof(obj({ fromLogits: bool }), fc.constantFrom(...bool))],
      call: (t: never, o: never, opts: never) => binaryCrossEntropy(t, o, opts),
      propagates: true,
    });
  });

  it('gradientPenalty, WGANGP.discriminatorPenalty / checkCritic, WGAN.afterDiscriminatorUpdate, containsBatchNorm', () => {
    const alpha = ten('alpha[2]', () => tf.tensor1d([0.2, 0.8]));
    check(
      {
        name: 'gradientPenalty',
        args: [
          slot(CRITIC, FN_CRITIC, BN_CRITIC),
          slot(IMG_A),
          slot(IMG_B),
          obj({ alpha: [alpha, val('0.3', 0.3)], seed: num(1), epsilon: num(1e-10), target: num(1), training: bool }),
        ],
        call: (c: never, r: never, f: never, o: never) => gradientPenalty(c, r, f, o),
        propagates: true,
      },
      100,
    );
    const loss = new WGANGP({ warnOnBatchNorm: false });
    check(
      {
        name: 'WGANGP.discriminatorPenalty',
        args: [obj({ discriminator: [CRITIC], real: [IMG_A], fake: [IMG_B], seed: num(3) }, ['discriminator', 'real', 'fake'])],
        call: (ctx: never) => loss.discriminatorPenalty(ctx),
        propagates: true,
      },
      100,
    );
    check({ name: 'WGANGP.checkCritic', args: [slot(CRITIC, BN_CRITIC)], call: (m: never) => new WGANGP().checkCritic(m) });
    check({ name: 'WGAN.afterDiscriminatorUpdate', args: [slot(CRITIC)], call: (m: never) => new WGAN({ clipValue: 10 }).afterDiscriminatorUpdate(m) });
    check({ name: 'containsBatchNorm', args: [slot(CRITIC, BN_CRITIC)], call: (m: never) => containsBatchNorm(m) });
  });

  it('featureMatching / FeatureMatching and historicalAveraging / HistoricalAveraging', () => {
    const fmOptions = obj({ layer: [val('"features"', 'features'), val('0', 0)], weight: num(1, 0.1), replaceLoss: bool }, ['layer']);
    check({ name: 'featureMatching', args: [fmOptions], call: (o: never) => featureMatching(o) });
    check({ name: 'new FeatureMatching', args: [fmOptions], call: (o: never) => new FeatureMatching(o) });
    const fm = featureMatching({ layer: 'features' });
    check({
      name: 'FeatureMatching.penalty',
      args: [obj({ model: [D_FEATURES], discriminator: [D_FEATURES], real: [F32, F22], fake: [F22, F32] }, ['discriminator', 'real', 'fake'])],
      call: (ctx: never) => fm.penalty(ctx),
      propagates: true,
    });
    check({ name: 'FeatureMatching.extractor', args: [slot(D_FEATURES)], call: (m: never) => void fm.extractor(m) });
    const haOptions = obj({ weight: num(1, 0.01), target: [val('"generator"', 'generator'), val('"discriminator"', 'discriminator')] });
    check({ name: 'historicalAveraging', args: [haOptions], call: (o: never) => historicalAveraging(o).dispose() });
    check({ name: 'new HistoricalAveraging', args: [haOptions], call: (o: never) => new HistoricalAveraging(o).dispose() });
    check({
      name: 'HistoricalAveraging.penalty / afterUpdate',
      args: [obj({ model: [D_FEATURES] }, ['model'])],
      call: (ctx: never) => {
        const ha = historicalAveraging({ weight: 0.5 });
        try {
          ha.afterUpdate(ctx);
          return ha.penalty(ctx);
        } finally {
          ha.dispose();
        }
      },
    });
    check({
      name: 'HistoricalAveraging.loadState',
      args: [obj({ tensors: [val('[]', []), { label: '[t]', make: (ctx) => [ten('t', () => tf.ones([3, 1])).make(ctx)] }], values: [val('{ snapshots: 0 }', { snapshots: 0 }), val('{ snapshots: 2 }', { snapshots: 2 })] })],
      call: (s: never) => {
        const ha = historicalAveraging();
        try {
          ha.loadState(s);
          return ha.snapshots;
        } finally {
          ha.dispose();
        }
      },
    });
  });

  it('ndb and kMeans', () => {
    check({
      name: 'ndb',
      args: [
        slot(REF, IMGS),
        slot(GEN, IMGS),
        obj({ bins: num(2, 3), alpha: num(0.05), zThreshold: num(2), whitening: bool, seed: num(1), centroids: [CENTROIDS, CENTROIDS_T], maxIterations: num(5) }),
      ],
      call: (r: never, g: never, o: never) => ndb(r, g, o),
    });
    check({
      name: 'kMeans',
      args: [slot(REF, GEN), obj({ k: num(1, 3), maxIterations: num(10), seed: num(2) }, ['k'])],
      call: (x: never, o: never) => kMeans(x, o),
    });
  });

  it('distances, normalCdf and discriminatorAccuracy', () => {
    const dist = (): fc.Arbitrary<Maker> =>
      fc.oneof(
        slot(val('[0.5, 0.5]', [0.5, 0.5]), val('[1, 0]', [1, 0]), val('Float32Array[3, 1]', new Float32Array([3, 1]))),
        fc.array(fc.oneof(fc.double(), fc.constantFrom<unknown>(null, '1', 0, 1e308)), { maxLength: 4 }).map((a) => val(`[${a.map(String).join(', ')}]`, a)),
      );
    check({ name: 'totalVariation', args: [dist(), dist()], call: (p: never, q: never) => totalVariation(p, q) }, 300);
    check({ name: 'klDivergence', args: [dist(), dist()], call: (p: never, q: never) => klDivergence(p, q), allowInfinity: true }, 300);
    check({ name: 'jsDivergence', args: [dist(), dist()], call: (p: never, q: never) => jsDivergence(p, q) }, 300);
    check(
      {
        name: 'earthMoverDistance',
        args: [dist(), dist(), obj({ xp: [val('[0, 1]', [0, 1])], xq: [val('[2, 5]', [2, 5])] })],
        call: (p: never, q: never, o: never) => earthMoverDistance(p, q, o),
      },
      300,
    );
    check({ name: 'normalCdf', args: [slot(...num(0, 1.96, -3))], call: (x: never) => normalCdf(x) }, 300);
    check({
      name: 'discriminatorAccuracy',
      args: [
        slot(P31, X21),
        fc.oneof(
          obj({ kind: [val('"real"', 'real'), val('"fake"', 'fake')], output: [val('"probability"', 'probability'), val('"logit"', 'logit')] }, ['kind']),
          fc.constantFrom(val('"real"', 'real'), val('"fake"', 'fake')),
        ),
      ],
      call: (o: never, opts: never) => discriminatorAccuracy(o, opts),
    });
  });

  it('diagnose', () => {
    const steady = (n: number): IterationRecord[] =>
      Array.from({ length: n }, (_, i) => ({ iteration: i + 1, epoch: 0, dLossReal: 0.6, dLossFake: 0.6, gLoss: 0.8 + Math.sin(i) * 0.05, dAccReal: 0.6, dAccFake: 0.6 }));
    const histories: Maker[] = [
      val('steady(60)', steady(60)),
      val('steady(5)', steady(5)),
      val('NaN losses', steady(40).map((r) => ({ ...r, gLoss: NaN, dLossReal: NaN, dLossFake: NaN }))),
      val('critic', steady(40).map((r) => ({ ...r, dAccReal: NaN, dAccFake: NaN, realFakeDistance: 1 }))),
      val('string loss', [{ ...steady(1)[0], gLoss: '0.8' }]),
      val('no iteration', [{ gLoss: 1 }]),
    ];
    check(
      {
        name: 'diagnose',
        args: [
          slot(...histories),
          obj({
            window: num(10, 50),
            thresholds: [val('{ collapsedLoss: 0.1 }', { collapsedLoss: 0.1 }), val('{ oscillationPeriods: [2, 10] }', { oscillationPeriods: [2, 10] }), val('{ pinnedShare: 3 }', { pinnedShare: 3 })],
            diversity: num(0.5, 1),
            nearestNeighborRatio: num(0.1),
            ndbRatio: num(0.3),
            ndbJsDivergence: num(0.1),
            loss: [val('LSGAN', new LSGAN()), val('HingeGAN', new HingeGAN()), val('{ diagnosisBands: { collapsedLoss: NaN } }', { diagnosisBands: { collapsedLoss: NaN } })],
          }),
        ],
        call: (h: never, o: never) => diagnose(h, o),
      },
      300,
    );
  });

  it('saw both outcomes: refusals and valid results', () => {
    // A suite where everything is refused (or nothing is) would prove little.
    expect(refused).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(100);
  });
});
