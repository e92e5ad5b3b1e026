import * as tf from '@tensorflow/tfjs';

/**
 * Comparison ops that tfjs 4.22 registers no gradient for. Their outputs are
 * boolean masks, piecewise constant in the inputs, so zero is the true
 * gradient; tfjs needs one to differentiate through LeakyReLU's (and
 * clipping's, max's...) own gradient, which a gradient penalty does.
 */
const COMPARISONS = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'] as const;

let registered = false;

/**
 * Registers zero gradients for the comparison ops that lack one, so that
 * gradients of gradients work (needed by {@link gradientPenalty}). Idempotent;
 * never replaces a gradient that is already registered.
 */
export function enableSecondOrderGradients(): void {
  if (registered) return;
  for (const kernelName of COMPARISONS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [a, b] = saved;
        return { a: () => tf.zerosLike(a).toFloat(), b: () => tf.zerosLike(b).toFloat() };
      },
    });
  }
  registered = true;
}
