import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { historicalAveraging, NaNGuard, Trainer, type Hook } from '../../src/index.js';
import { Checkpoint, checkpointFolder, listCheckpoints, loadCheckpoint, loadModel, saveModel, writeCheckpoint } from '../../src/node/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';
import { expectCodeAsync } from '../helpers.js';

const make = (hooks: Hook[] = []): Trainer =>
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
    await resumed.resume(hook); // the hook is a CheckpointSource: the latest complete checkpoint of its folder
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
    await resumed.resume(await loadCheckpoint(dir));
    expect((resumed.regularizers[0] as ReturnType<typeof historicalAveraging>).snapshots).toBe(6); // the start plus 5 updates
    const h = await resumed.fit(data, { batchSize: 8, iterations: 10 });
    for (let i = 5; i < 10; i++) {
      expect(h.records[i].gHistoricalAveraging).toBeCloseTo(straight.records[i].gHistoricalAveraging, 6);
      expect(h.records[i].dLossReal).toBeCloseTo(straight.records[i].dLossReal, 5);
    }
    // A trainer without the regularizer cannot take that state.
    await expectCodeAsync(() => make().resume(checkpointFolder(dir)), 'CHECKPOINT_INVALID');
    data.dispose();
  });

  it('refuses a partial or corrupt checkpoint and never overwrites a good one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const data = tinyData(16);
    const t = make();
    await t.fit(data, { batchSize: 8, iterations: 3 });
    const good = await writeCheckpoint(await t.checkpoint(), dir);
    const goodBytes = await readFile(join(good, 'generator', 'weights.bin'));

    // A half-written checkpoint: temp folders are ignored, a checkpoint without its state file is not "complete".
    await writeFile(join(dir, '.tmp-ckpt-00000009-dead'), '');
    expect(await listCheckpoints(dir)).toEqual([good]);
    const broken = join(dir, 'ckpt-00000004');
    await writeCheckpoint({ ...(await t.checkpoint()), state: { ...(await t.checkpoint()).state, iteration: 4 } }, dir);
    await writeFile(join(broken, 'generator', 'weights.bin'), Buffer.alloc(7));
    await expectCodeAsync(async () => make().resume(await loadCheckpoint(broken)), 'CHECKPOINT_INVALID');
    await rm(join(broken, 'trainer.json'));
    await expectCodeAsync(() => loadCheckpoint(broken), 'CHECKPOINT_INVALID');
    await writeFile(join(broken, 'trainer.json'), '{ not json');
    await expectCodeAsync(() => loadCheckpoint(broken), 'CHECKPOINT_INVALID');

    // Writing a bad checkpoint (invalid state) fails before touching the good one.
    await expectCodeAsync(async () => writeCheckpoint({ ...(await t.checkpoint()), state: { ...(await t.checkpoint()).state, format: 'x' as never } }, dir), 'CHECKPOINT_INVALID');
    expect(await readFile(join(good, 'generator', 'weights.bin'))).toEqual(goodBytes);
    expect((await readdir(dir)).filter((e) => e.startsWith('.tmp'))).toEqual(['.tmp-ckpt-00000009-dead']);
    await expectCodeAsync(() => loadCheckpoint(join(dir, 'nowhere')), 'CHECKPOINT_INVALID');
    data.dispose();
  });

  it('a Checkpoint hook registered before NaNGuard never writes the NaN weights: the latest checkpoint stays finite and resumable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const data = tinyData(32, 9);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Poisons a generator weight at the end of iteration 3 (as a diverging update would).
    const poison: Hook = {
      onIterationEnd(state) {
        if (state.iteration === 3) {
          const w = state.generator.weights[0];
          w.write(tf.fill(w.shape as number[], NaN));
        }
      },
    };
    const hook = new Checkpoint({ dir, every: 1, keep: 10 });
    const guard = new NaNGuard();
    const t = make([poison, hook, guard]);
    await t.fit(data, { batchSize: 8, iterations: 8 });
    expect(guard.stoppedAt).toBe(4); // iteration 4 is the first whose losses see the NaN weights
    expect(hook.written.map((p) => p.slice(dir.length + 1))).toEqual(['ckpt-00000001', 'ckpt-00000002']);
    expect(hook.skipped).toEqual([3, 4]);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('Checkpoint did not write'))).toHaveLength(1);
    expect(String(warn.mock.calls.find((c) => String(c[0]).includes('Checkpoint did not write'))![0])).toContain('the generator holds NaN');
    const latest = await loadCheckpoint(dir);
    expect(latest.state.iteration).toBe(2);
    const resumed = make();
    await resumed.resume(latest);
    const h = await resumed.fit(data, { batchSize: 8, iterations: 4 });
    expect(h.records.slice(2).every((r) => Number.isFinite(r.gLoss) && Number.isFinite(r.dLossReal))).toBe(true);
    warn.mockRestore();
    data.dispose();
  });

  it('resuming an older checkpoint and training on never mixes with the abandoned run: newer checkpoints are moved aside', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const dataA = tinyData(32, 9);
    const dataB = tinyData(32, 77); // the resumed run trains on other data: another lineage
    await make([new Checkpoint({ dir, every: 5, keep: 5 })]).fit(dataA, { batchSize: 8, iterations: 15 });
    expect((await listCheckpoints(dir)).length).toBe(3);
    const hook = new Checkpoint({ dir, every: 5, keep: 5 });
    const b = make([hook]);
    await b.resume(await loadCheckpoint(join(dir, 'ckpt-00000005')));
    await b.fit(dataB, { batchSize: 8, iterations: 10 });
    expect(hook.abandoned).toHaveLength(1);
    expect((await readdir(hook.abandoned[0])).sort()).toEqual(['ckpt-00000010', 'ckpt-00000015']);
    const latest = await loadCheckpoint(dir);
    expect(latest.state.iteration).toBe(10);
    const mine = new Float32Array(latest.generator.weightData as ArrayBuffer);
    const now = new Float32Array(b.generator.getWeights().flatMap((w) => Array.from(w.dataSync())));
    expect(Array.from(mine)).toEqual(Array.from(now));
    const abandoned = await loadCheckpoint(join(hook.abandoned[0], 'ckpt-00000010'));
    expect(Array.from(new Float32Array(abandoned.generator.weightData as ArrayBuffer))).not.toEqual(Array.from(mine));
    // The hook is the folder's CheckpointSource: a new trainer picks up the new lineage.
    const c = make();
    await c.resume(hook);
    expect(c.history.length).toBe(10);
    expect(c.history.records[9].gLoss).toBe(b.history.records[9].gLoss);
    warn.mockRestore();
    dataA.dispose();
    dataB.dispose();
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
