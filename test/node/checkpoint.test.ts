import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historicalAveraging, Trainer } from '../../src/index.js';
import { Checkpoint, listCheckpoints, loadCheckpoint, loadModel, saveModel, writeCheckpoint } from '../../src/node/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';
import { expectCodeAsync } from '../helpers.js';

const make = (hooks: Checkpoint[] = []): Trainer =>
  new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 5, hooks });

describe('Checkpoint on disk', () => {
  it('saves every N iterations, keeps the last N, and trainer.resume(dir) continues the run exactly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const data = tinyData(32, 9);
    const straight = await make().fit(data, { batchSize: 8, iterations: 20 });
    const hook = new Checkpoint({ dir, every: 5, keep: 2 });
    await make([hook]).fit(data, { batchSize: 8, iterations: 10 });
    expect((await listCheckpoints(dir)).map((p) => p.split('/').pop())).toEqual(['ckpt-00000005', 'ckpt-00000010']);
    const resumed = make();
    await resumed.resume(dir); // gan-hacks/node registers the directory reader
    const h = await resumed.fit(data, { batchSize: 8, iterations: 20 });
    for (let i = 0; i < 20; i++) expect(h.records[i].gLoss).toBeCloseTo(straight.records[i].gLoss, 5);
    data.dispose();
  });

  it("keeps historical averaging's running means: 5 + 5 iterations through disk equal 10 straight", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const data = tinyData(32, 9);
    const withHA = (hooks: Checkpoint[] = []): Trainer =>
      new Trainer({
        generator: tinyGenerator(),
        discriminator: tinyDiscriminator(),
        latentDim: 3,
        seed: 5,
        hooks,
        regularizers: [historicalAveraging({ weight: 50 }), historicalAveraging({ weight: 50, target: 'discriminator' })],
      });
    const straight = await withHA().fit(data, { batchSize: 8, iterations: 10 });
    await withHA([new Checkpoint({ dir, every: 5 })]).fit(data, { batchSize: 8, iterations: 5 });
    expect((await readdir(join(dir, 'ckpt-00000005'))).sort()).toContain('regularizers.bin');
    const resumed = withHA();
    await resumed.resume(dir);
    expect((resumed.regularizers[0] as ReturnType<typeof historicalAveraging>).snapshots).toBe(6); // the start plus 5 updates
    const h = await resumed.fit(data, { batchSize: 8, iterations: 10 });
    for (let i = 5; i < 10; i++) {
      expect(h.records[i].gHistoricalAveraging).toBeCloseTo(straight.records[i].gHistoricalAveraging, 6);
      expect(h.records[i].dLossReal).toBeCloseTo(straight.records[i].dLossReal, 5);
    }
    // A trainer without the regularizer cannot take that state.
    await expectCodeAsync(() => make().resume(dir), 'CHECKPOINT_INVALID');
    data.dispose();
  });

  it('refuses a partial or corrupt checkpoint and never overwrites a good one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const data = tinyData(16);
    const t = make();
    await t.fit(data, { batchSize: 8, iterations: 3 });
    const good = await writeCheckpoint(dir, await t.checkpoint());
    const goodBytes = await readFile(join(good, 'generator', 'weights.bin'));

    // A half-written checkpoint: temp folders are ignored, a checkpoint without its state file is not "complete".
    await writeFile(join(dir, '.tmp-ckpt-00000009-dead'), '');
    expect(await listCheckpoints(dir)).toEqual([good]);
    const broken = join(dir, 'ckpt-00000004');
    await writeCheckpoint(dir, { ...(await t.checkpoint()), state: { ...(await t.checkpoint()).state, iteration: 4 } });
    await writeFile(join(broken, 'generator', 'weights.bin'), Buffer.alloc(7));
    await expectCodeAsync(async () => make().resume(await loadCheckpoint(broken)), 'CHECKPOINT_INVALID');
    await rm(join(broken, 'trainer.json'));
    await expectCodeAsync(() => loadCheckpoint(broken), 'CHECKPOINT_INVALID');
    await writeFile(join(broken, 'trainer.json'), '{ not json');
    await expectCodeAsync(() => loadCheckpoint(broken), 'CHECKPOINT_INVALID');

    // Writing a bad checkpoint (invalid state) fails before touching the good one.
    await expectCodeAsync(async () => writeCheckpoint(dir, { ...(await t.checkpoint()), state: { ...(await t.checkpoint()).state, format: 'x' as never } }), 'CHECKPOINT_INVALID');
    expect(await readFile(join(good, 'generator', 'weights.bin'))).toEqual(goodBytes);
    expect((await readdir(dir)).filter((e) => e.startsWith('.tmp'))).toEqual(['.tmp-ckpt-00000009-dead']);
    await expectCodeAsync(() => loadCheckpoint(join(dir, 'nowhere')), 'CHECKPOINT_INVALID');
    data.dispose();
  });

  it('saveModel / loadModel round-trip a model without tfjs-node', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'model-'));
    const g = tinyGenerator(4);
    await saveModel(g, dir);
    const back = await loadModel(dir);
    const z = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
    expect(Array.from((back.predict(z) as tf.Tensor).dataSync())).toEqual(Array.from((g.predict(z) as tf.Tensor).dataSync()));
  });
});
