import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../losses/types.js';
import { smoothNegativeLabels, smoothPositiveLabels, type SmoothNegativeLabelsOptions, type SmoothPositiveLabelsOptions } from '../labels/smooth.js';
import { noisyLabels } from '../labels/noisy.js';
import { assertInRange, show } from '../internal/validate.js';
import { GanHacksError } from '../errors/index.js';

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

const KNOWN = ['smoothPositive', 'smoothNegative', 'flip', 'real', 'fake'];

/**
 * Checks label hacks when the Trainer is built: the shape of the object, and
 * every smoothing and flipping option through a dry run of the functions
 * that will use them (on a 4-sample batch, freed at once).
 */
export function validateLabelHacks(hacks: LabelHacks): void {
  if (typeof hacks !== 'object' || hacks === null || Array.isArray(hacks)) {
    throw new GanHacksError('INVALID_ARGUMENT', `Trainer: labels must be an object such as { smoothPositive: true, flip: 0.05 }, got ${show(hacks)}.`);
  }
  const unknown = Object.keys(hacks).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) throw new GanHacksError('INVALID_ARGUMENT', `Trainer: unknown label hack ${show(unknown[0])}; use ${KNOWN.join(', ')}.`);
  for (const key of ['smoothPositive', 'smoothNegative'] as const) {
    const v = hacks[key];
    if (v !== undefined && typeof v !== 'boolean' && (typeof v !== 'object' || v === null)) {
      throw new GanHacksError('INVALID_ARGUMENT', `Trainer: labels.${key} must be true, false or an options object, got ${show(v)}.`);
    }
  }
  if (hacks.flip !== undefined) assertInRange('Trainer: labels.flip', hacks.flip, 0, 1);
  for (const key of ['real', 'fake'] as const) {
    if (hacks[key] !== undefined && typeof hacks[key] !== 'function') {
      throw new GanHacksError('INVALID_ARGUMENT', `Trainer: labels.${key} must be a function (targets, seed) => targets, got ${show(hacks[key])}.`);
    }
  }
  const builtIn = { ...hacks, real: undefined, fake: undefined };
  tf.tidy(() => {
    applyLabelHacks(tf.ones([4, 1]), 'real', builtIn, () => 1);
    applyLabelHacks(tf.zeros([4, 1]), 'fake', builtIn, () => 1);
  });
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
