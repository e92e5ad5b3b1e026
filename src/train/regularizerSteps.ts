import type * as tf from '@tensorflow/tfjs';
import type { Regularizer } from '../regularizers/types.js';
import type { IterationLogs } from './logs.js';

/** The models and batch a regularizer sees in one update. */
export interface RegularizedUpdate {
  target: Regularizer['target'];
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  real?: tf.Tensor;
  fake?: tf.Tensor;
}

/** The penalties of the regularizers acting on `target`, each logged under its name (inside the update's tape). */
export function regularizerPenalties(regularizers: readonly Regularizer[], update: RegularizedUpdate, logs: IterationLogs): tf.Scalar[] {
  const { target, generator, discriminator, real, fake } = update;
  const model = target === 'generator' ? generator : discriminator;
  return regularizers
    .filter((r) => r.target === target && (r.half === undefined || update[r.half] !== undefined))
    .map((r) => {
      const p = r.penalty({ model, discriminator, real, fake });
      logs.add(r.name, p.clone());
      return p;
    });
}

/** Lets the regularizers acting on `target` update their state after the optimizer step (historical averages). */
export function afterRegularizedUpdate(regularizers: readonly Regularizer[], update: RegularizedUpdate): void {
  const { target, generator, discriminator, real, fake } = update;
  const model = target === 'generator' ? generator : discriminator;
  for (const r of regularizers) if (r.target === target && (r.half === undefined || update[r.half] !== undefined)) r.afterUpdate?.({ model, discriminator, real, fake });
}
