/** Imports shared by the benchmark scripts. */
import * as tf from '@tensorflow/tfjs';
import { initWasmBackend } from 'gan-hacks/wasm';

export { Trainer, dcganAdam, failureModesDiscriminator, failureModesGenerator, dcganDiscriminator, dcganGenerator } from 'gan-hacks';

/** Activates `backend` ('cpu' or 'wasm' with `threads` threads). */
export async function initWasmBackendFor(backend: string, threads: number): Promise<void> {
  if (backend === 'wasm') await initWasmBackend({ threads });
  else await tf.setBackend('cpu');
}
