import * as tfjsWasm from '@tensorflow/tfjs-backend-wasm';

/** The real tfjs-backend-wasm module, recording what gan-hacks asks of it (paths, thread count). */
export function recordingModule(calls: string[]): typeof tfjsWasm {
  return {
    ...tfjsWasm,
    setWasmPaths: (paths: string | Record<string, string>, usePlatformFetch?: boolean) => {
      calls.push(`setWasmPaths ${JSON.stringify(paths)}`);
      tfjsWasm.setWasmPaths(paths, usePlatformFetch);
    },
    setThreadsCount: (n: number) => {
      calls.push(`setThreadsCount ${n}`);
      tfjsWasm.setThreadsCount(n);
    },
  };
}
