import type * as tf from '@tensorflow/tfjs';

/** Parameter counts of a model, as Keras's `model.summary()` reports them. */
export interface ModelSummary {
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Output shape without the batch dimension. */
  outputShape: number[];
}

function countWeights(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/**
 * Counts a model's parameters the way Keras's summary does.
 *
 * @example
 * ```ts
 * modelSummary(dcganGenerator({ latentDim: 20, outputShape: [28, 28, 1] }));
 * // { total: 817824, trainable: 804832, nonTrainable: 12992, outputShape: [28, 28, 1] }
 * ```
 */
export function modelSummary(model: tf.LayersModel): ModelSummary {
  const trainable = countWeights(model.trainableWeights);
  const nonTrainable = countWeights(model.nonTrainableWeights);
  const out = model.outputs[0].shape.slice(1).map((d) => d ?? -1);
  return { total: trainable + nonTrainable, trainable, nonTrainable, outputShape: out };
}
