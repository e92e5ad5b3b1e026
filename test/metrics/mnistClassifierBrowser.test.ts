/**
 * mnistClassifier() in Chromium: a page bundled with esbuild against the built
 * package (dist/), served from 127.0.0.1 with nothing else, loads the embedded
 * weights (no request beyond the page and its script) and gives the values
 * Node gives. Skipped where /usr/bin/chromium is missing (CI installs it).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadMnist, mnistClassifier } from '../../src/index.js';
import { mnistClassifierSplit } from '../../src/metrics/mnistClassifier/split.js';
import { bundlePage, CHROMIUM, ensureBuilt, launchChromium, openPage, removeDir, ROOT, serve, type PageBundle } from '../browser/harness.js';
import type { ClassifyResult } from './page/mnistClassifierPage.js';

const installed = existsSync(CHROMIUM) || Boolean(process.env.CI);

describe.skipIf(!installed)('mnistClassifier in Chromium', () => {
  let browser: Browser;
  let bundle: PageBundle;
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    ensureBuilt();
    bundle = await bundlePage(join(ROOT, 'test/metrics/page/mnistClassifierPage.ts'));
    server = await serve(bundle.dir);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundle) removeDir(bundle.dir);
  });

  it('loads with no request beyond the page and its script, and equals Node on the CPU backend', async () => {
    expect(bundle.inputs.filter((f) => f.startsWith('src/'))).toEqual([]);
    expect(bundle.inputs).toContain('dist/index.js');
    const { images, labels } = await loadMnist();
    const heldOut = mnistClassifierSplit(await labels.data()).heldOut.slice(0, 40);
    const x = tf.tidy(() => tf.gather(images, tf.tensor1d(heldOut, 'int32')));
    tf.dispose([images, labels]);
    const node = await mnistClassifier();
    const features = node.features(x);
    const probabilities = node.probabilities(x);

    const page = await openPage<{ classify: (pixels: number[], n: number) => Promise<ClassifyResult> }>(browser, server.url);
    const served = server.requests.length;
    const got = await page.call('classify', Array.from(await x.data()), heldOut.length);
    expect(server.requests.slice(served), 'requests made while the classifier loaded and ran').toEqual([]);
    expect(server.requests.every((r) => r === '/' || r === '/page.js'), server.requests.join(', ')).toBe(true);
    expect(page.errors).toEqual([]);
    expect(got.name).toBe(node.name);
    expect(got.heldOutAccuracy).toBe(node.heldOutAccuracy);
    expect(got.features).toEqual(Array.from(await features.data()));
    expect(got.probabilities).toEqual(Array.from(await probabilities.data()));
    expect(got.tensorsAfter).toBe(got.tensorsBefore);
    await page.close();
    tf.dispose([x, features, probabilities]);
    node.dispose();
  }, 120_000);
});
