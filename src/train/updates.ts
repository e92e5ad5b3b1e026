import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../losses/types.js';
import type { Regularizer } from '../regularizers/types.js';
import type { Augmentation, AugmentedBatch, AugmentedStep } from '../augmentations/types.js';
import { discriminateHalves, discriminateWith, generateWith, sampleLabels, type Conditioning } from './conditioning.js';
import { accuracyThreshold, type IterationLogs } from './logs.js';
import type { DiscriminatorMode } from './options.js';
import { optimizerStep } from './step.js';
import { afterRegularizedUpdate, regularizerPenalties, type RegularizedUpdate } from './regularizerSteps.js';

/** One discriminator update's batch: a real half, a fake half or both, with their class labels in a conditional run. */
export type Batch = { real?: tf.Tensor; fake?: tf.Tensor; realLabels?: tf.Tensor1D; fakeLabels?: tf.Tensor1D };

/** The last real batch of an iteration, which G's update reads (relativistic losses, regularizers). */
export type LastReal = { images: tf.Tensor; labels?: tf.Tensor1D };

/**
 * What one player's update needs from the run: the models and optimizers, the hacks plugged in (loss,
 * regularizers, augmentations), and the run's random stream. The Trainer hands one to each update; the updates
 * own no state, so the loop stays the only place where the run advances.
 */
export interface UpdateContext {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly loss: GanLoss;
  readonly conditioning: Conditioning | undefined;
  readonly regularizers: readonly Regularizer[];
  readonly augmentations: readonly Augmentation[];
  readonly generatorOptimizer: tf.Optimizer;
  readonly discriminatorOptimizer: tf.Optimizer;
  readonly discriminatorModeInGeneratorStep: DiscriminatorMode;
  /** Iterations finished before this one. */
  readonly iteration: number;
  /** The next seed of the run's random stream (latents, labels, augmentations, penalties draw from it in order). */
  seed(): number;
  /** `n` latent points for training, from the run's stream. */
  latent(n: number): tf.Tensor2D;
}

/** Class labels for `n` generated samples, drawn from the run's stream; undefined in an unconditional run. */
export function drawFakeLabels(ctx: UpdateContext, n: number): tf.Tensor1D | undefined {
  return ctx.conditioning && sampleLabels(n, ctx.conditioning.classes, ctx.seed());
}

/** `images` as D sees them after every augmentation (inside the update's tape). */
function augmented(ctx: UpdateContext, images: tf.Tensor, batch: AugmentedBatch, step: AugmentedStep): tf.Tensor {
  let x = images;
  for (const a of ctx.augmentations) x = a.apply(x, { batch, step, iteration: ctx.iteration, seed: ctx.seed() });
  return x;
}

function regularized(ctx: UpdateContext, target: 'generator' | 'discriminator', batch: Batch): RegularizedUpdate {
  return { target, generator: ctx.generator, discriminator: ctx.discriminator, ...batch };
}

/**
 * One optimizer step of D on `given` (a real half, a fake half, or both): the loss's terms on D's outputs, the
 * loss's own penalty (WGAN-GP's) when both halves are there, and the regularizers', each logged.
 */
export function discriminatorUpdate(ctx: UpdateContext, logs: IterationLogs, given: Batch, targets: { real?: tf.Tensor; fake?: tf.Tensor }): void {
  const { realLabels, fakeLabels } = given;
  const total = optimizerStep(ctx.discriminatorOptimizer, ctx.discriminator, () => {
    const real = given.real && augmented(ctx, given.real, 'real', 'discriminator');
    const fake = given.fake && augmented(ctx, given.fake, 'fake', 'discriminator');
    const batch = { real, fake };
    const { real: realOut, fake: fakeOut } = discriminateHalves(ctx.discriminator, { real, fake, realLabels, fakeLabels });
    const terms = ctx.loss.discriminatorLoss({
      real: realOut?.source,
      fake: fakeOut?.source,
      realTargets: real && targets.real,
      fakeTargets: fake && targets.fake,
      ...(ctx.conditioning ? { realLabels: real && realLabels, fakeLabels: fake && fakeLabels, realClassLogits: realOut?.classes, fakeClassLogits: fakeOut?.classes } : {}),
    });
    logs.addDiscriminatorStep(terms, { real: realOut?.source, fake: fakeOut?.source }, accuracyThreshold(ctx.loss));
    const parts = [terms.total];
    if (real && fake && ctx.loss.discriminatorPenalty) {
      const penalty = ctx.loss.discriminatorPenalty({ discriminator: ctx.discriminator, real, fake, seed: ctx.seed() });
      logs.addAll({ ...penalty.terms, ...penalty.metrics });
      parts.push(penalty.total);
    }
    parts.push(...regularizerPenalties(ctx.regularizers, regularized(ctx, 'discriminator', batch), logs));
    return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
  });
  logs.add('dLoss', total);
  ctx.loss.afterDiscriminatorUpdate?.(ctx.discriminator);
  // The augmented batches lived inside the tape (tfjs freed them with its forward pass): after the update the regularizers see the batch as given.
  afterRegularizedUpdate(ctx.regularizers, regularized(ctx, 'discriminator', given));
}

/**
 * One optimizer step of G on `n` fresh samples: the loss's generator terms (relativistic losses also see
 * `last`, the iteration's last real batch) plus the regularizers acting on G, or only those when one replaces
 * the loss (feature matching).
 */
export function generatorUpdate(ctx: UpdateContext, logs: IterationLogs, n: number, last: LastReal): void {
  const replaced = ctx.regularizers.some((r) => r.target === 'generator' && r.replacesLoss);
  const fakeLabels = drawFakeLabels(ctx, n);
  try {
    const total = optimizerStep(ctx.generatorOptimizer, ctx.generator, () => {
      const fake = generateWith(ctx.generator, ctx.latent(n), fakeLabels, true);
      const training = ctx.discriminatorModeInGeneratorStep === 'training';
      const out = discriminateWith(ctx.discriminator, augmented(ctx, fake, 'fake', 'generator'), fakeLabels, training);
      // Relativistic losses compare G's samples with real ones in G's step too.
      const realOut = ctx.loss.needsRealInGeneratorStep ? discriminateWith(ctx.discriminator, augmented(ctx, last.images, 'real', 'generator'), last.labels, training).source : undefined;
      const terms = ctx.loss.generatorLoss({ fake: out.source, real: realOut, ...(ctx.conditioning ? { fakeLabels, fakeClassLogits: out.classes } : {}) });
      logs.add('gLoss', terms.total);
      logs.addAll({ ...terms.terms, ...terms.metrics });
      const parts = [...(replaced ? [] : [terms.total]), ...regularizerPenalties(ctx.regularizers, regularized(ctx, 'generator', { real: last.images, fake }), logs)];
      return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
    });
    logs.add('gTotal', total);
  } finally {
    fakeLabels?.dispose();
  }
  afterRegularizedUpdate(ctx.regularizers, regularized(ctx, 'generator', { real: last.images }));
}
