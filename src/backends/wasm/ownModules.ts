import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { GanHacksError } from '../../errors/index.js';
import type { KernelContext, TensorInfo } from './kernelContext.js';

interface WasmModuleMemory {
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  // atob: in pages, workers and Node ≥ 16 alike.
  return Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
}

/** Per module (keyed by its non-shared bytes), one instance per heap: a backend instance's memory. */
const instances = new Map<string, WeakMap<WebAssembly.Memory, WebAssembly.Exports | null>>();

/**
 * The exports of one of gan-hacks' own WebAssembly modules, instantiated on `backend`'s heap so that it reads and
 * writes tfjs's tensors in place; null where it cannot run (no WebAssembly SIMD, or a tfjs build that hides its
 * memory), and callers then take another path. `bytes` imports a non-shared memory, `sharedBytes` the threaded
 * build's shared one. Compiled once per heap, synchronously: each module is under the 4 KB a page's main thread
 * may compile that way.
 */
export function ownModule(backend: BackendWasm, bytes: string, sharedBytes: string): WebAssembly.Exports | null {
  const module = backend.wasm as unknown as WasmModuleMemory;
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!memory) return null;
  let perHeap = instances.get(bytes);
  if (!perHeap) instances.set(bytes, (perHeap = new WeakMap()));
  const known = perHeap.get(memory);
  if (known !== undefined) return known;
  let exports: WebAssembly.Exports | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const compiled = new WebAssembly.Module(decode(shared ? sharedBytes : bytes));
    exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
  } catch {
    exports = null;
  }
  perHeap.set(memory, exports);
  return exports;
}

/** The byte offset of `t`'s data in the WASM heap. */
export function heapOffset(ctx: KernelContext, t: TensorInfo): number {
  const data = ctx.backend.dataIdMap.get(t.dataId);
  if (!data) throw new GanHacksError('INVALID_ARGUMENT', 'gan-hacks/wasm: a kernel operand has no data on the WASM heap.');
  return data.memoryOffset;
}
