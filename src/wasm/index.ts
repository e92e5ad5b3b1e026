/**
 * `gan-hacks/wasm`: fast CPU training on `@tensorflow/tfjs-backend-wasm`.
 *
 * Importing this entry changes nothing global: {@link initWasmBackend} loads
 * the backend and registers the training kernels, once; start the backend
 * yourself and call {@link registerWasmTrainingKernels} if you need to.
 *
 * @example
 * ```ts
 * import { initWasmBackend } from 'gan-hacks/wasm';
 * await initWasmBackend({ threads: 2 });
 * ```
 * @module gan-hacks/wasm
 */
export { registerWasmTrainingKernels, wasmTrainingKernelsRegistered, WASM_TRAINING_KERNELS } from '../backends/wasm/register.js';
export { initWasmBackend, MAX_WASM_THREADS, type InitWasmBackendOptions, type WasmBackendInfo, type WasmPaths, type TfjsWasmModule } from '../backends/wasm/init.js';
export { conv2dBackpropFilter } from '../backends/wasm/conv2dBackpropFilter.js';
export { conv2dBackpropInput } from '../backends/wasm/conv2dBackpropInput.js';
