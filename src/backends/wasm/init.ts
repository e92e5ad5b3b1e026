import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';
import { assertAtMost, assertPositiveInteger, optionsObject, show, warnDeprecated } from '../../internal/validate.js';
import { registerWasmTrainingKernels } from './register.js';
import { initThreadedWasmInNode, isNode } from './nodeThreads.js';

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
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (cause) {
    throw new GanHacksError('MISSING_PEER', 'The WASM backend needs the optional peer @tensorflow/tfjs-backend-wasm: npm install @tensorflow/tfjs-backend-wasm', { cause });
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
      return { backend: 'wasm', threads: await initThreadedWasmInNode(threads, base ?? import.meta.url) };
    }
    if (threads !== undefined) wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) {
      throw new GanHacksError('BACKEND_UNAVAILABLE', 'The WASM backend failed to start: tf.setBackend("wasm") returned false. Check that the .wasm files are reachable (setWasmPaths in browsers).');
    }
    return { backend: 'wasm', threads: wasm.getThreadsCount() };
  } catch (cause) {
    if (cause instanceof GanHacksError) throw cause;
    throw new GanHacksError('BACKEND_UNAVAILABLE', `The WASM backend failed to start: ${(cause as Error).message}`, { cause });
  }
}
