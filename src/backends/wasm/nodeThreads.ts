import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';

/** Node's `process.getBuiltinModule` (Node ≥ 20.16), reached without an import so bundlers for browsers never see `node:` modules. */
function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/** Whether this is Node.js (where tfjs disables the threaded WASM build). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

interface NodeModules {
  fs: typeof import('node:fs');
  os: typeof import('node:os');
  path: typeof import('node:path');
  module: typeof import('node:module');
}

function nodeModules(): NodeModules | undefined {
  const fs = builtin<NodeModules['fs']>('node:fs');
  const os = builtin<NodeModules['os']>('node:os');
  const path = builtin<NodeModules['path']>('node:path');
  const module = builtin<NodeModules['module']>('node:module');
  return fs && os && path && module ? { fs, os, path, module } : undefined;
}

/**
 * Prepares tfjs-backend-wasm's threaded build to start in Node, then
 * initialises the `wasm` backend with `threads` threads. Must run before the
 * backend is first initialised.
 *
 * tfjs switches the threaded build off in Node and, in browsers, hands its
 * worker script to Emscripten as a blob URL, which Node's worker_threads
 * cannot load. Here the worker script is written to a temporary file (with a
 * shim that passes it the main script's path instead of a Blob), the blob URL
 * is swapped for that path while the backend starts, and Emscripten's core
 * count is raised for that moment: tfjs sizes its pool at half the logical
 * cores, assuming two hyperthreads per core.
 *
 * @returns the number of threads the backend reports.
 */
export async function initThreadedWasmInNode(wasmModule: typeof import('@tensorflow/tfjs-backend-wasm'), threads: number, baseUrl: string): Promise<number> {
  const m = nodeModules();
  if (!m) throw new GanHacksError('BACKEND_UNAVAILABLE', `gan-hacks/wasm: threaded WASM in Node needs process.getBuiltinModule (Node >= 20.16), this is Node ${String((globalThis as { process?: { version?: string } }).process?.version)}. Upgrade Node, or pass { threads: 1 }.`);
  const require = m.module.createRequire(baseUrl);
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
    wasmWorkerContents: string;
  };
  const dir = m.fs.mkdtempSync(m.path.join(m.os.tmpdir(), 'gan-hacks-wasm-'));
  const workerPath = m.path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  // tfjs escapes newlines the same way before it makes its Blob.
  const shim = `\n;(function(){var original=self.onmessage;self.onmessage=function(e){if(e.data&&e.data.cmd==='load'&&typeof e.data.urlOrBlob!=='string'){e.data.urlOrBlob=${JSON.stringify(mainScript)};}return original(e);};})();\n`;
  m.fs.writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, '\\n') + shim);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasmModule.setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  const cpus = m.os.cpus;
  URL.createObjectURL = ((obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? workerPath : createObjectURL(obj))) as typeof URL.createObjectURL;
  m.os.cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, threads * 2) }, (_, i) => real[i % real.length]);
  };
  try {
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new GanHacksError('BACKEND_UNAVAILABLE', `gan-hacks/wasm: the threaded WASM backend (threads: ${threads}) failed to start: tf.setBackend('wasm') returned false. Try { threads: 1 }.`);
  } finally {
    URL.createObjectURL = createObjectURL;
    m.os.cpus = cpus;
  }
  // Emscripten's pool threads would otherwise keep Node's event loop alive
  // after the program's own work is done.
  const pthreads = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers?: { unref?: () => void }[]; unusedWorkers?: { unref?: () => void }[] } } }).wasm?.PThread;
  for (const w of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) w.unref?.();
  return wasmModule.getThreadsCount();
}
