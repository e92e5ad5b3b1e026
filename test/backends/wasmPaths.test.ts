import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { recordingModule } from './recordingModule.js';
import { useFastestBackend } from '../../src/index.js';
import { expectCodeAsync } from '../helpers.js';

// tfjs-backend-wasm takes its paths once per process: a start from a wrong folder cannot be retried
// with another (wasmPathsFound.test.ts starts from the right one in its own fork).

describe('useFastestBackend({ wasmModule, wasmPaths })', () => {
  it('refuses a wasmPaths or wasmModule that cannot be right, before touching a backend', async () => {
    const backend = tf.getBackend();
    for (const wasmPaths of ['', 3, [], {}, { 'other.wasm': '/x' }, { 'tfjs-backend-wasm.wasm': 5 }, null]) {
      await expectCodeAsync(() => useFastestBackend({ wasmPaths: wasmPaths as never, log: false }), 'INVALID_ARGUMENT');
    }
    for (const wasmModule of [{}, 'tfjs', { setWasmPaths() {} }, null]) {
      await expectCodeAsync(() => useFastestBackend({ wasmModule: wasmModule as never, log: false }), 'INVALID_ARGUMENT');
    }
    expect(tf.getBackend()).toBe(backend);
  });

  it('uses the module and the paths it is given: a wrong folder fails to start and falls back with the reason', async () => {
    const calls: string[] = [];
    const choice = await useFastestBackend({ prefer: ['wasm', 'cpu'], threads: 1, wasmModule: recordingModule(calls), wasmPaths: '/nowhere/', log: false });
    expect(calls).toEqual(['setWasmPaths "/nowhere/"', 'setThreadsCount 1']);
    expect(choice.backend).toBe('cpu');
    expect(choice.reason).toMatch(/tried first: wasm: .*nowhere/);
  });
});
