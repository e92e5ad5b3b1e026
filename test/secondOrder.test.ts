import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { WGANGP, enableSecondOrderGradients, gradientPenalty } from '../src/index.js';

// Its own file (vitest runs each file in its own process): the registration is
// global, so no other test may have made it first.
describe('second-order gradients: registered explicitly, never by a constructor', () => {
  const countSlices = async (): Promise<number> => {
    const x = tf.ones([1, 4]);
    const prof = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.tile(v, [50, 1]).sum())(x));
    x.dispose();
    tf.dispose(prof.result as tf.Tensor);
    return prof.kernels.filter((k) => k.name === 'Slice').length;
  };

  it('constructing WGANGP leaves the Greater and Tile gradients as they were', async () => {
    const greater = tf.getGradient('Greater');
    const tile = tf.getGradient('Tile');
    expect(greater).toBeUndefined(); // tfjs 4.22 has none
    new WGANGP({ warnOnBatchNorm: false });
    new WGANGP({ gradientPenaltyWeight: 1 });
    expect(tf.getGradient('Greater')).toBe(greater);
    expect(tf.getGradient('Tile')).toBe(tile);
    // tfjs's own Tile gradient still runs: one slice per repeat.
    expect(await countSlices()).toBe(50);
  });

  it('the first gradientPenalty registers them; later calls change nothing (idempotent)', async () => {
    const critic = (x: tf.Tensor): tf.Tensor => tf.leakyRelu(x.reshape([x.shape[0], -1]), 0.2).sum(1);
    const real = tf.tensor2d([1, -2, 3, 0.5], [2, 2]);
    const fake = tf.tensor2d([-1, 2, 0, 1], [2, 2]);
    const gp = gradientPenalty(critic, real, fake, { alpha: 0.5 });
    const greater = tf.getGradient('Greater');
    const tile = tf.getGradient('Tile');
    expect(greater).toBeDefined();
    // One reshape and sum instead of 50 slices.
    expect(await countSlices()).toBe(0);
    enableSecondOrderGradients();
    gradientPenalty(critic, real, fake, { alpha: 0.5 }).dispose();
    expect(tf.getGradient('Greater')).toBe(greater);
    expect(tf.getGradient('Tile')).toBe(tile);
    tf.dispose([gp, real, fake]);
  });
});
