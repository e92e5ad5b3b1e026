import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadMnist, mnistClassifier, type MnistClassifier } from '../../src/index.js';
import { mnistClassifierSplit, MNIST_CLASSIFIER_SPLIT } from '../../src/metrics/mnistClassifier/split.js';
import { MNIST_CNN_RECORD, MNIST_CNN_WEIGHTS } from '../../src/metrics/mnistClassifier/weights.js';
import { expectCode, expectCodeAsync, expectNoLeak } from '../helpers.js';

/** The summary scripts/train-mnist-classifier.ts wrote beside the weights. */
const summary = JSON.parse(readFileSync(new URL('../../docs/metrics/mnist-classifier.json', import.meta.url), 'utf8')) as {
  name: string;
  data: { split: { seed: string; heldOutShare: number; train: number; heldOut: number; heldOutPerDigit: number[] } };
  heldOut: { recorded: { backend: string; correct: number; total: number; accuracy: number; confusion: number[][] } };
};

let images: tf.Tensor4D;
let labels: Int32Array;
let split: { train: number[]; heldOut: number[] };
let classifier: MnistClassifier;

beforeAll(async () => {
  // Fetch is never called: the weights are in the package (a stub that throws would fail the load).
  vi.stubGlobal('fetch', () => {
    throw new Error('mnistClassifier must not fetch');
  });
  classifier = await mnistClassifier();
  vi.unstubAllGlobals();
  const all = await loadMnist();
  images = all.images;
  labels = Int32Array.from(await all.labels.data());
  all.labels.dispose();
  split = mnistClassifierSplit(labels);
});

afterAll(() => {
  classifier?.dispose();
  images?.dispose();
});

/** Images `idx` of the bundled digits. */
const pick = (idx: number[]): tf.Tensor4D => tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32')));

describe('the held-out split', () => {
  it('is stratified, disjoint, covers all 10,000 digits and matches the recorded one', () => {
    expect(labels.length).toBe(10_000);
    const seen = new Set([...split.train, ...split.heldOut]);
    expect(seen.size).toBe(10_000);
    expect(split.train.length + split.heldOut.length).toBe(10_000);
    for (let d = 0; d <= 9; d++) {
      const count = labels.filter((l) => l === d).length;
      const held = split.heldOut.filter((i) => labels[i] === d).length;
      expect(held).toBe(Math.round(0.2 * count));
      expect(held).toBe(summary.data.split.heldOutPerDigit[d]);
    }
    expect(split.heldOut.length).toBe(summary.data.split.heldOut);
    expect(summary.data.split.seed).toBe(MNIST_CLASSIFIER_SPLIT.seed);
    // Seeded: not every fifth image, and the same again.
    expect(mnistClassifierSplit(labels)).toEqual(split);
    expect(split.heldOut.slice(0, 20)).not.toEqual(Array.from({ length: 20 }, (_, i) => i * 5));
  });
});

