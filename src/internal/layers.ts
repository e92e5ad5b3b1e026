import * as tf from '@tensorflow/tfjs';

/** Every layer of a model, the layers of nested models included (depth first). */
export function* layersOf(model: tf.LayersModel): Generator<tf.layers.Layer> {
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) yield* layersOf(layer);
    else yield layer;
  }
}
