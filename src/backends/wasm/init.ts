import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';
import { assertAtMost, assertPositiveInteger, optionsObject, show, warnDeprecated } from '../../internal/validate.js';
import { registerWasmTrainingKernels } from './register.js';
import { initThreadedWasmInNode, isNode } from './nodeThreads.js';
import { importOptional } from '../../internal/optionalImport.js';

/** The `@tensorflow/tfjs-backend-wasm` module (what `import * as m from '@tensorflow/tfjs-backend-wasm'` gives). */
export type TfjsWasmModule = typeof import('@tensorflow/tfjs-backend-wasm');

/** Where the WASM binaries are served: a folder URL ending in `/`, or a map from file name to URL (tfjs's `setWasmPaths`). */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

/**
 * Most threads {@link initWasmBackend} accepts. XNNPACK's pool gains little
 * past the physical cores, and every thread is a Worker with its own memory:
 * a mistyped `threads: 1000` is refused instead of starting a thousand workers.
 */
export const MAX_WASM_THREADS = 64;

/** Options of {@link initWasmBackend}. */
export interface InitWasmBackendOptions {
  /**
   * Threads for XNNPACK, a positive integer up to {@link MAX_WASM_THREADS}. In
   * Node, more than 1 starts tfjs's threaded build through a workaround
   * (tfjs switches it off there); in browsers it needs cross-origin
   * isolation. Ignored once the backend has started.
   * @defaultValue 1 in Node; tfjs's default in browsers
   */
  threads?: number;
  /**
   * The URL that `@tensorflow/tfjs-backend-wasm` is resolved from when Node
   * starts the threaded build (a file URL inside the project that installed it).
   * @defaultValue the URL of gan-hacks' own module
   */
  baseUrl?: string;
  /**
   * Where a page serves the `.wasm` files of `@tensorflow/tfjs-backend-wasm`
   * (copy them from its `dist/` folder): a folder URL ending in `/`, or a map
   * from file name to URL. Passed to tfjs's `setWasmPaths` before the backend
   * starts. Without it tfjs asks for them beside the page's script.
   * @defaultValue tfjs's default
   */
  wasmPaths?: WasmPaths;
  /**
   * The `@tensorflow/tfjs-backend-wasm` module itself, for a page built by a
   * bundler: `import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm'` and
   * pass `{ wasmModule: tfjsWasm }`. gan-hacks never names that optional peer
   * where a bundler would try to resolve it, so a page that does not use WASM
   * builds without it installed.
   * @defaultValue imported at run time (Node, or a page with an import map)
   */
  wasmModule?: TfjsWasmModule;
}

/** What {@link initWasmBackend} set up. */
export interface WasmBackendInfo {
  backend: 'wasm';
  threads: number;
}

/**
 * Loads `@tensorflow/tfjs-backend-wasm`, registers gan-hacks' training
 * kernels ({@link registerWasmTrainingKernels}) and makes `wasm` the active
 * backend. `null` or omitted options mean the defaults.
 *
 * @example
 * ```ts
 * import { initWasmBackend } from 'gan-hacks/wasm';
 * const { threads } = await initWasmBackend({ threads: 2 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when the options are not an object, `threads` is not a positive integer
 * or `baseUrl` not a string; `INVALID_RANGE` when `threads` exceeds {@link MAX_WASM_THREADS};
 * `MISSING_PEER` when `@tensorflow/tfjs-backend-wasm` is not installed; `BACKEND_UNAVAILABLE` when it fails to start.
 */
export function initWasmBackend(options?: InitWasmBackendOptions | null): Promise<WasmBackendInfo>;
/**
 * @deprecated Pass the URL as an option, `initWasmBackend({ ...options, baseUrl })`; this
 * signature warns once and goes away in the next minor version.
 */
