import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Trainer, WGANGP, type TrainerOptions } from '../../src/index.js';
import { seedDropout } from '../../src/train/dropoutSeeds.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from './tiny.js';

function withDropout(overrides: Partial<TrainerOptions> = {}): Trainer {
  return new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(2, { dropout: 0.5 }), latentDim: 3, seed: 5, ...overrides });
}

async function fit(t: Trainer, iterations: number): Promise<ReturnType<Trainer['history']['toJSON']>> {
  const data = tinyData(32, 9);
  const h = await t.fit(data, { batchSize: 8, iterations });
  data.dispose();
  return h.toJSON();
}

/** The dropout layer's output for one fixed input, as plain numbers. */
function masked(layer: tf.layers.Layer, training: boolean): number[] {
  return tf.tidy(() => Array.from((layer.apply(tf.ones([4, 8]), { training }) as tf.Tensor).dataSync()));
}

describe('seedDropout', () => {
  it('draws one seed per training-mode mask, none in inference, and finds layers in nested models', () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] }), tf.layers.dropout({ rate: 0.5 })] });
    const outer = tf.sequential({ layers: [inner, tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 1 })] });
    let draws = 0;
    expect(seedDropout([outer], () => ++draws)).toBe(2);
    tf.tidy(() => outer.apply(tf.ones([3, 4]), { training: true }) as tf.Tensor);
    expect(draws).toBe(2);
    tf.tidy(() => outer.apply(tf.ones([3, 4]), { training: false }) as tf.Tensor);
    tf.tidy(() => outer.predict(tf.ones([3, 4])));
    expect(draws).toBe(2);
  });

  it('gives each call a fresh mask, replays the stream for the same seeds, and leaves saved configs unset', () => {
    const layer = tf.layers.dropout({ rate: 0.5 });
    let n = 0;
    seedDropout([tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [8] }), layer] })], () => 1000 + n++);
    const first = masked(layer, true);
    const second = masked(layer, true);
    expect(first).not.toEqual(second); // tfjs with a fixed seed would repeat the mask
    expect(first.filter((v) => v === 0).length).toBeGreaterThan(0);
    n = 0;
    expect(masked(layer, true)).toEqual(first);
    expect(masked(layer, false)).toEqual(new Array(32).fill(1));
    expect(layer.getConfig().seed).toBeUndefined();
  });

  it('leaves a layer built with its own seed alone', () => {
    const layer = tf.layers.dropout({ rate: 0.5, seed: 7 });
    const count = seedDropout([tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [8] }), layer] })], () => 1);
    expect(count).toBe(0);
    expect(layer.getConfig().seed).toBe(7);
  });
});

describe('Trainer seeds dropout', () => {
  it('the same seed twice gives identical runs with a dropout discriminator; another seed differs', async () => {
    const a = await fit(withDropout(), 6);
    const b = await fit(withDropout(), 6);
    expect(b).toEqual(a);
    expect(await fit(withDropout({ seed: 6 }), 6)).not.toEqual(a);
  });

  it('also through the gradient penalty, which calls the critic in training mode on interpolates', async () => {
    const critic = (): Trainer =>
      withDropout({ loss: new WGANGP(), discriminator: tinyDiscriminator(2, { dropout: 0.5, output: 'linear' }) });
    const a = await fit(critic(), 4);
    expect(await fit(critic(), 4)).toEqual(a);
  });

  it("dropout has its own stream: the run's other draws (latents, labels, batches) stay where they were", async () => {
    const plain = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 5 });
    const dropped = withDropout();
    await fit(plain, 3);
    await fit(dropped, 3);
    const [p, d] = [await plain.checkpoint(), await dropped.checkpoint()];
    expect(d.state.rng).toEqual(p.state.rng);
    expect(d.state.dataRng).toEqual(p.state.dataRng);
    expect(d.state.dropoutRng).not.toEqual(p.state.dropoutRng); // the dropout trainer drew masks, the plain one none
  });

  it('checkpoint and resume continue the dropout stream: 4 + 4 iterations equal 8 straight', async () => {
    const straight = await fit(withDropout(), 8);
    const first = withDropout();
    await fit(first, 4);
    const checkpoint = await first.checkpoint();
    expect(checkpoint.state.dropoutRng).toBeDefined();
    const second = withDropout();
    await second.resume(checkpoint);
    const resumed = await fit(second, 8);
    for (let i = 0; i < 8; i++) {
      for (const key of ['dLossReal', 'dLossFake', 'gLoss'] as const) {
        expect(resumed.records[i][key]).toBeCloseTo(straight.records[i][key] as number, 5);
      }
    }
  });
});
