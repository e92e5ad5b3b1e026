/**
 * `gan-hacks/wasm`: fast CPU training on `@tensorflow/tfjs-backend-wasm`.
 * Importing this entry registers the training kernels.
 *
 * @example
 * ```ts
 * import { initWasmBackend } from 'gan-hacks/wasm';
 * await initWasmBackend({ threads: 2 });
 * ```
 * @module
 */
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../backends/wasm/register.js';

registerWasmTrainingKernels();

export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../backends/wasm/register.js';
export { initWasmBackend, type InitWasmBackendOptions, type WasmBackendInfo } from '../backends/wasm/init.js';
export { conv2dBackpropFilter } from '../backends/wasm/conv2dBackpropFilter.js';
export { conv2dBackpropInput } from '../backends/wasm/conv2dBackpropInput.js';
