export { useFastestBackend, type UseFastestBackendOptions, type BackendChoice, type BackendName } from './useFastestBackend.js';
export type { WasmPaths, TfjsWasmModule } from './wasm/init.js';
