import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { WGANGP } from '../src/index.js';

// Its own file: the registration is global, so no other test may have made it first.
describe('WGANGP registers its gradients when constructed', () => {
  it('so the Tile gradient of layer and batch norm runs as a reshape and sum, not one Slice per tile', async () => {
    const countSlices = async (): Promise<number> => {
      const x = tf.ones([1, 4]);
      const prof = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.tile(v, [50, 1]).sum())(x));
      x.dispose();
      return prof.kernels.filter((k) => k.name === 'Slice').length;
    };
    // tfjs's own Tile gradient: one slice per repeat.
    expect(await countSlices()).toBe(50);
    new WGANGP({ warnOnBatchNorm: false });
    expect(await countSlices()).toBe(0);
  });
});