export function initWasmBackend(options: InitWasmBackendOptions | null | undefined, baseUrl: string): Promise<WasmBackendInfo>;
export async function initWasmBackend(options?: InitWasmBackendOptions | null, baseUrl?: string): Promise<WasmBackendInfo> {
  const opts = optionsObject('initWasmBackend', options);
  if (opts.threads !== undefined) {
    assertPositiveInteger('initWasmBackend: threads', opts.threads, 'Pass e.g. { threads: 2 }, or omit it for the default.');
    assertAtMost('initWasmBackend: threads', opts.threads, MAX_WASM_THREADS, 'More threads than cores only adds workers.');
  }
  if (baseUrl !== undefined) {
    warnDeprecated('initWasmBackend(options, baseUrl)', 'initWasmBackend(options, baseUrl) goes away in the next minor version: pass initWasmBackend({ ...options, baseUrl }).');
  }
  const base = opts.baseUrl ?? baseUrl;
  if (base !== undefined && typeof base !== 'string') {
    throw new GanHacksError('INVALID_ARGUMENT', `initWasmBackend: baseUrl must be a URL string, got ${show(base)}. Pass e.g. { baseUrl: import.meta.url }.`);
  }
  if (opts.wasmPaths !== undefined) checkWasmPaths('initWasmBackend', opts.wasmPaths);
  if (opts.wasmModule !== undefined) checkWasmModule('initWasmBackend', opts.wasmModule);
  const wasm = opts.wasmModule ?? (await loadWasmModule());
  if (opts.wasmPaths !== undefined && !tf.engine().registry.wasm) {
    try {
      wasm.setWasmPaths(opts.wasmPaths as Record<string, string> | string);
    } catch (cause) {
      // tfjs-backend-wasm takes its paths once: after a start (or a failed one) it refuses new ones.
      throw new GanHacksError(
        'BACKEND_UNAVAILABLE',
        `The WASM backend cannot take wasmPaths ${JSON.stringify(opts.wasmPaths)}: ${(cause as Error).message}. tfjs-backend-wasm reads its paths once per page; fix them and reload.`,
        { cause },
      );
    }
  }
  registerWasmTrainingKernels();
  const threads = opts.threads ?? (isNode() ? 1 : undefined);
  try {
    if (tf.getBackend() === 'wasm' || tf.engine().registry.wasm) {
      // Already started: threads can no longer change.
      await tf.setBackend('wasm');
      return { backend: 'wasm', threads: wasm.getThreadsCount() };
    }
    if (isNode() && threads !== undefined && threads > 1) {
      return { backend: 'wasm', threads: await initThreadedWasmInNode(wasm, threads, base ?? import.meta.url) };
    }
    if (threads !== undefined) wasm.setThreadsCount(threads);
    if (!(await startWithCores(threads))) {
      const where = opts.wasmPaths === undefined ? 'tfjs looks beside the page\'s script; pass wasmPaths' : `wasmPaths is ${JSON.stringify(opts.wasmPaths)}`;
      throw new GanHacksError('BACKEND_UNAVAILABLE', `The WASM backend failed to start: tf.setBackend("wasm") returned false. Check that the .wasm files of @tensorflow/tfjs-backend-wasm are served where tfjs asks for them (${where}).`);
    }
    return { backend: 'wasm', threads: wasm.getThreadsCount() };
  } catch (cause) {
    if (cause instanceof GanHacksError) throw cause;
    throw new GanHacksError('BACKEND_UNAVAILABLE', `The WASM backend failed to start: ${(cause as Error).message}`, { cause });
  }
}

/** Imports `@tensorflow/tfjs-backend-wasm` by a run-time name (see importOptional for why). */
async function loadWasmModule(): Promise<TfjsWasmModule> {
  let cause: unknown;
  const wasm = await importOptional<TfjsWasmModule>('@tensorflow/tfjs-backend-wasm', (e) => (cause = e));
  if (wasm && typeof wasm.setWasmPaths === 'function') return wasm;
  throw new GanHacksError(
    'MISSING_PEER',
    isNode()
      ? 'The WASM backend needs the optional peer @tensorflow/tfjs-backend-wasm: npm install @tensorflow/tfjs-backend-wasm'
      : "The WASM backend could not import @tensorflow/tfjs-backend-wasm in this page. Install it, then pass the module: import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm'; initWasmBackend({ wasmModule: tfjsWasm, wasmPaths: '/wasm/' }).",
    { cause },
  );
}

/** Refuses a `wasmPaths` that is neither a URL string nor a map of file names to URL strings. */
export function checkWasmPaths(fn: string, paths: unknown): void {
  const ok =
    (typeof paths === 'string' && paths.length > 0) ||
    (paths !== null &&
      typeof paths === 'object' &&
      !Array.isArray(paths) &&
      Object.keys(paths).length > 0 &&
      Object.entries(paths).every(([k, v]) => /^tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/.test(k) && typeof v === 'string' && v.length > 0));
  if (!ok) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${fn}: wasmPaths must be a folder URL such as '/wasm/' or a map from 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm' or 'tfjs-backend-wasm-threaded-simd.wasm' to a URL, got ${show(paths)}.`,
    );
  }
}

/** Refuses a `wasmModule` that is not the tfjs-backend-wasm module. */
export function checkWasmModule(fn: string, module: unknown): void {
  const m = module as Partial<TfjsWasmModule> | null;
  if (m === null || typeof m !== 'object' || typeof m.setWasmPaths !== 'function' || typeof m.setThreadsCount !== 'function' || typeof m.getThreadsCount !== 'function') {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${fn}: wasmModule must be the @tensorflow/tfjs-backend-wasm module (import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm'), got ${show(module)}.`,
    );
  }
}

/**
 * Starts the backend in a page. tfjs-backend-wasm's native code caps its pool at half of
 * `navigator.hardwareConcurrency` whatever `setThreadsCount` asked (one thread on a two-core
 * machine), assuming two hyperthreads per core; for that moment the page's navigator reports
 * `threads × 2` cores, as Node's start does with os.cpus().
 */
async function startWithCores(threads: number | undefined): Promise<boolean> {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (threads === undefined || threads <= 1 || !nav || Object.prototype.hasOwnProperty.call(nav, 'hardwareConcurrency')) return tf.setBackend('wasm');
  Object.defineProperty(nav, 'hardwareConcurrency', { value: threads * 2, configurable: true });
  try {
    return await tf.setBackend('wasm');
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}
