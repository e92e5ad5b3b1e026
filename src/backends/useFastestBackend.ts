import * as tf from '@tensorflow/tfjs';
import { checkWasmModule, checkWasmPaths, initWasmBackend, MAX_WASM_THREADS, type TfjsWasmModule, type WasmPaths } from './wasm/init.js';
import { importOptional } from '../internal/optionalImport.js';
import { isNode } from './wasm/nodeThreads.js';
import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

const BACKENDS: readonly BackendName[] = ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'];

/** Names of the backends {@link useFastestBackend} can pick. */
export type BackendName = 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Options of {@link useFastestBackend}. */
export interface UseFastestBackendOptions {
  /** Backends to try, in order. @defaultValue ['tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu'] */
  prefer?: BackendName[];
  /**
   * Threads of the WASM backend (1 to 64). In a page they need cross-origin
   * isolation (COOP/COEP headers); without it the backend runs on one.
   * @defaultValue all cores (up to 8) in Node and in a cross-origin-isolated page, else 1
   */
  threads?: number;
  /**
   * Where the page serves tfjs-backend-wasm's `.wasm` files: a folder URL ending
   * in `/` or a map from file name to URL (as `initWasmBackend` of `gan-hacks/wasm` takes it).
   * @defaultValue tfjs's default (beside the page's script)
   */
  wasmPaths?: WasmPaths;
  /**
   * The `@tensorflow/tfjs-backend-wasm` module, for a page built by a bundler
   * (`import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm'`).
   * @defaultValue imported at run time when it can be (Node, import maps)
   */
  wasmModule?: TfjsWasmModule;
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

/** Whether importing an optional peer by its run-time name worked. */
async function optionalImport(name: string): Promise<boolean> {
  return (await importOptional(name)) !== undefined;
}

/** `navigator.hardwareConcurrency` in a cross-origin-isolated page (where WASM threads work), else undefined. */
function isolatedPageCores(): number | undefined {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return g.crossOriginIsolated === true ? g.navigator?.hardwareConcurrency : undefined;
}

/**
 * Picks and activates the fastest backend available without downloads:
 * tfjs-node-gpu or tfjs-node when importable ('tensorflow'), WebGPU (when
 * `@tensorflow/tfjs-backend-webgpu` is loaded and the browser has an adapter)
 * or WebGL in a browser, else WASM with gan-hacks' training kernels
 * (multithreaded in Node and in cross-origin-isolated pages), else the
 * pure-JS CPU backend. Returns and logs which, and why.
 *
 * In a page built by a bundler, import the backends you want yourself, so
 * that your bundler includes them (gan-hacks names no optional peer where a
 * bundler would try to resolve it); see docs/browser.md.
 *
 * @example
 * ```ts
 * const { backend, reason } = await useFastestBackend();
 * ```
 * @example In a page:
 * ```ts
 * import '@tensorflow/tfjs-backend-webgpu'; // registers 'webgpu'
 * import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';
 * await useFastestBackend({ wasmModule: tfjsWasm, wasmPaths: '/wasm/' });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for options that are not an object, a `prefer` that is
 * not a non-empty list of backend names, a `threads` that is not a positive integer or a `log`
 * that is neither a function nor `false`, a bad `wasmPaths` or `wasmModule`; `INVALID_RANGE` above 64 threads. The promise
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
    assertAtMost('useFastestBackend: threads', options.threads, MAX_WASM_THREADS);
  }
  if (options.wasmPaths !== undefined) checkWasmPaths('useFastestBackend', options.wasmPaths);
  if (options.wasmModule !== undefined) checkWasmModule('useFastestBackend', options.wasmModule);
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
      // WebGL ships with @tensorflow/tfjs; WebGPU registers when its package is imported (by the page, or here through an import map).
      if (name === 'webgpu' && !tf.engine().registryFactory.webgpu) await optionalImport('@tensorflow/tfjs-backend-webgpu');
      if (name === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
        tried.push('webgpu: this browser has no navigator.gpu');
        continue;
      }
      const software = name === 'webgl' ? softwareWebgl() : undefined;
      if (software !== undefined && prefer.slice(prefer.indexOf(name) + 1).includes('wasm')) {
        // Measured in Chromium on SwiftShader: one B1 iteration takes ~180 times as long as on WASM.
        tried.push(`webgl renders in software here (${software}): WASM is faster on a CPU`);
        continue;
      }
      if (tf.engine().registryFactory[name] && (await tf.setBackend(name).catch(() => false))) {
        choice = { backend: name, reason: `${name} is registered and started in this browser${software ? ` (rendering in software: ${software})` : ''}` };
        if (name === 'webgl') choice.reason += fitConvolutionsInTextures();
        break;
      }
      tried.push(tf.engine().registryFactory[name] ? `${name} failed to start` : `${name} not registered (import @tensorflow/tfjs-backend-${name})`);
    } else if (name === 'wasm') {
      const cores = node ? nodeCores() : isolatedPageCores();
      const threads = options.threads ?? (cores === undefined ? undefined : Math.min(8, cores));
      try {
        const info = await initWasmBackend({ threads, wasmPaths: options.wasmPaths, wasmModule: options.wasmModule });
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

/** The WebGL renderer's name when it is a software rasterizer (SwiftShader, llvmpipe), else undefined. */
function softwareWebgl(): string | undefined {
  const doc = (globalThis as { document?: { createElement?: (tag: string) => unknown } }).document;
  const canvas = doc?.createElement?.('canvas') as HTMLCanvasElement | undefined;
  const gl = (canvas?.getContext('webgl2') ?? canvas?.getContext('webgl')) as WebGLRenderingContext | null | undefined;
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : undefined;
}

/**
 * tfjs's WebGL convolutions unroll their input into one matrix texture (im2col); for B1's generator
 * that is 8870 x 8870 texels, beyond the 8192 that many GPUs (and SwiftShader) allow, and training
 * fails. Where the limit is below 16384, the direct convolution shader is used instead.
 */
function fitConvolutionsInTextures(): string {
  const max = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
  if (!(max < 16384) || !tf.env().getBool('WEBGL_CONV_IM2COL')) return '';
  tf.env().set('WEBGL_CONV_IM2COL', false);
  return `; textures up to ${max} px, so convolutions run without im2col (WEBGL_CONV_IM2COL off: the unrolled matrix of a 28x28 DCGAN exceeds that size)`;
}
