import * as tf from '@tensorflow/tfjs';
import { initWasmBackend } from './wasm/init.js';
import { isNode } from './wasm/nodeThreads.js';
import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** Most WASM threads one may ask for. */
const MAX_THREADS = 256;

/** Names of the backends {@link useFastestBackend} can pick. */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Options of {@link useFastestBackend}. */
export interface UseFastestBackendOptions {
  /** Backends to try, in order. @defaultValue ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] */
  prefer?: BackendName[];
  /** Threads of the WASM backend (1 to 256). @defaultValue all cores in Node (up to 8), tfjs's default in browsers */
  threads?: number;
  /** Where to report the choice. @defaultValue console.log; `false` for silence */
  log?: ((message: string) => void) | false;
}

/** What {@link useFastestBackend} chose. */
export interface BackendChoice {
  backend: BackendName;
  /** Why, including what was tried and failed. */
  reason: string;
  /** Threads of the WASM backend, when chosen. */
  threads?: number;
}

/** Imports a module by a computed name, so bundlers do not try to include optional peers. */
async function optionalImport(name: string): Promise<boolean> {
  try {
    await import(/* webpackIgnore: true */ /* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks and activates the fastest backend available without downloads:
 * tfjs-node-gpu or tfjs-node when importable ('tensorflow'), WebGPU or WebGL
 * in a browser, else WASM with gan-hacks' training kernels (multithreaded in
 * Node), else the pure-JS CPU backend. Returns and logs which, and why.
 *
 * @example
 * ```ts
 * const { backend, reason } = await useFastestBackend();
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, a `prefer` that is
 * not a non-empty list of backend names, a `threads` that is not a positive integer or a `log`
 * that is neither a function nor `false`; `INVALID_RANGE` above 256 threads. The promise
 * rejects before any backend is touched.
 */
export async function useFastestBackend(options?: UseFastestBackendOptions | null): Promise<BackendChoice> {
  options = optionsObject('useFastestBackend', options);
  const prefer = options.prefer ?? ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];
  if (!Array.isArray(prefer) || prefer.length === 0 || prefer.some((b) => !BACKENDS.includes(b))) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `useFastestBackend: prefer must be a non-empty list of ${BACKENDS.map((b) => JSON.stringify(b)).join(', ')}, got ${Array.isArray(prefer) ? `[${prefer.map((b) => show(b)).join(', ')}]` : show(prefer)}.`,
    );
  }
  if (options.threads !== undefined) {
    assertPositiveInteger('useFastestBackend: threads', options.threads);
    assertAtMost('useFastestBackend: threads', options.threads, MAX_THREADS);
  }
  if (options.log !== undefined && options.log !== false && typeof options.log !== 'function') {
    throw new GanHacksError('INVALID_ARGUMENT', `useFastestBackend: log must be a function or false, got ${show(options.log)}.`);
  }
  const log = options.log === false ? undefined : (options.log ?? ((m: string) => console.log(m)));
  const tried: string[] = [];
  const node = isNode();
  let choice: BackendChoice | undefined;
  for (const name of prefer) {
    if (name === 'tensorflow') {
      if (!node) continue;
      const loaded = (await optionalImport('@tensorflow/tfjs-node-gpu')) || (await optionalImport('@tensorflow/tfjs-node'));
      if (loaded && tf.engine().registryFactory.tensorflow && (await tf.setBackend('tensorflow').catch(() => false))) {
        choice = { backend: 'tensorflow', reason: 'native TensorFlow from @tensorflow/tfjs-node(-gpu)' };
        break;
      }
      tried.push('tfjs-node(-gpu) not installed');
    } else if (name === 'webgpu' || name === 'webgl') {
      if (node) continue;
      if (tf.engine().registryFactory[name] && (await tf.setBackend(name).catch(() => false))) {
        choice = { backend: name, reason: `${name} is registered and started in this browser` };
        break;
      }
      tried.push(`${name} unavailable`);
    } else if (name === 'wasm') {
      const threads = options.threads ?? (node ? Math.min(8, nodeCores()) : undefined);
      try {
        const info = await initWasmBackend({ threads });
        choice = {
          backend: 'wasm',
          threads: info.threads,
          reason: `WASM (XNNPACK, SIMD) with gan-hacks' training kernels, ${info.threads} thread${info.threads === 1 ? '' : 's'}`,
        };
        break;
      } catch (e) {
        tried.push(`wasm: ${(e as Error).message}`);
      }
    } else if (name === 'cpu') {
      await tf.setBackend('cpu');
      choice = { backend: 'cpu', reason: 'pure-JS CPU backend (slow for conv nets)' };
      break;
    }
  }
  choice ??= { backend: tf.getBackend() as BackendName, reason: 'none of the preferred backends started; kept the current one' };
  if (tried.length) choice.reason += ` (tried first: ${tried.join('; ')})`;
  log?.(`[gan-hacks] backend: ${choice.backend}: ${choice.reason}`);
  return choice;
}

function nodeCores(): number {
  const os = (globalThis as { process?: { getBuiltinModule?: (n: string) => { availableParallelism?: () => number; cpus: () => unknown[] } } }).process?.getBuiltinModule?.('node:os');
  return os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
}
