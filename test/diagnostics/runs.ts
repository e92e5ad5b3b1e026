import * as tf from '@tensorflow/tfjs';
import { DiversityProbe, Trainer, dcganAdam, dcganNormal, loadMnist, type History } from '../../src/index.js';

/** 8x8 MNIST digits in [-1, 1]: small enough for real training runs on the CPU backend. */
export async function smallDigits(n = 1000): Promise<tf.Tensor4D> {
  const { images, labels } = await loadMnist({ limit: n });
  const small = tf.tidy(() => tf.image.resizeBilinear(images, [8, 8]).clipByValue(-1, 1) as tf.Tensor4D);
  tf.dispose([images, labels]);
  return small;
}

function mlp(units: number[], input: number[], seed: number, output: 'tanh' | 'sigmoid', outShape?: number[]): tf.Sequential {
  const init = dcganNormal({ seed, stddev: 0.1 });
  const m = tf.sequential();
  if (input.length > 1) m.add(tf.layers.flatten({ inputShape: input }));
  else m.add(tf.layers.inputLayer({ inputShape: input }));
  for (const u of units) {
    m.add(tf.layers.dense({ units: u, kernelInitializer: init }));
    m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  }
  m.add(tf.layers.dense({ units: outShape ? outShape.reduce((a, b) => a * b) : 1, activation: output, kernelInitializer: init }));
  if (outShape) m.add(tf.layers.reshape({ targetShape: outShape }));
  return m;
}

/** A balanced setup (DCGAN Adam, matched capacities) and a broken one (a much larger D with aggressive Adam, G starved). */
export async function recordRun(kind: 'healthy' | 'broken' | 'collapsed', data: tf.Tensor4D, iterations = 300, seed = 1): Promise<History> {
  const latentDim = kind === 'collapsed' ? 1 : 8;
  const generator = mlp(kind === 'collapsed' ? [16] : [64], [latentDim], seed, 'tanh', [8, 8, 1]);
  const discriminator = mlp(kind === 'broken' ? [128, 128] : [64], [8, 8, 1], seed + 1, 'sigmoid');
  const trainer = new Trainer({
    generator,
    discriminator,
    latentDim,
    seed,
    optimizers:
      kind === 'broken'
        ? { generator: tf.train.adam(0.00001, 0.5), discriminator: tf.train.adam(0.005, 0.9) }
        : { generator: dcganAdam({ learningRate: 0.001 }), discriminator: dcganAdam({ learningRate: 0.001 }) },
    hooks: [new DiversityProbe({ real: data.slice(0, 200), every: 25 })],
  });
  const history = await trainer.fit(data, { batchSize: 64, iterations });
  generator.dispose();
  discriminator.dispose();
  return history;
}
