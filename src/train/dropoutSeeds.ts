import type * as tf from '@tensorflow/tfjs';
import { layersOf } from '../internal/layers.js';

/** Where a seeded dropout layer takes the seed of its next mask from. */
const SEED_SOURCE = Symbol('gan-hacks.dropoutSeedSource');

/** tfjs-layers classes whose `call` reads `this.seed` to draw a mask (SpatialDropout1D extends Dropout). */
const SEEDABLE = new Set(['Dropout', 'SpatialDropout1D']);

type CallArgs = Parameters<tf.layers.Layer['call']>;
interface SeedableLayer {
  seed?: number;
  call: (...args: CallArgs) => ReturnType<tf.layers.Layer['call']>;
  [SEED_SOURCE]?: () => number;
}

/**
 * Makes the tfjs dropout layers of `models` draw every mask from `seeds`, so a
 * seeded run replays exactly and a resumed one continues the same stream.
 *
 * Why this is needed: a tfjs Dropout layer without a seed draws from an
 * unseeded generator, and one with a seed repeats the same mask at every
 * call. Here each training-mode call asks `seeds` for a fresh seed; calls in
 * inference mode draw nothing, and the layer's own `seed` is left unset
 * outside the call, so saved models are unchanged. Layers built with an
 * explicit seed are left alone. A layer seeded twice takes its seeds from
 * the latest source.
 *
 * @returns how many layers now draw from `seeds`.
 */
export function seedDropout(models: readonly tf.LayersModel[], seeds: () => number): number {
  let count = 0;
  for (const model of models) {
    for (const layer of layersOf(model)) {
      if (!SEEDABLE.has(layer.getClassName())) continue;
      const target = layer as unknown as SeedableLayer;
      if (!(SEED_SOURCE in target)) {
        if (target.seed !== undefined) continue;
        const call = target.call.bind(layer);
        target.call = (...args: CallArgs) => {
          // tfjs reads `this.seed` only in the training branch, so the getter
          // draws exactly once per mask and never in inference.
          Object.defineProperty(target, 'seed', { get: () => target[SEED_SOURCE]?.(), configurable: true });
          try {
            return call(...args);
          } finally {
            Object.defineProperty(target, 'seed', { value: undefined, writable: true, configurable: true });
          }
        };
      }
      target[SEED_SOURCE] = seeds;
      count++;
    }
  }
  return count;
}
