import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingModule } from './recordingModule.js';
import { useFastestBackend } from '../../src/index.js';

// The WASM start from a folder given by wasmPaths and a module given by wasmModule (as a page passes them).
const realDist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '..', 'dist') + '/';

describe('useFastestBackend({ wasmModule, wasmPaths })', () => {
  it('with the folder that holds the binaries, WASM starts from the given module', async () => {
    const calls: string[] = [];
    const choice = await useFastestBackend({ prefer: ['wasm', 'cpu'], threads: 1, wasmModule: recordingModule(calls), wasmPaths: realDist, log: false });
    expect(calls).toEqual([`setWasmPaths ${JSON.stringify(realDist)}`, 'setThreadsCount 1']);
    expect(choice).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(Array.from(await tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).data())).toEqual([4, 6]);
  });
});
