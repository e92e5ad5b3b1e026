import type * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertFloatTensor, assertNonNegativeInteger, assertOneOf, show } from '../internal/validate.js';
import type { AugmentationContext } from './types.js';

/**
 * Checks what an augmentation's `apply` receives: a live, non-empty float32 batch of rank ≥ `minRank`
 * and a context as the Trainer passes it (a hand-written loop may pass anything).
 */
export function checkApply(name: string, images: unknown, context: unknown, minRank = 1): asserts images is tf.Tensor {
  assertFloatTensor(`${name}.apply: images`, images);
  if (images.rank < minRank) {
    throw new GanHacksError('INVALID_SHAPE', `${name}.apply: images must be a batch of rank ${minRank === 4 ? '4, [n, height, width, channels]' : `>= ${minRank}`}, got shape [${images.shape.join(', ')}].`);
  }
  if (context === null || typeof context !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${name}.apply: context must be { batch, step, iteration, seed }, got ${show(context)}.`);
  }
  const c = context as AugmentationContext;
  assertOneOf(`${name}.apply: context.batch`, c.batch, ['real', 'fake'] as const);
  assertOneOf(`${name}.apply: context.step`, c.step, ['discriminator', 'generator'] as const);
  assertNonNegativeInteger(`${name}.apply: context.iteration`, c.iteration);
  if (typeof c.seed !== 'number' || !Number.isFinite(c.seed)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name}.apply: context.seed must be a finite number (the Trainer draws one from the run's stream), got ${show(c.seed)}.`);
  }
}
