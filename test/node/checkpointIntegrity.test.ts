import * as tf from '@tensorflow/tfjs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Checkpoint,
  checkpointFolder,
  listCheckpoints,
  loadCheckpoint,
  loadModel,
  readModelArtifacts,
  saveModel,
  writeCheckpoint,
  writeFileAtomic,
  writeModelArtifacts,
} from '../../src/node/index.js';
import { modelArtifacts } from '../../src/train/checkpoint.js';
import { tinyGenerator } from '../train/tiny.js';
import { expectCodeAsync } from '../helpers.js';
import { captured, fakeState, filesUnder, forge } from './checkpointFixtures.js';

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'ckpt-int-'));

async function rejection(f: () => Promise<unknown>): Promise<{ code?: string; message: string; cause?: unknown }> {
  try {
    await f();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('checkpoint hashes', () => {
  it('round-trips every byte and records a sha256 for every file but trainer.json, which carries its own', async () => {
    const dir = await tmp();
    const c = await captured(7);
    const path = await writeCheckpoint(c, dir);
    expect(path).toBe(join(dir, 'ckpt-00000007'));
    const files = await filesUnder(path);
    expect(files).toEqual([
      'discriminator/model.json',
      'discriminator/weights.bin',
      'generator/model.json',
      'generator/weights.bin',
      'optimizer-discriminator.bin',
      'optimizer-generator.bin',
      'trainer.json',
    ]);
    const json = JSON.parse(await readFile(join(path, 'trainer.json'), 'utf8'));
    expect(Object.keys(json.files).sort()).toEqual(files.filter((f) => f !== 'trainer.json'));
    expect(json.sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = await loadCheckpoint(path);
    expect(new Uint8Array(back.generator.weightData as ArrayBuffer)).toEqual(new Uint8Array(c.generator.weightData as ArrayBuffer));
    expect(new Uint8Array(back.optimizers.discriminator.data)).toEqual(new Uint8Array(c.optimizers.discriminator.data));
    expect(back.state).toEqual(JSON.parse(JSON.stringify(c.state)));
  });

  it('refuses a same-size flipped byte in ANY file of the checkpoint, naming the file', async () => {
    const dir = await tmp();
    const path = await writeCheckpoint(await captured(3), dir);
    let flips = 0;
    for (const file of await filesUnder(path)) {
      const full = join(path, file);
      const original = await readFile(full);
      // First, middle and last byte everywhere; every 41st byte of the JSON files too.
      const positions = new Set([0, original.length >> 1, original.length - 1]);
      if (file.endsWith('.json')) for (let i = 0; i < original.length; i += 41) positions.add(i);
      for (const at of positions) {
        const damaged = Buffer.from(original);
        damaged[at] ^= 0x01; // one bit, same size
        await writeFile(full, damaged);
        expect((await stat(full)).size).toBe(original.length);
        const e = await rejection(() => loadCheckpoint(path));
        expect(e.code, `${file} byte ${at}`).toBe('CHECKPOINT_INVALID');
        expect(e.message, `${file} byte ${at}`).toContain(file === 'trainer.json' ? 'trainer.json' : file);
        flips++;
      }
      await writeFile(full, original);
    }
    expect(flips).toBeGreaterThan(40);
    await expect(loadCheckpoint(path)).resolves.toBeDefined();
  });

  it('refuses NaN-filled weights even when a forger recomputed every hash', async () => {
    const dir = await tmp();
    const path = await writeCheckpoint(await captured(3), dir);
    const w = join(path, 'generator', 'weights.bin');
    const n = (await stat(w)).size / 4;
    await writeFile(w, new Uint8Array(new Float32Array(n).fill(NaN).buffer));
    await forge(path, () => undefined, ['generator/weights.bin']);
    const e = await rejection(() => loadCheckpoint(path));
    expect(e.code).toBe('CHECKPOINT_INVALID');
    expect(e.message).toMatch(/generator.*NaN or infinite/);
  });

  it('refuses a folder written without hashes (the earlier layout)', async () => {
    const dir = await tmp();
    const path = await writeCheckpoint(await captured(3), dir);
    const json = JSON.parse(await readFile(join(path, 'trainer.json'), 'utf8'));
    delete json.sha256;
    delete json.files;
    await writeFile(join(path, 'trainer.json'), JSON.stringify(json));
    const e = await rejection(() => loadCheckpoint(path));
    expect(e.code).toBe('CHECKPOINT_INVALID');
    expect(e.message).toContain('does not start with its sha256');
  });
});

describe('file names confined to the checkpoint folder', () => {
  it('refuses .. and absolute names in trainer.json, even with valid hashes', async () => {
    const dir = await tmp();
    const path = await writeCheckpoint(await captured(3), dir);
    await writeFile(join(dir, 'outside.bin'), await readFile(join(path, 'optimizer-generator.bin')));
    for (const name of ['../outside.bin', join(dir, 'outside.bin'), 'generator/../../outside.bin', '..\\outside.bin']) {
      const copy = join(dir, `case-${Math.random().toString(16).slice(2)}`, 'ckpt-00000003');
      await cp(path, copy, { recursive: true });
      await forge(copy, (json) => {
        const o = json.optimizers as { generator: { file: string } };
        o.generator.file = name;
        (json.files as Record<string, string>)[name] = (json.files as Record<string, string>)['optimizer-generator.bin'];
      });
      const e = await rejection(() => loadCheckpoint(copy));
      expect(e.code, name).toBe('CHECKPOINT_INVALID');
      expect(e.message, name).toContain('outside');
    }
  });

  it("refuses a model.json weight path that leaves the folder", async () => {
    const dir = await tmp();
    const path = await writeCheckpoint(await captured(3), dir);
    for (const name of ['../optimizer-generator.bin', '/etc/passwd']) {
      const mj = join(path, 'generator', 'model.json');
      const json = JSON.parse(await readFile(mj, 'utf8'));
      json.weightsManifest[0].paths = [name];
      await writeFile(mj, JSON.stringify(json));
      await forge(path, () => undefined, ['generator/model.json']);
      const e = await rejection(() => loadCheckpoint(path));
      expect(e.code, name).toBe('CHECKPOINT_INVALID');
      expect(e.message, name).toContain('outside');
    }
    // The same rule for a model folder read on its own.
    const model = await mkdtemp(join(tmpdir(), 'model-'));
    await saveModel(tinyGenerator(), model);
    const json = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../elsewhere.bin'];
    await writeFile(join(model, 'model.json'), JSON.stringify(json));
    await expectCodeAsync(() => readModelArtifacts(model), 'CHECKPOINT_INVALID');
    await expectCodeAsync(() => loadModel(model), 'CHECKPOINT_INVALID');
  });

  it('refuses a symbolic link leading out, even to a file with the right content', async () => {
    const dir = await tmp();
    const path = await writeCheckpoint(await captured(3), dir);
    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    // A file linked out.
    await cp(join(path, 'generator', 'weights.bin'), join(outside, 'weights.bin'));
    await rm(join(path, 'generator', 'weights.bin'));
    await symlink(join(outside, 'weights.bin'), join(path, 'generator', 'weights.bin'));
    let e = await rejection(() => loadCheckpoint(path));
    expect(e.code).toBe('CHECKPOINT_INVALID');
    expect(e.message).toContain('outside');
    // A folder linked out.
    await rm(join(path, 'generator', 'weights.bin'));
    await cp(join(outside, 'weights.bin'), join(path, 'generator', 'weights.bin'));
    await expect(loadCheckpoint(path)).resolves.toBeDefined();
    await cp(join(path, 'discriminator'), join(outside, 'discriminator'), { recursive: true });
    await rm(join(path, 'discriminator'), { recursive: true });
    await symlink(join(outside, 'discriminator'), join(path, 'discriminator'));
    e = await rejection(() => loadCheckpoint(path));
    expect(e.code).toBe('CHECKPOINT_INVALID');
    expect(e.message).toContain('outside');
    // A ckpt-* link in a folder of checkpoints is not listed, so loadCheckpoint(dir) never follows it.
    await symlink(path, join(dir, 'ckpt-00000099'));
    expect(await listCheckpoints(dir)).toEqual([path]);
    // trainer.json itself linked out.
    await rm(join(path, 'discriminator'));
    await cp(join(outside, 'discriminator'), join(path, 'discriminator'), { recursive: true });
    await cp(join(path, 'trainer.json'), join(outside, 'trainer.json'));
    await rm(join(path, 'trainer.json'));
    await symlink(join(outside, 'trainer.json'), join(path, 'trainer.json'));
    await expectCodeAsync(() => loadCheckpoint(path), 'CHECKPOINT_INVALID');
  });
});

describe('loadCheckpoint(folder) takes the latest complete checkpoint', () => {
  it('passes over a newest folder without trainer.json; falls back over a damaged one unless told not to; refuses a damaged one named explicitly', async () => {
    const dir = await tmp();
    await writeCheckpoint(await captured(1), dir);
    await writeCheckpoint(await captured(2), dir);
    const third = await writeCheckpoint(await captured(3), dir);
    await rm(join(third, 'trainer.json'));
    expect((await listCheckpoints(dir)).map((p) => p.slice(dir.length + 1))).toEqual(['ckpt-00000001', 'ckpt-00000002']);
    expect((await loadCheckpoint(dir)).state.iteration).toBe(2);
    expect((await checkpointFolder(dir).load()).state.iteration).toBe(2);
    expect((await new Checkpoint({ dir }).load()).state.iteration).toBe(2);
    await expectCodeAsync(() => loadCheckpoint(third), 'CHECKPOINT_INVALID'); // incomplete, named explicitly

    const w = join(dir, 'ckpt-00000002', 'discriminator', 'weights.bin');
    const bytes = await readFile(w);
    bytes[5] ^= 0x80;
    await writeFile(w, bytes);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await loadCheckpoint(dir)).state.iteration).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain('discriminator/weights.bin');
    const strict = await rejection(() => loadCheckpoint(dir, { fallback: false }));
    expect(strict.code).toBe('CHECKPOINT_INVALID');
    expect(strict.message).toContain('discriminator/weights.bin');
    await expectCodeAsync(() => loadCheckpoint(join(dir, 'ckpt-00000002')), 'CHECKPOINT_INVALID');
    await expectCodeAsync(() => loadCheckpoint(join(dir, 'nowhere')), 'CHECKPOINT_INVALID');
  });

  it('writing an iteration again publishes a second copy and only then removes the first', async () => {
    const dir = await tmp();
    await writeCheckpoint(await captured(5, 1), dir);
    const again = await writeCheckpoint(await captured(5, 9), dir);
    expect(again).toBe(join(dir, 'ckpt-00000005-1'));
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000005-1']);
    const back = await loadCheckpoint(dir);
    const expected = await captured(5, 9);
    expect(new Uint8Array(back.generator.weightData as ArrayBuffer)).toEqual(new Uint8Array(expected.generator.weightData as ArrayBuffer));
  });
});

describe('stale temporary folders', () => {
  it('writeCheckpoint removes .tmp-* folders older than this process; the hook, the folder\'s one writer, removes them all', async () => {
    const dir = await tmp();
    await mkdir(join(dir, '.tmp-ckpt-00000009-killed', 'generator'), { recursive: true });
    await writeFile(join(dir, '.tmp-ckpt-00000009-killed', 'generator', 'weights.bin'), 'half');
    const past = new Date(performance.timeOrigin - 60_000);
    await utimes(join(dir, '.tmp-ckpt-00000009-killed'), past, past);
    await mkdir(join(dir, '.tmp-ckpt-00000010-live'));
    await writeCheckpoint(await captured(1), dir);
    expect((await readdir(dir)).sort()).toEqual(['.tmp-ckpt-00000010-live', 'ckpt-00000001']);
    await new Checkpoint({ dir }).save(fakeState(await captured(2)));
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000001', 'ckpt-00000002']);
  });
});

describe('Checkpoint hook', () => {
  it('never writes non-finite weights or optimizer state: skips, records, warns once per run', async () => {
    const dir = await tmp();
    const hook = new Checkpoint({ dir, every: 1 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const good = await captured(1);
    expect(await hook.save(fakeState(good))).toBe(join(dir, 'ckpt-00000001'));
    const nanGenerator = (it: number): typeof good => {
      const data = new Float32Array((good.generator.weightData as ArrayBuffer).slice(0));
      data[3] = NaN;
      return { ...good, generator: { ...good.generator, weightData: data.buffer }, state: { ...good.state, iteration: it } };
    };
    expect(await hook.save(fakeState(nanGenerator(2)))).toBeUndefined();
    expect(await hook.save(fakeState(nanGenerator(3)))).toBeUndefined();
    const infOptimizer = { ...good, state: { ...good.state, iteration: 4 } };
    const od = new Float32Array(good.optimizers.discriminator.data.slice(0));
    od[od.length - 1] = -Infinity;
    infOptimizer.optimizers = { ...good.optimizers, discriminator: { ...good.optimizers.discriminator, data: od.buffer } };
    expect(await hook.save(fakeState(infOptimizer))).toBeUndefined();
    expect(hook.skipped).toEqual([2, 3, 4]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/did not write iteration 2: the generator holds NaN/);
    expect(await listCheckpoints(dir)).toEqual([join(dir, 'ckpt-00000001')]);
    // A new run warns again.
    await hook.onTrainBegin(fakeState(good));
    await hook.save(fakeState(infOptimizer));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1][0])).toContain("discriminator's optimizer state");
    // writeCheckpoint refuses outright, writing nothing.
    await expectCodeAsync(() => writeCheckpoint(nanGenerator(5), dir), 'NON_FINITE_INPUT');
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000001']);
  });

  it('resuming an older checkpoint and writing on moves the newer ones aside; loadCheckpoint(dir) returns the new lineage', async () => {
    const dir = await tmp();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = new Checkpoint({ dir, every: 5, keep: 5 });
    for (const it of [5, 10, 15]) await first.save(fakeState(await captured(it, 1)));
    // A new process resumes iteration 5 and trains on (another lineage: other weights).
    const second = new Checkpoint({ dir, every: 5, keep: 5 });
    await second.onTrainBegin(fakeState(await captured(5, 1)));
    // Killed before its first write: the folder already resumes where the new run stands.
    expect((await loadCheckpoint(dir)).state.iteration).toBe(5);
    expect(second.abandoned).toHaveLength(1);
    const aside = second.abandoned[0];
    expect(aside).toMatch(/abandoned-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect((await readdir(aside)).sort()).toEqual(['ckpt-00000010', 'ckpt-00000015']);
    expect(warn).toHaveBeenCalledTimes(1);
    const mine = await captured(10, 42);
    await second.save(fakeState(mine));
    const back = await loadCheckpoint(dir);
    expect(back.state.iteration).toBe(10);
    expect(new Uint8Array(back.generator.weightData as ArrayBuffer)).toEqual(new Uint8Array(mine.generator.weightData as ArrayBuffer));
    // Nothing was deleted: the abandoned run is still readable where it was moved.
    expect((await loadCheckpoint(aside)).state.iteration).toBe(15);
    const old10 = await loadCheckpoint(join(aside, 'ckpt-00000010'));
    expect(new Uint8Array(old10.generator.weightData as ArrayBuffer)).not.toEqual(new Uint8Array(mine.generator.weightData as ArrayBuffer));
    // A save that finds newer checkpoints (written meanwhile) sets them aside too.
    await writeCheckpoint(await captured(20, 1), dir);
    await second.save(fakeState(await captured(15, 42)));
    expect((await listCheckpoints(dir)).map((p) => p.slice(dir.length + 1))).toEqual(['ckpt-00000005', 'ckpt-00000010', 'ckpt-00000015']);
    expect(second.abandoned).toHaveLength(2);
  });

  it('prunes beyond keep only after the new checkpoint is complete', async () => {
    const dir = await tmp();
    const hook = new Checkpoint({ dir, keep: 2 });
    for (const it of [1, 2, 3, 4]) await hook.save(fakeState(await captured(it)));
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000003', 'ckpt-00000004']);
    expect(hook.written.map((p) => p.slice(dir.length + 1))).toEqual(['ckpt-00000001', 'ckpt-00000002', 'ckpt-00000003', 'ckpt-00000004']);
  });
});

describe('argument checks', () => {
  it('refuses empty, blank and mistyped paths and options with INVALID_ARGUMENT before touching the disk', async () => {
    const model = tinyGenerator();
    const artifacts = await modelArtifacts(model);
    const c = await captured(1);
    const cwdBefore = (await readdir('.')).sort();
    for (const bad of ['', '   ', null, undefined, 3, {}]) {
      await expectCodeAsync(() => saveModel(model, bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => loadModel(bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => readModelArtifacts(bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => writeModelArtifacts(artifacts, bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => writeFileAtomic(bad as string, 'x'), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => listCheckpoints(bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => loadCheckpoint(bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(() => writeCheckpoint(c, bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(async () => checkpointFolder(bad as string), 'INVALID_ARGUMENT');
      await expectCodeAsync(async () => new Checkpoint({ dir: bad as string }), 'INVALID_ARGUMENT');
    }
    expect((await readdir('.')).sort()).toEqual(cwdBefore);
    const dir = await tmp();
    await expectCodeAsync(() => saveModel(null as unknown as tf.LayersModel, dir), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => saveModel({} as tf.LayersModel, dir), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeModelArtifacts(null as unknown as tf.io.ModelArtifacts, dir), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeModelArtifacts({ weightData: new ArrayBuffer(4) } as tf.io.ModelArtifacts, dir), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeFileAtomic(join(dir, 'f'), 3 as unknown as string), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeFileAtomic(join(dir, 'f'), 'x', 'sync' as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => loadCheckpoint(dir, 5 as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeCheckpoint(null as never, dir), 'INVALID_ARGUMENT');
    await expectCodeAsync(async () => new Checkpoint(null as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(async () => new Checkpoint({ dir, keep: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(async () => new Checkpoint({ dir, every: 1.5 }), 'INVALID_ARGUMENT');
    // null options mean defaults.
    await writeCheckpoint(c, dir);
    expect((await loadCheckpoint(dir, null as never)).state.iteration).toBe(1);
    await writeFileAtomic(join(dir, 'g'), 'y', null as never);
    expect(await readFile(join(dir, 'g'), 'utf8')).toBe('y');
    expect(await readdir('.')).toEqual(cwdBefore);
  });

  it('the old argument orders still work, each warning once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const dir = await tmp();
    const c = await captured(2);
    expect(await writeCheckpoint(dir, c)).toBe(join(dir, 'ckpt-00000002'));
    await writeCheckpoint(dir, await captured(3));
    expect((await loadCheckpoint(dir)).state.iteration).toBe(3);
    const artifacts = await modelArtifacts(tinyGenerator());
    await writeModelArtifacts(join(dir, 'm1'), artifacts);
    await writeModelArtifacts(join(dir, 'm2'), artifacts);
    expect((await readModelArtifacts(join(dir, 'm2'))).weightSpecs).toEqual(artifacts.weightSpecs);
    expect(warn.mock.calls.map((call) => String(call[0]).split(' is deprecated')[0])).toEqual([
      'gan-hacks: writeCheckpoint(dir, checkpoint)',
      'gan-hacks: writeModelArtifacts(dir, artifacts)',
    ]);
  });

  it('loadModel reads sharded weights in manifest order', async () => {
    const dir = await tmp();
    const g = tinyGenerator(4);
    await saveModel(g, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const bytes = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'a.bin'), bytes.subarray(0, 100));
    await writeFile(join(dir, 'b.bin'), bytes.subarray(100));
    json.weightsManifest[0].paths = ['a.bin', 'b.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await rm(join(dir, 'weights.bin'));
    const back = await loadModel(dir);
    const z = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
    expect(Array.from((back.predict(z) as tf.Tensor).dataSync())).toEqual(Array.from((g.predict(z) as tf.Tensor).dataSync()));
  });
});
