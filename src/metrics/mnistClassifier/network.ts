import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';

/**
 * The classifier's architecture: each convolution ('same' padding, ReLU) is
 * followed by a 2×2 max pool (28 → 14 → 7 → 3), then a ReLU dense layer whose
 * output are the features, then a linear layer to the 10 logits.
 * @internal
 */
export const MNIST_CNN_ARCHITECTURE = {
  input: [28, 28, 1],
  convolutions: [
    { filters: 16, kernelSize: 5 },
    { filters: 32, kernelSize: 5 },
    { filters: 64, kernelSize: 3 },
  ],
  features: 128,
  classes: 10,
} as const;

/** A weight as stored in the package: tfjs's weights-manifest entry. @internal */
export interface EmbeddedWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' } | { dtype: 'uint8'; scale: number; min: number };
}

/** The network's weights as the package embeds them. @internal */
export interface EmbeddedWeights {
  specs: readonly EmbeddedWeightSpec[];
  /** The weight bytes (in `specs` order, each as its quantization says), base64. */
  base64: string;
}

/**
 * Builds the network, randomly initialised (He-normal kernels seeded from
 * `seed`, zero biases): one model with two outputs, `[features, logits]`.
 * @internal
 */
export function buildMnistCnn(seed: number): tf.LayersModel {
  const a = MNIST_CNN_ARCHITECTURE;
  const input = tf.input({ shape: [...a.input] });
  let x: tf.SymbolicTensor = input;
  a.convolutions.forEach((c, i) => {
    x = tf.layers
      .conv2d({ name: `conv${i + 1}`, filters: c.filters, kernelSize: c.kernelSize, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed * 100 + i }) })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  const features = tf.layers
    .dense({ name: 'features', units: a.features, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed * 100 + 50 }) })
    .apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ name: 'logits', units: a.classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 100 + 51 }) })
    .apply(features) as tf.SymbolicTensor;
  return tf.model({ name: 'gan-hacks-mnist-cnn', inputs: input, outputs: [features, logits] });
}

/** Weight names as the specs store them: the layer's name and the weight's role, without tfjs's uniquifying suffixes. @internal */
export function weightNames(model: tf.LayersModel): string[] {
  return model.layers.flatMap((layer) => layer.weights.map((w) => `${layer.name}/${w.originalName.split('/').pop()}`));
}

/** Base64 to bytes, in Node and in pages (atob is global in both). */
function fromBase64(base64: string): ArrayBuffer {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes.buffer;
}

/**
 * Builds the network and sets its weights from their embedded form; the
 * specs must list the network's weights in order, with their shapes.
 * @internal
 */
export function loadMnistCnn(embedded: EmbeddedWeights): tf.LayersModel {
  const model = buildMnistCnn(0);
  const names = weightNames(model);
  const mismatch = embedded.specs.length !== names.length || embedded.specs.some((s, i) => s.name !== names[i] || s.shape.join() !== model.weights[i].shape.join());
  if (mismatch) {
    model.dispose();
    throw new GanHacksError('CHECKPOINT_INVALID', `mnistClassifier: the embedded weights do not fit the network (expected ${names.join(', ')}); rebuild them with scripts/train-mnist-classifier.ts.`);
  }
  const decoded = tf.io.decodeWeights(fromBase64(embedded.base64), [...embedded.specs]);
  const tensors = embedded.specs.map((s) => decoded[s.name]);
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
  return model;
}
