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
 * The gradient of `tile`: each axis of dy folded into [reps, size] and summed
 * over the repeats. tfjs's own Tile gradient adds one slice of dy per tile
 * (nested loops over all repeats), which batch norm's gradient hits in a
 * gradient penalty: 6,272 Slice + Add kernels for an 8 × 28 × 28 × 64 batch,
 * ~75% of a WGAN-GP critic step with a batch-normalised critic on WASM.
 */
export function tileGradient(dy: tf.Tensor, xShape: readonly number[], reps: readonly number[]): tf.Tensor {
  // No tidy: tfjs runs gradient functions inside its own scope and frees the intermediates.
  let g = dy;
  for (let i = 0; i < reps.length; i++) {
    if (reps[i] === 1) continue;
    const before = g.shape.slice(0, i).reduce((a, b) => a * b, 1);
    const after = g.shape.slice(i + 1).reduce((a, b) => a * b, 1);
    // Along axis i, dy's index is repeat · size + j: rep-major, so [before, reps, size · after] splits it.
    const summed = g.reshape([before, reps[i], xShape[i] * after]).sum(1);
    g = summed.reshape([...g.shape.slice(0, i), xShape[i], ...g.shape.slice(i + 1)]);
  }
  return g;
}

/**
 * Registers zero gradients for the comparison ops that lack one, so that
 * gradients of gradients work (needed by {@link gradientPenalty} and the R1/R2
 * penalties); replaces the Sigmoid, Tanh and Exp gradients with ones computed
 * from the op's input (tfjs 4.22's, computed from its output, lose a term in a
 * gradient of a gradient; Elu's still does); and replaces
 * tfjs's Tile gradient with an equal one that runs in one reshape and sum per
 * tiled axis instead of one slice per tile.
 *
 * This is a global change to tfjs's gradient registry, made explicitly and
 * only here: idempotent (later calls do nothing), and never undone. Comparison
 * ops that already have a gradient (registered by tfjs or by you) are left as
 * they are. {@link gradientPenalty} calls it before it records the critic, so
 * `WGANGP` and the Trainer need no call; call it yourself before recording
 * ops whose gradients of gradients you take in your own code. tfjs binds an
 * op's gradient when the op is recorded, so ops recorded before the call keep
 * the old gradients.
 *
 * @example
 * ```ts
 * enableSecondOrderGradients();
 * const hessianVector = tf.grad((x) => tf.grad((y) => tf.leakyRelu(y).square().sum())(x).sum())(input);
 * ```
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
  // tfjs computes these gradients from the op's saved output, which its tape does not link back to the
  // input: a gradient of such a gradient (R1 through a tanh or sigmoid D) loses the term through the
  // output. The same derivatives from the saved input keep it; first-order values are unchanged (the
  // output is recomputed by the same kernel).
  const fromInput: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['Sigmoid', (x) => tf.sigmoid(x).mul(tf.sub(1, tf.sigmoid(x)))],
    ['Tanh', (x) => tf.sub(1, tf.tanh(x).square())],
    ['Exp', (x) => tf.exp(x)],
  ];
  for (const [kernelName, derivative] of fromInput) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({ x: () => (dy as tf.Tensor).mul(derivative(saved[0])) }),
    });
  }
  tf.registerGradient({
    kernelName: 'Tile',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x] = saved;
      const { reps } = attrs as unknown as { reps: number[] };
      return { x: () => tileGradient(dy as tf.Tensor, x.shape, reps) };
    },
  });
  registered = true;
}
