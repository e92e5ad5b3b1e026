import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MinimaxGAN, Trainer, spectralNormalization } from '../../src/index.js';
import { finalActivation } from '../../src/train/options.js';
import { tinyGenerator } from './tiny.js';

describe('the loss / final activation check', () => {
  it('reads the activation inside a spectralNormalization wrapper', () => {
    const d = (activation: 'sigmoid' | 'linear') =>
      tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), spectralNormalization(tf.layers.dense({ units: 1, activation }))] });
    const sigmoid = d('sigmoid');
    const linear = d('linear');
    expect(finalActivation(sigmoid)).toBe('sigmoid');
    expect(finalActivation(linear)).toBe('linear');
    const g = tinyGenerator(1);
    expect(() => new Trainer({ generator: g, discriminator: sigmoid, latentDim: 3, loss: new MinimaxGAN({ fromLogits: true }) })).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_OPTIONS' }));
    expect(() => new Trainer({ generator: g, discriminator: linear, latentDim: 3, loss: new MinimaxGAN() })).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_OPTIONS' }));
    // The default loss follows the wrapped activation: logits for a linear wrapped output.
    expect(new Trainer({ generator: g, discriminator: linear, latentDim: 3 }).loss.output).toBe('logit');
    [sigmoid, linear, g].forEach((m) => m.dispose());
  });

  it("reads a two-headed model's first output's layer", () => {
    const x = tf.input({ shape: [4] });
    const source = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
    const classes = tf.layers.dense({ units: 3 }).apply(x) as tf.SymbolicTensor;
    const m = tf.model({ inputs: x, outputs: [source, classes] });
    expect(finalActivation(m)).toBe('sigmoid');
    m.dispose();
  });
});
