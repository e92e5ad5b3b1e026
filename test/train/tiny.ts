import * as tf from '@tensorflow/tfjs';
import { dcganNormal } from '../../src/index.js';

/** A tiny fully connected GAN on 4x4 images: fast on the CPU backend. */
export function tinyGenerator(seed = 1, latentDim = 3): tf.Sequential {
  const init = dcganNormal({ seed, stddev: 0.2 });
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [latentDim], kernelInitializer: init, activation: 'tanh' }),
      tf.layers.dense({ units: 16, kernelInitializer: init, activation: 'tanh' }),
      tf.layers.reshape({ targetShape: [4, 4, 1] }),
    ],
  });
}

export function tinyDiscriminator(
  seed = 2,
  options: { batchNorm?: boolean; output?: 'sigmoid' | 'linear'; dropout?: number } = {},
): tf.Sequential {
  const init = dcganNormal({ seed, stddev: 0.2 });
  const layers: tf.layers.Layer[] = [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 8, kernelInitializer: init })];
  if (options.batchNorm) layers.push(tf.layers.batchNormalization());
  layers.push(tf.layers.leakyReLU({ alpha: 0.2 }));
  if (options.dropout) layers.push(tf.layers.dropout({ rate: options.dropout }));
  layers.push(tf.layers.dense({ units: 1, activation: options.output ?? 'sigmoid', kernelInitializer: init }));
  return tf.sequential({ layers });
}

/** 64 "real" 4x4 images: a bright diagonal with a little noise, in [-1, 1]. */
export function tinyData(n = 64, seed = 3): tf.Tensor4D {
  return tf.tidy(() => {
    const eye = tf.eye(4).mul(2).sub(1).reshape([1, 4, 4, 1]);
    return eye.tile([n, 1, 1, 1]).add(tf.randomNormal([n, 4, 4, 1], 0, 0.1, 'float32', seed)).clipByValue(-1, 1) as tf.Tensor4D;
  });
}