describe('mnistClassifier', () => {
  it('classifies the held-out digits with exactly the recorded counts (CPU backend), above 98.5 %', () => {
    expect(tf.getBackend()).toBe('cpu');
    expect(summary.heldOut.recorded.backend).toBe('cpu');
    const x = pick(split.heldOut);
    const predicted = tf.tidy(() => classifier.probabilities(x).argMax(1));
    const p = predicted.dataSync();
    tf.dispose([x, predicted]);
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    let correct = 0;
    split.heldOut.forEach((i, k) => {
      confusion[labels[i]][p[k]]++;
      if (labels[i] === p[k]) correct++;
    });
    expect(correct).toBe(summary.heldOut.recorded.correct);
    expect(confusion).toEqual(summary.heldOut.recorded.confusion);
    expect(MNIST_CNN_RECORD.heldOutCorrect).toBe(correct);
    expect(classifier.heldOutAccuracy).toBe(correct / split.heldOut.length);
    expect(classifier.heldOutAccuracy).toBeGreaterThanOrEqual(0.985);
    expect(classifier.name).toBe('gan-hacks-mnist-cnn-v1');
    expect(summary.name).toBe(classifier.name);
  }, 300_000); // about 30 s on the pure-JS CPU backend of an idle 2-core machine

  it('features are the penultimate layer: probabilities = softmax(features · W + b) with the embedded logits weights', () => {
    const x = pick(split.heldOut.slice(0, 37));
    const features = classifier.features(x);
    const probabilities = classifier.probabilities(x);
    expect(features.shape).toEqual([37, classifier.featureSize]);
    expect(classifier.featureSize).toBe(128);
    expect(probabilities.shape).toEqual([37, 10]);
    // The logits layer's weights decoded straight from the embedded bytes, apart from the network code.
    const bytes = Uint8Array.from(Buffer.from(MNIST_CNN_WEIGHTS.base64, 'base64'));
    const decoded = tf.io.decodeWeights(bytes.buffer, [...MNIST_CNN_WEIGHTS.specs]);
    const f = features.arraySync();
    const w = decoded['logits/kernel'].arraySync() as number[][];
    const b = decoded['logits/bias'].arraySync() as number[];
    expect(w.length).toBe(128);
    const got = probabilities.arraySync();
    for (let i = 0; i < 37; i++) {
      expect(Math.min(...f[i])).toBeGreaterThanOrEqual(0); // ReLU features
      const logits = b.map((bias, c) => f[i].reduce((s, v, k) => s + v * w[k][c], bias));
      const top = Math.max(...logits);
      const e = logits.map((l) => Math.exp(l - top));
      const sum = e.reduce((s, v) => s + v, 0);
      e.forEach((v, c) => expect(got[i][c]).toBeCloseTo(v / sum, 5));
      expect(got[i].reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    }
    tf.dispose([x, features, probabilities, ...Object.values(decoded)]);
  });

  it('batches internally: any batchSize gives the same values, bit for bit', async () => {
    const x = pick(split.heldOut.slice(0, 23));
    const small = await mnistClassifier({ batchSize: 5 });
    const a = classifier.features(x);
    const b = small.features(x);
    const pa = classifier.probabilities(x);
    const pb = small.probabilities(x);
    expect(b.shape).toEqual([23, 128]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
    small.dispose();
    tf.dispose([x, a, b, pa, pb]);
  });

  it('leaks no tensor: each call adds only its result; the weights go with the last handle', async () => {
    const x = pick(split.heldOut.slice(0, 30));
    const handle = await mnistClassifier({ batchSize: 7 });
    for (let i = 0; i < 3; i++) {
      tf.dispose(expectNoLeak(() => handle.features(x)));
      tf.dispose(expectNoLeak(() => handle.probabilities(x)));
      tf.dispose(expectNoLeak(() => tf.tidy(() => handle.probabilities(x).sum())));
    }
    // The network is shared: a second handle allocates nothing, disposing it frees nothing others use.
    const before = tf.memory().numTensors;
    const second = await mnistClassifier();
    expect(tf.memory().numTensors).toBe(before);
    second.dispose();
    second.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(handle.probabilities(x));
    handle.dispose();
    // Only `classifier` holds the network now; it still works.
    tf.dispose(classifier.features(x));
    expectCode(() => handle.features(x), 'INVALID_ARGUMENT');
    x.dispose();
  });

  it('frees the weights when the last handle is disposed, and loads them again on the next call', async () => {
    const x = pick([split.heldOut[0]]);
    const first = classifier.probabilities(x);
    const expected = first.dataSync();
    first.dispose();
    const baseline = tf.memory().numTensors;
    classifier.dispose();
    const weights = MNIST_CNN_WEIGHTS.specs.length;
    expect(tf.memory().numTensors).toBe(baseline - weights);
    classifier = await mnistClassifier();
    expect(tf.memory().numTensors).toBe(baseline);
    const again = classifier.probabilities(x);
    expect(Array.from(again.dataSync())).toEqual(Array.from(expected));
    tf.dispose([x, again]);
  });

  it('refuses bad images (code and message) before any work, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const refuse = (input: unknown, code: string, message: RegExp): void => {
      expectCode(() => classifier.features(input as tf.Tensor4D), code);
      expect(() => classifier.probabilities(input as tf.Tensor4D)).toThrow(message);
    };
    const flat = tf.zeros([3, 784]);
    const noChannel = tf.zeros([3, 28, 28]);
    const rgb = tf.zeros([3, 28, 28, 3]);
    const small = tf.zeros([3, 14, 14, 1]);
    const ints = tf.zeros([2, 28, 28, 1], 'int32');
    const empty = tf.zeros([0, 28, 28, 1]);
    const nan = tf.tidy(() => tf.zeros([2, 28, 28, 1]).add(tf.scalar(NaN).reshape([1, 1, 1, 1]).pad([[1, 0], [0, 27], [0, 27], [0, 0]])));
    const inf = tf.tidy(() => tf.zeros([2, 28, 28, 1]).add(tf.scalar(-Infinity).reshape([1, 1, 1, 1]).pad([[1, 0], [0, 27], [0, 27], [0, 0]])));
    const huge = tf.fill([2, 28, 28, 1], 3e38);
    const pixels = tf.fill([2, 28, 28, 1], 255);
    const over = tf.fill([2, 28, 28, 1], 1.5);
    const under = tf.fill([2, 28, 28, 1], -1.0001);
    const disposed = tf.zeros([2, 28, 28, 1]);
    disposed.dispose();
    const made = tf.memory().numTensors;
    refuse([[0]], 'INVALID_ARGUMENT', /images must be a tf\.Tensor/);
    refuse(disposed, 'INVALID_ARGUMENT', /already disposed/);
    refuse(ints, 'INVALID_ARGUMENT', /float32/);
    refuse(empty, 'INVALID_SHAPE', /empty/);
    refuse(flat, 'INVALID_SHAPE', /\[n, 28, 28, 1\], got \[3, 784\]\. Reshape/);
    refuse(noChannel, 'INVALID_SHAPE', /expandDims/);
    refuse(rgb, 'INVALID_SHAPE', /got \[3, 28, 28, 3\]/);
    refuse(small, 'INVALID_SHAPE', /got \[3, 14, 14, 1\]/);
    refuse(nan, 'NON_FINITE_INPUT', /NaN/);
    refuse(inf, 'NON_FINITE_INPUT', /NaN or infinite/);
    refuse(huge, 'INVALID_RANGE', /got values in \[3\.0\d*e\+38, /);
    refuse(pixels, 'INVALID_RANGE', /\[-1, 1\].*\[255, 255\].*scaleImages/);
    refuse(over, 'INVALID_RANGE', /got values in \[1\.5, 1\.5\].*clipByValue/);
    refuse(under, 'INVALID_RANGE', /\[-1, 1\]/);
    expect(tf.memory().numTensors).toBe(made);
    tf.dispose([flat, noChannel, rgb, small, ints, empty, nan, inf, huge, pixels, over, under]);
    expect(tf.memory().numTensors).toBe(before);
    // The bounds themselves are accepted.
    const edges = tf.tensor4d(Array.from({ length: 784 }, (_, i) => (i % 2 ? 1 : -1)), [1, 28, 28, 1]);
    tf.dispose(classifier.features(edges));
    edges.dispose();
  });

  it('refuses bad options before loading anything; null options mean the defaults', async () => {
    await expectCodeAsync(() => mnistClassifier({ batchSize: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => mnistClassifier({ batchSize: 2.5 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => mnistClassifier({ batchSize: 1e9 }), 'INVALID_RANGE');
    await expectCodeAsync(() => mnistClassifier([] as never), 'INVALID_ARGUMENT');
    await expect(mnistClassifier({ batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    const before = tf.memory().numTensors;
    const handle = await mnistClassifier(null);
    expect(tf.memory().numTensors).toBe(before);
    handle.dispose();
  });
});

describe('the embedded weights in bundles', () => {
  it('a bundle of the core entry without mnistClassifier never loads the weights; with it, they come in a chunk loaded by a dynamic import', async () => {
    const { build } = await import('esbuild');
    const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    /** Bytes of the outputs a page loads with the entry (static imports) and may load later (dynamic imports), and where the weights are. */
    const bundle = async (names: string, splitting: boolean): Promise<{ eager: number; later: number; weightsEager: boolean; weightsLater: boolean; weightsAnywhere: boolean }> => {
      const result = await build({
        stdin: { contents: `export { ${names} } from ${JSON.stringify(entry)};`, resolveDir: process.cwd(), loader: 'ts' },
        bundle: true,
        splitting,
        format: 'esm',
        platform: 'browser',
        minify: true,
        outdir: '/out',
        write: false,
        external: ['@tensorflow/*', 'seedrandom', 'node:*', 'vega', 'vega-lite', 'ml-matrix'],
        logLevel: 'silent',
        metafile: true,
      });
      const outputs = result.metafile.outputs;
      const entryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint !== undefined)!;
      const closure = (roots: string[], kinds: string[]): Set<string> => {
        const seen = new Set<string>();
        const visit = (o: string): void => {
          if (seen.has(o) || !outputs[o]) return;
          seen.add(o);
          for (const i of outputs[o].imports) if (kinds.includes(i.kind)) visit(i.path);
        };
        roots.forEach(visit);
        return seen;
      };
      const eager = closure([entryOut], ['import-statement']);
      const later = [...closure([entryOut], ['import-statement', 'dynamic-import'])].filter((o) => !eager.has(o));
      const hasWeights = (o: string): boolean => Object.entries(outputs[o].inputs).some(([p, i]) => p.endsWith('mnistClassifier/weights.ts') && i.bytesInOutput > 0);
      const size = (list: Iterable<string>): number => [...list].reduce((n, o) => n + outputs[o].bytes, 0);
      return {
        eager: size(eager),
        later: size(later),
        weightsEager: [...eager].some(hasWeights),
        weightsLater: later.some(hasWeights),
        weightsAnywhere: Object.keys(outputs).some(hasWeights),
      };
    };
    const base64 = MNIST_CNN_WEIGHTS.base64.length;
    // One file: the weights are left out when unused, inlined when used.
    const plain = await bundle('Trainer, ndb, loadMnist, imageGrid', false);
    expect(plain.weightsAnywhere).toBe(false);
    expect(plain.eager).toBeLessThan(base64);
    const plainWith = await bundle('Trainer, ndb, loadMnist, imageGrid, mnistClassifier', false);
    expect(plainWith.weightsEager).toBe(true);
    expect(plainWith.eager - plain.eager).toBeGreaterThan(base64);
    // Split: esbuild writes a chunk for every import() it sees, but a page without mnistClassifier never asks for it.
    const split = await bundle('Trainer, ndb, loadMnist, imageGrid', true);
    expect(split.weightsEager || split.weightsLater).toBe(false);
    expect(split.later).toBe(0);
    const splitWith = await bundle('Trainer, ndb, loadMnist, imageGrid, mnistClassifier', true);
    expect(splitWith.weightsEager).toBe(false);
    expect(splitWith.weightsLater).toBe(true);
    expect(splitWith.later).toBeGreaterThan(base64);
    // mnistClassifier's own code is small; the weights stay out of the page's first load.
    expect(splitWith.eager - split.eager).toBeLessThan(base64 / 10);
  });
});
