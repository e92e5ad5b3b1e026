export { useFastestBackend, type UseFastestBackendOptions, type BackendChoice, type BackendName } from './useFastestBackend.js';
