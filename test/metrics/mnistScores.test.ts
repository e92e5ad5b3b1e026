import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierScore, frechetDistance, kernelDistance, loadMnist, mnistClassifier, mnistFid, mnistKid, mnistScore } from '../../src/index.js';
import { mnistClassifierSplit } from '../../src/metrics/mnistClassifier/split.js';
import { initWasmBackend } from '../../src/wasm/index.js';
import { expectCodeAsync } from '../helpers.js';

// On WASM: these tests run the network over some 20,000 images, minutes on the pure-JS CPU backend
// (about 15 ms per image there, under 1 ms here). The recorded accuracy is checked on CPU in mnistClassifier.test.ts.

const N = 1000;
let heldOut: tf.Tensor4D; // N held-out digits
let train: tf.Tensor4D; // N training digits
let noise: tf.Tensor4D; // uniform in [-1, 1]
let repeated: tf.Tensor4D; // one held-out digit, N times
let ones: tf.Tensor4D; // N training digits, all of them 1s

beforeAll(async () => {
  await initWasmBackend({ threads: 1 });
  const { images, labels } = await loadMnist();
  const l = Int32Array.from(await labels.data());
  const split = mnistClassifierSplit(l);
  const take = (idx: number[]): tf.Tensor4D => tf.tidy(() => tf.gather(images, tf.tensor1d(idx, 'int32')));
  // Every other held-out digit and every eighth training digit: all ten digits in both.
  heldOut = take(split.heldOut.filter((_, k) => k % 2 === 0).slice(0, N));
  train = take(split.train.filter((_, k) => k % 8 === 0).slice(0, N));
  ones = take(split.train.filter((i) => l[i] === 1).slice(0, N));
  repeated = tf.tidy(() => tf.tile(heldOut.slice(0, 1), [N, 1, 1, 1]));
  noise = tf.randomUniform([N, 28, 28, 1], -1, 1, 'float32', 7);
  tf.dispose([images, labels]);
});

afterAll(() => tf.dispose([heldOut, train, noise, repeated, ones]));

/** Runs `f` and checks the tensor count is back where it was: the network's weights are freed with it. */
async function flat<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const value = await f();
  expect(tf.memory().numTensors).toBe(before);
  return value;
}

describe('mnistFid', () => {
  it('equals frechetDistance on the classifier features, names the network and the sample sizes', async () => {
    const result = await flat(() => mnistFid(heldOut, train));
    const c = await mnistClassifier();
    const [r, f] = [c.features(heldOut), c.features(train)];
    expect(result.value).toBe(frechetDistance(r, f));
    tf.dispose([r, f]);
    c.dispose();
    expect(result.network).toBe('gan-hacks-mnist-cnn-v1');
    expect(result.n).toBe(N);
    expect(result.nReal).toBe(N);
    const some = train.slice(0, 200);
    const fewer = await flat(() => mnistFid(heldOut, some, { batchSize: 64 }));
    some.dispose();
    expect(fewer.n).toBe(200);
    expect(fewer.nReal).toBe(N);
  });

  it('orders the sets: held-out vs train far below one repeated digit, one class only, and noise', async () => {
    const real = (await mnistFid(heldOut, train)).value;
    const collapsed = (await mnistFid(heldOut, repeated)).value;
    const oneClass = (await mnistFid(heldOut, ones)).value;
    const random = (await mnistFid(heldOut, noise)).value;
    console.log(`mnistFid, n = ${N}: held-out vs train ${real.toFixed(3)}, one digit repeated ${collapsed.toFixed(1)}, 1s only ${oneClass.toFixed(1)}, uniform noise ${random.toFixed(1)}`);
    expect(real).toBeGreaterThan(0);
    for (const worse of [collapsed, oneClass, random]) expect(worse).toBeGreaterThan(20 * real);
    // FID is symmetric in its arguments.
    expect(Math.abs((await mnistFid(train, heldOut)).value - real) / real).toBeLessThan(1e-5);
  });
});

