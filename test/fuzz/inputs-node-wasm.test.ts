/**
 * Property-based bad-input suite for the exports the other fuzz files leave out: gan-hacks/node's
 * Checkpoint (constructor), saveModel, writeModelArtifacts, loadIdx, and gan-hacks/wasm's
 * initWasmBackend, registerWasmTrainingKernels, wasmTrainingKernelsRegistered and the two kernel
 * functions conv2dBackpropFilter / conv2dBackpropInput. Each call ends in a GanHacksError or a valid
 * result, within a time bound, and writes nothing outside its temp folder.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import fc from 'fast-check';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Checkpoint, loadIdx, saveModel, writeModelArtifacts } from '../../src/node/index.js';
import { conv2dBackpropFilter, conv2dBackpropInput, initWasmBackend, registerWasmTrainingKernels, wasmTrainingKernelsRegistered } from '../../src/wasm/index.js';
import { tinyGenerator } from '../train/tiny.js';
import { outcomeAsync, type Outcome } from './outcome.js';

const BOUND_MS = 2000;
const RUNS = { numRuns: 50, seed: 20261202 };
const junk = fc.oneof(
  fc.constantFrom(null, undefined, NaN, Infinity, -1, 0, 0.5, 1e9, '', ' ', 'abc', true, [], {}, () => 1, Symbol('s')),
  fc.double(),
  fc.string({ maxLength: 4 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

const outcome = (f: () => unknown): Promise<Outcome> => outcomeAsync(f, BOUND_MS);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('gan-hacks/node with generated bad input', () => {
  it('Checkpoint, saveModel, writeModelArtifacts and loadIdx refuse bad arguments with a GanHacksError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-fuzz-node-'));
    dirs.push(dir);
    const cwd = process.cwd();
    process.chdir(dir); // a random string is a valid relative path: keep any write inside the temp folder
    const model = tinyGenerator();
    try {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom('dir', 'every', 'keep'), junk, { maxKeys: 3 }), async (o) => {
          await outcome(() => new Checkpoint(o as never));
        }),
        RUNS,
      );
      await fc.assert(
        fc.asyncProperty(junk, junk, async (a, b) => {
          await outcome(() => saveModel(a as never, b as never));
          await outcome(() => saveModel(model, (typeof b === 'string' && b.trim() ? join(dir, 'm', b.replace(/[^a-z]/gi, 'x')) : b) as never));
          await outcome(() => writeModelArtifacts(a as never, b as never));
          await outcome(() => loadIdx(a as never, b as never));
          await outcome(() => loadIdx(join(dir, 'missing-images.gz'), null, a as never));
        }),
        RUNS,
      );
    } finally {
      process.chdir(cwd);
      model.dispose();
    }
    // Nothing landed beside the temp folder's own subfolders.
    expect((await readdir(dir)).every((name) => name === 'm' || !name.includes('.'))).toBe(true);
  });
});

describe('gan-hacks/wasm with generated bad input', () => {
  it('initWasmBackend refuses bad options; the registration functions take none and are idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('threads', 'baseUrl', 'simd'), junk, { minKeys: 1, maxKeys: 2 }), async (o) => {
        const threads = (o as Record<string, unknown>).threads;
        // A valid option set starts the backend: keep it to the bad ones, which must be refused without starting anything.
        if (typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 && threads <= 64) return;
        const r = await outcome(() => initWasmBackend(o as never));
        if (r === 'ok') expect(tf.getBackend()).toBe('wasm');
      }),
      { ...RUNS, numRuns: 30 },
    );
    expect(await outcome(() => initWasmBackend(5 as never))).toBe('refused');
    expect(await outcome(() => registerWasmTrainingKernels())).toBe('ok');
    expect(await outcome(() => registerWasmTrainingKernels())).toBe('ok');
    expect(wasmTrainingKernelsRegistered()).toBe(true);
  });

  it('the kernel functions refuse arguments the engine would never pass', async () => {
    await initWasmBackend({ threads: 1 });
    await fc.assert(
      fc.asyncProperty(junk, fc.dictionary(fc.constantFrom('inputs', 'backend', 'attrs'), junk, { maxKeys: 3 }), async (a, o) => {
        for (const kernel of [conv2dBackpropFilter, conv2dBackpropInput]) {
          expect(await outcome(() => kernel(a as never))).toBe('refused');
          expect(await outcome(() => kernel(o as never))).toBe('refused');
        }
      }),
      RUNS,
    );
    await tf.setBackend('cpu');
  });
});
