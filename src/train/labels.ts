import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../losses/types.js';
import { smoothNegativeLabels, smoothPositiveLabels, type SmoothNegativeLabelsOptions, type SmoothPositiveLabelsOptions } from '../labels/smooth.js';
import { noisyLabels } from '../labels/noisy.js';
import { assertInRange } from '../internal/validate.js';

/** A custom transform of discriminator targets; `seed` differs every call. */
export type LabelTransform = (targets: tf.Tensor, seed: number) => tf.Tensor;

/**
 * Label hacks applied to the discriminator's targets (never to the
 * generator's). Applied in this order: smoothing, flipping, custom transform.
 */
export interface LabelHacks {
  /** Smooth real targets ({@link smoothPositiveLabels}); `true` for the defaults [0.7, 1.2]. */
  smoothPositive?: boolean | Omit<SmoothPositiveLabelsOptions, 'seed'>;
  /** Smooth fake targets ({@link smoothNegativeLabels}); `true` for the defaults [0, 0.3]. */
  smoothNegative?: boolean | Omit<SmoothNegativeLabelsOptions, 'seed'>;
  /** Flip this fraction of the real and of the fake targets ({@link noisyLabels}; the source uses 0.05). */
  flip?: number;
  /** A further transform of real targets. */
  real?: LabelTransform;
  /** A further transform of fake targets. */
  fake?: LabelTransform;
}

/** Whether any label hack is configured. */
export function hasLabelHacks(hacks: LabelHacks | undefined): boolean {
  if (!hacks) return false;
  return Boolean(hacks.smoothPositive || hacks.smoothNegative || hacks.flip || hacks.real || hacks.fake);
}

export function validateLabelHacks(hacks: LabelHacks): void {
  if (hacks.flip !== undefined) assertInRange('Trainer: labels.flip', hacks.flip, 0, 1);
}

/** Applies the hacks to targets of one batch; `seeds` yields a fresh seed per random draw. */
export function applyLabelHacks(targets: tf.Tensor, kind: 'real' | 'fake', hacks: LabelHacks, nextSeed: () => number): tf.Tensor {
  let y = targets;
  const replace = (next: tf.Tensor): void => {
    if (y !== targets) y.dispose();
    y = next;
  };
  if (kind === 'real' && hacks.smoothPositive) {
    const opts = hacks.smoothPositive === true ? {} : hacks.smoothPositive;
    replace(smoothPositiveLabels(y, { ...opts, seed: nextSeed() }));
  }
  if (kind === 'fake' && hacks.smoothNegative) {
    const opts = hacks.smoothNegative === true ? {} : hacks.smoothNegative;
    replace(smoothNegativeLabels(y, { ...opts, seed: nextSeed() }));
  }
  if (hacks.flip) replace(noisyLabels(y, { pFlip: hacks.flip, seed: nextSeed() }));
  const custom = kind === 'real' ? hacks.real : hacks.fake;
  if (custom) replace(custom(y, nextSeed()));
  return y;
}

/**
 * The discriminator's targets for one half batch: the loss's real or fake
 * target in the shape of D's output, with the label hacks applied; undefined
 * for losses without targets. The caller owns the tensor.
 */
export function discriminatorTargets(
  loss: GanLoss,
  outputShape: readonly number[],
  kind: 'real' | 'fake',
  hacks: LabelHacks | undefined,
  nextSeed: () => number,
): tf.Tensor | undefined {
  if (!loss.usesTargets) return undefined;
  const base = tf.fill([...outputShape], kind === 'real' ? loss.realTarget : loss.fakeTarget);
  if (!hasLabelHacks(hacks)) return base;
  const out = applyLabelHacks(base, kind, hacks!, nextSeed);
  if (out !== base) base.dispose();
  return out;
}
