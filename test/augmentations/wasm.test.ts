import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initWasmBackend } from '../../src/wasm/index.js';
import { diffAugment, instanceNoise, replayBuffer, translateImages, Trainer, type AugmentationContext } from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

beforeAll(async () => {
  await initWasmBackend({ threads: 1 });
});

const ctx: AugmentationContext = { batch: 'fake', step: 'generator', iteration: 0, seed: 3 };

/** G's weight gradients through D(diffAugment(G(z))) on a backend. */
async function generatorGrads(backend: string): Promise<number[][]> {
  await tf.setBackend(backend);
  const g = tinyGenerator(1);
  const d = tinyDiscriminator(2);
  const z = tf.randomNormal([8, 3], 0, 1, 'float32', 4);
  const { value, grads } = tf.variableGrads(
    () => (d.apply(diffAugment().apply(g.apply(z) as tf.Tensor, ctx)) as tf.Tensor).sum() as tf.Scalar,
    g.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  const out = Object.values(grads).map((t) => Array.from(t.dataSync()));
  tf.dispose([value, z, ...Object.values(grads)]);
  g.dispose();
  d.dispose();
  return out;
}

describe('augmentations on the WASM backend (whose kernels lack some gradients, UnsortedSegmentSum among them)', () => {
  it('diffAugment passes G its gradient on WASM, equal to the CPU backend within float32 rounding', async () => {
    const wasm = await generatorGrads('wasm');
    const cpu = await generatorGrads('cpu');
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((g, i) => {
      expect(g.some((v) => v !== 0)).toBe(true);
      g.forEach((v, k) => expect(Math.abs(v - cpu[i][k])).toBeLessThan(1e-4 * (1 + Math.abs(cpu[i][k]))));
    });
  });

  it('translateImages gives the same pixels and gradient on WASM as on CPU', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.randomNormal([3, 5, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 5, 4, 2], 0, 1, 'float32', 2);
      const shift = { x: [1, -3, 0], y: [2, 0, -1] };
      const y = translateImages(x, shift);
      const g = tf.grad((v: tf.Tensor) => translateImages(v as tf.Tensor4D, shift).mul(w).sum())(x);
      const out = [Array.from(y.dataSync()), Array.from(g.dataSync())];
      tf.dispose([x, w, y, g]);
      return out;
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });

  it('a Trainer with all three augmentations trains on WASM, finite, with a flat tensor count', async () => {
    await tf.setBackend('wasm');
    const data = tinyData();
    const t = new Trainer({
      generator: tinyGenerator(1),
      discriminator: tinyDiscriminator(2),
      latentDim: 3,
      seed: 2,
      augmentations: [replayBuffer({ size: 12 }), diffAugment(), instanceNoise({ std: 0.1, decay: 10 })],
    });
    // Five iterations fill the buffer (12 fakes, 4 per D step) and bring its chunk count to its steady 4.
    await t.fit(data, { batchSize: 8, iterations: 5 });
    const before = tf.memory().numTensors;
    const h = await t.fit(data, { batchSize: 8, iterations: 12 });
    expect(tf.memory().numTensors).toBe(before);
    for (const r of h.records) for (const key of ['dLoss', 'gLoss']) expect(Number.isFinite(r[key])).toBe(true);
    t.dispose();
    data.dispose();
  });
});