describe('mnistKid', () => {
  it('equals kernelDistance on the features with the same options; near 0 for real vs real, large for noise', async () => {
    const options = { subsets: 10, subsetSize: 400, seed: 3 };
    const realVsReal = await flat(() => mnistKid(heldOut, train, options));
    const c = await mnistClassifier();
    const [r, f] = [c.features(heldOut), c.features(train)];
    const direct = kernelDistance(r, f, options);
    tf.dispose([r, f]);
    c.dispose();
    expect(realVsReal.value).toEqual({ mean: direct.mean, std: direct.std });
    expect(realVsReal.subsetSize).toBe(400);
    expect(realVsReal.network).toBe('gan-hacks-mnist-cnn-v1');
    expect([realVsReal.n, realVsReal.nReal]).toEqual([N, N]);
    const random = await mnistKid(heldOut, noise, options);
    const collapsed = await mnistKid(heldOut, repeated, options);
    console.log(`mnistKid, 10 subsets of 400: held-out vs train ${realVsReal.value.mean.toExponential(2)} ± ${realVsReal.value.std.toExponential(1)}, repeated digit ${collapsed.value.mean.toFixed(3)}, noise ${random.value.mean.toFixed(3)}`);
    expect(Math.abs(realVsReal.value.mean)).toBeLessThan(3 * realVsReal.value.std + 1e-3);
    expect(random.value.mean).toBeGreaterThan(100 * Math.abs(realVsReal.value.mean));
    expect(collapsed.value.mean).toBeGreaterThan(100 * Math.abs(realVsReal.value.mean));
  });
});

describe('mnistScore', () => {
  it('equals classifierScore on the probabilities: near 10 for real digits, near 1 for one repeated digit', async () => {
    const real = await flat(() => mnistScore(heldOut));
    const c = await mnistClassifier();
    const p = c.probabilities(heldOut);
    expect(real.value).toEqual(classifierScore(p, { splits: 10 }));
    p.dispose();
    c.dispose();
    expect(real.network).toBe('gan-hacks-mnist-cnn-v1');
    expect(real.n).toBe(N);
    const collapsed = await mnistScore(repeated, { splits: 5 });
    const oneClass = await mnistScore(ones);
    console.log(`mnistScore: held-out ${real.value.mean.toFixed(3)} ± ${real.value.std.toFixed(3)}, repeated digit ${collapsed.value.mean.toFixed(4)}, 1s only ${oneClass.value.mean.toFixed(3)}`);
    expect(real.value.mean).toBeGreaterThan(9);
    expect(collapsed.value.mean).toBeLessThan(1.01);
    expect(collapsed.value.std).toBeLessThan(1e-6); // every split holds the same image
    expect(oneClass.value.mean).toBeLessThan(1.5);
  });
});

describe('bad inputs', () => {
  it('are refused with codes, leaking nothing', async () => {
    const flatImages = tf.zeros([10, 784]) as unknown as tf.Tensor4D;
    const withNaN = tf.tidy(() => heldOut.slice(0, 10).mul(tf.scalar(NaN))) as tf.Tensor4D;
    const pixels = tf.fill([10, 28, 28, 1], 255) as tf.Tensor4D;
    const single = heldOut.slice(0, 1);
    const before = tf.memory().numTensors;
    await expectCodeAsync(() => mnistFid(flatImages, train), 'INVALID_SHAPE');
    await expectCodeAsync(() => mnistFid(heldOut, withNaN), 'NON_FINITE_INPUT');
    await expectCodeAsync(() => mnistKid(pixels, train), 'INVALID_RANGE');
    await expect(mnistKid(pixels, train)).rejects.toThrow(/mnistKid: real must lie in \[-1, 1\].*scaleImages/);
    await expectCodeAsync(() => mnistFid(heldOut, single), 'INVALID_RANGE');
    await expect(mnistFid(heldOut, single)).rejects.toThrow(/mnistFid: fake has 1 image; pass at least 2/);
    await expectCodeAsync(() => mnistScore(withNaN), 'NON_FINITE_INPUT');
    await expectCodeAsync(() => mnistScore(heldOut, { splits: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => mnistScore(single, { splits: 2 }), 'INVALID_RANGE');
    await expectCodeAsync(() => mnistKid(heldOut, train, { subsetSize: 1 }), 'INVALID_RANGE');
    await expectCodeAsync(() => mnistFid(heldOut, train, { batchSize: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => mnistFid(heldOut, train, 5 as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => mnistScore('images' as never), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    // null options are the defaults.
    expect((await mnistScore(heldOut, null)).value).toEqual((await mnistScore(heldOut)).value);
    tf.dispose([flatImages, withNaN, pixels, single]);
  });
});
