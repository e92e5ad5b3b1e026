import * as tf from '@tensorflow/tfjs';

/** After an exception inside a gradient tape, tfjs keeps the tape's saved tensors; free them. */
function discardTape(): void {
  const state = (tf.engine() as unknown as { state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null } }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}

/**
 * One optimizer step of `model`'s trainable weights on the loss `f` returns;
 * returns that loss (the caller owns it). A loss that throws leaks nothing:
 * the gradient tape's saved tensors are freed before the error goes on.
 */
export function optimizerStep(optimizer: tf.Optimizer, model: tf.LayersModel, f: () => tf.Scalar): tf.Scalar {
  try {
    const { value, grads } = tf.variableGrads(f, model.trainableWeights.map((w) => w.read() as tf.Variable));
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return value;
  } catch (e) {
    discardTape();
    throw e;
  }
}

/** A page or a Web Worker: 'auto' yields there (a worker must yield too, or its messages, a pause, wait for the run). */
const inBrowser =
  (typeof window !== 'undefined' && typeof document !== 'undefined') ||
  (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'function' && globalThis instanceof (globalThis as unknown as { WorkerGlobalScope: new () => object }).WorkerGlobalScope);

/** `fit`'s yieldEvery in milliseconds, or undefined for never ('auto': a frame in a page or a worker, never in Node). */
export function yieldInterval(every: 'auto' | 'never' | number): number | undefined {
  if (every === 'auto') return inBrowser ? 16 : undefined;
  return every === 'never' ? undefined : every;
}

/**
 * Hands control to the event loop when `ms` have passed since `last`
 * (a macrotask, so a page can paint and timers fire); returns the time of the last yield.
 */
export async function yieldIfDue(ms: number | undefined, last: number): Promise<number> {
  if (ms === undefined || Date.now() - last < ms) return last;
  await nextTurn();
  return Date.now();
}

/**
 * One turn of the event loop: a MessageChannel message where there is one (pages, workers), which
 * lets the page render and handle input before the next iteration like setTimeout(0) does, but is
 * not clamped (4 ms once timers nest) or throttled (to once a second, then once a minute, in a hidden
 * tab) as a chain of timers is; a hidden tab keeps training at full speed.
 */
function nextTurn(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise<void>((resolve) => setTimeout(resolve, 0));
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
