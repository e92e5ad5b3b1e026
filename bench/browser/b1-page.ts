/**
 * The page of bench/browser-b1.ts: times the B1 iteration (D on 64 real + 64 fake images, G on 128)
 * with the Trainer on one backend, as bench/b1-step.ts does in Node. Bundled against dist/ by
 * test/browser/harness.ts; the bench calls `window.ganTest.b1(...)`.
 */
import * as tf from '@tensorflow/tfjs';
import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';
import { Trainer, failureModesDiscriminator, failureModesGenerator, useFastestBackend } from 'gan-hacks';

export interface B1PageRun {
  backend: string;
  threads: number | undefined;
  crossOriginIsolated: boolean;
  warmup: number;
  iterations: number;
  secondsPerIteration: number;
  /** Wall seconds of each timed iteration. */
  perIteration: number[];
}

async function b1(options: { backend: 'wasm' | 'webgl' | 'cpu'; threads?: number; iterations: number; warmup: number; flags?: Record<string, boolean | number> }): Promise<B1PageRun> {
  for (const [k, v] of Object.entries(options.flags ?? {})) tf.env().set(k, v);
  const choice = await useFastestBackend({ prefer: [options.backend], threads: options.threads, wasmModule: tfjsWasm, wasmPaths: '/wasm/', log: false });
  if (choice.backend !== options.backend) throw new Error(`asked for ${options.backend}, got ${choice.backend}: ${choice.reason}`);
  const real = tf.randomUniform([944, 28, 28, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
  const perIteration: number[] = [];
  let last = 0;
  // Times each iteration after the warm-up (the first iterations compile shaders and grow the WASM heap).
  const timer = {
    onIterationEnd(state: { iteration: number }) {
      const now = performance.now();
      if (state.iteration > options.warmup) perIteration.push((now - last) / 1000);
      last = now;
    },
  };
  const trainer = new Trainer({ generator: failureModesGenerator({ seed: 1 }), discriminator: failureModesDiscriminator({ seed: 2 }), latentDim: 50, seed: 1, hooks: [timer] });
  if (options.warmup > 0) await trainer.fit(real, { batchSize: 128, iterations: options.warmup });
  const start = performance.now();
  last = start;
  await trainer.fit(real, { batchSize: 128, iterations: options.warmup + options.iterations });
  const seconds = (performance.now() - start) / 1000;
  return {
    backend: choice.backend,
    threads: choice.threads,
    crossOriginIsolated: self.crossOriginIsolated,
    warmup: options.warmup,
    iterations: options.iterations,
    secondsPerIteration: seconds / options.iterations,
    perIteration,
  };
  // (the page is closed after each run: tfjs's backend cannot change its thread count once started)
}

(window as unknown as { ganTest: unknown }).ganTest = { b1 };
