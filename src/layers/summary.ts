import type * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { assertLayersModel } from '../internal/validate.js';

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
 * @throws GanHacksError `INVALID_ARGUMENT` unless `model` is a tf.LayersModel with an output.
 */
export function modelSummary(model: tf.LayersModel): ModelSummary {
  assertLayersModel('modelSummary: model', model);
  if (!Array.isArray(model.outputs) || model.outputs.length === 0) {
    throw new GanHacksError('INVALID_ARGUMENT', 'modelSummary: the model has no outputs (an empty tf.sequential?); add layers first.');
  }
  const trainable = countWeights(model.trainableWeights);
  const nonTrainable = countWeights(model.nonTrainableWeights);
  const out = model.outputs[0].shape.slice(1).map((d) => d ?? -1);
  return { total: trainable + nonTrainable, trainable, nonTrainable, outputShape: out };
}
