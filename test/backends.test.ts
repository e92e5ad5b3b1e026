import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useFastestBackend, imageGrid } from '../src/index.js';
import { expectCodeAsync, expectNoLeak } from './helpers.js';

describe('useFastestBackend', () => {
  it('without tfjs-node in Node picks WASM with the training kernels, and says why', async () => {
    const messages: string[] = [];
    const choice = await useFastestBackend({ threads: 1, log: (m) => messages.push(m) });
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.threads).toBe(1);
    expect(choice.reason).toMatch(/tfjs-node\(-gpu\) not installed/);
    expect(messages[0]).toMatch(/^\[gan-hacks\] backend: wasm/);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('honours a preference list and can be silent', async () => {
    const choice = await useFastestBackend({ prefer: ['cpu'], log: false });
    expect(choice).toMatchObject({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('useFastestBackend options', () => {
  it('are checked before any backend is touched', async () => {
    const backend = tf.getBackend();
    await expectCodeAsync(() => useFastestBackend({ prefer: [] }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => useFastestBackend({ prefer: ['gpu' as never] }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => useFastestBackend({ prefer: 'cpu' as never }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => useFastestBackend({ threads: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => useFastestBackend({ threads: 2.5 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => useFastestBackend({ threads: 1e6 }), 'INVALID_RANGE');
    await expectCodeAsync(() => useFastestBackend({ log: 'loud' as never }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => useFastestBackend(3 as never), 'INVALID_ARGUMENT');
    expect(tf.getBackend()).toBe(backend);
    const choice = await useFastestBackend({ prefer: ['cpu'], log: false });
    expect(choice.backend).toBe('cpu');
  });
});

describe('imageGrid memory', () => {
  it('leaves no tensor behind', () => {
    const images = tf.zeros([4, 3, 3, 1]);
    expectNoLeak(() => imageGrid(images));
    images.dispose();
  });
});
