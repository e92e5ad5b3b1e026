import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';
import { registerWasmTrainingKernels } from './register.js';
import { initThreadedWasmInNode, isNode } from './nodeThreads.js';

/** Options of {@link initWasmBackend}. */
export interface InitWasmBackendOptions {
  /**
   * Threads for XNNPACK. In Node, more than 1 starts tfjs's threaded build
   * through a workaround (see `initThreadedWasmInNode`); in browsers it needs
   * cross-origin isolation. @defaultValue 1 in Node; tfjs's default in browsers
   */
  threads?: number;
}

/** What {@link initWasmBackend} set up. */
export interface WasmBackendInfo {
  backend: 'wasm';
  threads: number;
}

/**
 * Registers the training kernels and makes `wasm` the active backend.
 *
 * @example
 * ```ts
 * import { initWasmBackend } from 'gan-hacks/wasm';
 * await initWasmBackend({ threads: 2 });
 * ```
 * @throws GanHacksError `BACKEND_UNAVAILABLE` when `@tensorflow/tfjs-backend-wasm` cannot be loaded or started.
 */
export async function initWasmBackend(options: InitWasmBackendOptions = {}, baseUrl?: string): Promise<WasmBackendInfo> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (cause) {
    throw new GanHacksError('MISSING_PEER', 'The WASM backend needs the optional peer @tensorflow/tfjs-backend-wasm: npm install @tensorflow/tfjs-backend-wasm', { cause });
  }
  registerWasmTrainingKernels();
  const threads = options.threads ?? (isNode() ? 1 : undefined);
  try {
    if (tf.getBackend() === 'wasm' || tf.engine().registry.wasm) {
      // Already started: threads can no longer change.
      await tf.setBackend('wasm');
      return { backend: 'wasm', threads: wasm.getThreadsCount() };
    }
    if (isNode() && threads !== undefined && threads > 1) {
      return { backend: 'wasm', threads: await initThreadedWasmInNode(threads, baseUrl ?? import.meta.url) };
    }
    if (threads !== undefined) wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    return { backend: 'wasm', threads: wasm.getThreadsCount() };
  } catch (cause) {
    throw new GanHacksError('BACKEND_UNAVAILABLE', `The WASM backend failed to start: ${(cause as Error).message}`, { cause });
  }
}
