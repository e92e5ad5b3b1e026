import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A backend kernel's tensor handle (no engine bookkeeping). */
export type TensorInfo = tf.TensorInfo;

/**
 * Runs the WASM backend's own kernels from inside a kernel and frees every
 * intermediate it made. tf ops cannot be used there: a kernel runs inside the
 * engine's bookkeeping, so it must talk to the backend directly.
 */
export class KernelContext {
  private readonly temps: TensorInfo[] = [];
  private readonly aliases: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Calls the registered WASM kernel `name`; the result is freed by {@link dispose} unless kept. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new GanHacksError('BACKEND_UNAVAILABLE', `gan-hacks/wasm: the WASM backend has no '${name}' kernel; check that @tensorflow/tfjs-backend-wasm ^4.22 is installed and imported once.`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** Allocates an uninitialised float32 tensor on the WASM heap. */
  alloc(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32') as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /**
   * A view of a tensor's memory. Views die when the heap grows (any
   * allocation, {@link alias} included: registering a tensor can allocate),
   * so take them after the last allocation they must survive.
   */
  view(info: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(info as never) as Float32Array;
  }

  /** Excludes `info` from disposal: it is the kernel's result. An alias cannot be one (its memory is another tensor's). */
  keep(info: TensorInfo): TensorInfo {
    if (this.aliases.includes(info)) throw new GanHacksError('INVALID_ARGUMENT', 'gan-hacks/wasm: an alias cannot be a kernel result; copy it into a tensor of its own.');
    const i = this.temps.indexOf(info);
    if (i >= 0) this.temps.splice(i, 1);
    return info;
  }

  /**
   * A tensor over part of `info`'s memory, `shape` floats from float `start` on, with no copy (a GEMM operand
   * over a slice of an input). Released by {@link release} or {@link dispose}, which never free that memory.
   */
  alias(info: TensorInfo, start: number, shape: number[]): TensorInfo {
    const data = this.backend.dataIdMap.get(info.dataId);
    if (!data) throw new GanHacksError('INVALID_ARGUMENT', 'gan-hacks/wasm: cannot alias a tensor that has no data on the WASM heap.');
    const out = this.backend.makeOutput(shape, 'float32', data.memoryOffset + start * 4) as TensorInfo;
    this.aliases.push(out);
    return out;
  }

  /** Drops aliases made by {@link alias} (their memory belongs to another tensor). */
  release(...infos: TensorInfo[]): void {
    for (const info of infos) {
      const i = this.aliases.indexOf(info);
      if (i < 0) continue;
      this.aliases.splice(i, 1);
      const data = this.backend.dataIdMap.get(info.dataId);
      if (data) this.backend.wasm.tfjs.disposeData(data.id);
      this.backend.dataIdMap.delete(info.dataId);
    }
  }

  /** Frees intermediates early (large chunks inside a loop); an alias is released, never freed. */
  free(...infos: TensorInfo[]): void {
    for (const info of infos) {
      if (this.aliases.includes(info)) {
        this.release(info);
        continue;
      }
      this.keep(info);
      this.backend.disposeData(info.dataId);
    }
  }

  /** Frees what this context made, except what was kept. */
  dispose(): void {
    this.release(...this.aliases);
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }

  /** out[rows × cols] = a[rows × inner] · b[inner × cols] with XNNPACK's GEMM. */
  matMul(a: TensorInfo, b: TensorInfo): TensorInfo {
    // Only the untransposed, batch-1 case reaches XNNPACK in tfjs-backend-wasm;
    // the others fall back to a naive loop.
    return this.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }
}
