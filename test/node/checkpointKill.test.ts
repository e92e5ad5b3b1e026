import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Checkpoint, listCheckpoints, loadCheckpoint, writeCheckpoint } from '../../src/node/index.js';
import { captured, fakeState } from './checkpointFixtures.js';

const fixture = fileURLToPath(new URL('./fixtures/checkpointWriter.ts', import.meta.url));

/** mulberry32: a small seeded generator, so the kill moments replay. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the writer, waits until it writes, kills it with SIGKILL after `delay` ms; returns how many writes it finished. */
function killWriterAfter(dir: string, delay: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const startup = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (timer === undefined && out.includes('ready\n')) {
        clearTimeout(startup);
        timer = setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(startup);
      if (signal !== 'SIGKILL' || timer === undefined) reject(new Error(`writer ended with ${code ?? signal} before it was killed: ${err}`));
      else resolve((out.match(/^w \d+$/gm) ?? []).length);
    });
  });
}

describe('SIGKILL during checkpoint writes', () => {
  it('20 kills at seeded random moments always leave the folder loadable, with every complete checkpoint hash-valid', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-kill-'));
    await writeCheckpoint(await captured(1), dir);
    const next = random(20261202);
    let latest = 1;
    let writes = 0;
    let leftTemp = 0;
    for (let k = 0; k < 20; k++) {
      const delay = Math.round(next() * 100);
      writes += await killWriterAfter(dir, delay);
      if ((await readdir(dir)).some((e) => e.startsWith('.tmp-'))) leftTemp++;
      const loaded = await loadCheckpoint(dir, { fallback: false });
      expect(loaded.state.iteration, `kill ${k} after ${delay} ms`).toBeGreaterThanOrEqual(latest);
      latest = loaded.state.iteration;
      for (const path of await listCheckpoints(dir)) await loadCheckpoint(path);
    }
    // The kills did land while writing: the loop ran, and some kills left a temporary folder behind.
    console.log(`20 SIGKILLs: ${writes} write loops reported, latest iteration ${latest}, ${leftTemp} kills left a .tmp-* folder`);
    expect(latest).toBeGreaterThan(1);
    expect(leftTemp).toBeGreaterThan(0);
    // The next write, by the folder's one writer, sweeps them away.
    await new Checkpoint({ dir, keep: 2 }).save(fakeState(await captured(latest + 1)));
    expect((await readdir(dir)).filter((e) => e.startsWith('.tmp-'))).toEqual([]);
    expect((await loadCheckpoint(dir)).state.iteration).toBe(latest + 1);
  });
});
