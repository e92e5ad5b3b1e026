import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Checkpoint, listCheckpoints, loadCheckpoint, saveModel, writeCheckpoint } from '../../src/node/index.js';
import { tinyGenerator } from '../train/tiny.js';
import { captured, fakeState } from './checkpointFixtures.js';

/**
 * Deterministic failures: node:fs/promises is wrapped so that one operation
 * on paths matching a pattern fails with a real errno-coded error, as the
 * kernel would raise it (root ignores chmod, so permissions cannot be tested
 * with real modes here).
 */
const inject = vi.hoisted(() => ({ current: undefined as undefined | { op: 'mkdir' | 'open' | 'write' | 'rename'; code: string; match: RegExp } }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const errno: Record<string, number> = { ENOSPC: -28, EROFS: -30, EACCES: -13, EDQUOT: -122, ENOENT: -2 };
  const failing = (op: string, path: unknown): NodeJS.ErrnoException | undefined => {
    const f = inject.current;
    if (!f || f.op !== op || !f.match.test(String(path))) return undefined;
    return Object.assign(new Error(`${f.code}: injected failure, ${op} '${String(path)}'`), { code: f.code, errno: errno[f.code], syscall: op, path: String(path) });
  };
  const mkdir: typeof real.mkdir = (async (path: Parameters<typeof real.mkdir>[0], options?: Parameters<typeof real.mkdir>[1]) => {
    const e = failing('mkdir', path);
    if (e) throw e;
    return real.mkdir(path, options);
  }) as typeof real.mkdir;
  const rename: typeof real.rename = async (from, to) => {
    const e = failing('rename', to);
    if (e) throw e;
    return real.rename(from, to);
  };
  const open = (async (path: Parameters<typeof real.open>[0], ...rest: [string?, number?]) => {
    const e = failing('open', path);
    if (e) throw e;
    const handle = await real.open(path, ...rest);
    const w = failing('write', path);
    if (!w) return handle;
    // A full disk takes part of the data, then refuses the rest.
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'writeFile') {
          return async (data: string | Uint8Array) => {
            await target.writeFile(typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
            throw w;
          };
        }
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  }) as typeof real.open;
  return { ...real, default: { ...real, mkdir, rename, open }, mkdir, rename, open };
});

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'ckpt-err-'));

async function rejection(f: () => Promise<unknown>): Promise<{ code?: string; message: string; cause?: NodeJS.ErrnoException }> {
  try {
    await f();
  } catch (e) {
    return e as { code?: string; message: string; cause?: NodeJS.ErrnoException };
  }
  throw new Error('expected a rejection');
}

describe('write errors (injected, deterministic)', () => {
  const cases = [
    { op: 'write', code: 'ENOSPC', match: /weights\.bin/, hint: 'the disk is full' },
    { op: 'write', code: 'EDQUOT', match: /trainer\.json/, hint: 'quota' },
    { op: 'write', code: 'ENOSPC', match: /trainer\.json/, hint: 'the disk is full' },
    { op: 'open', code: 'EROFS', match: /optimizer-generator/, hint: 'read-only' },
    { op: 'mkdir', code: 'EACCES', match: /\.tmp-ckpt/, hint: 'permission denied' },
    { op: 'rename', code: 'ENOSPC', match: /ckpt-00000002$/, hint: 'the disk is full' },
  ] as const;
  for (const c of cases) {
    it(`${c.code} on ${c.op} of ${c.match.source}: CHECKPOINT_WRITE naming path and cause, no temp folder left, the last good checkpoint kept`, async () => {
      const dir = await tmp();
      const hook = new Checkpoint({ dir, keep: 1 });
      const good = await hook.save(fakeState(await captured(1)));
      const goodBytes = await readFile(join(good!, 'trainer.json'));
      inject.current = c;
      let e;
      try {
        e = await rejection(async () => hook.save(fakeState(await captured(2, 7))));
      } finally {
        inject.current = undefined;
      }
      expect(e.code).toBe('CHECKPOINT_WRITE');
      expect(e.message).toContain(c.code);
      expect(e.message).toContain(c.hint);
      expect(e.message).toContain(e.cause!.path!);
      expect(e.message).toContain(dir);
      expect(e.cause?.code).toBe(c.code);
      // Nothing partial, nothing pruned: the folder holds exactly the good checkpoint.
      expect(await readdir(dir)).toEqual(['ckpt-00000001']);
      expect(await readFile(join(good!, 'trainer.json'))).toEqual(goodBytes);
      expect((await loadCheckpoint(dir)).state.iteration).toBe(1);
      expect(hook.written).toEqual([good]);
      // The disk recovers: the next write works.
      await hook.save(fakeState(await captured(2, 7)));
      expect((await loadCheckpoint(dir)).state.iteration).toBe(2);
    });
  }

  it('ENOENT on a missing parent that cannot be created: CHECKPOINT_WRITE saying so (the real read-only case is below)', async () => {
    const dir = await tmp();
    // Node's recursive mkdir reports ENOENT where the file system is read-only; the probe finds the real cause.
    inject.current = { op: 'mkdir', code: 'ENOENT', match: /new-folder/ };
    let e;
    try {
      e = await rejection(async () => writeCheckpoint(await captured(1), join(dir, 'new-folder', 'ckpt')));
    } finally {
      inject.current = undefined;
    }
    expect(e.code).toBe('CHECKPOINT_WRITE');
    expect(e.message).toContain('a parent folder is missing and could not be created');
    expect(e.cause?.code).toBe('ENOENT');
  });

  it('saveModel turns a full disk into CHECKPOINT_WRITE too', async () => {
    const dir = await tmp();
    inject.current = { op: 'write', code: 'ENOSPC', match: /model\.json/ };
    let e;
    try {
      e = await rejection(() => saveModel(tinyGenerator(), join(dir, 'g')));
    } finally {
      inject.current = undefined;
    }
    expect(e.code).toBe('CHECKPOINT_WRITE');
    expect(e.message).toContain('ENOSPC');
    expect((await readdir(join(dir, 'g'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a parent that is a file: CHECKPOINT_WRITE (real ENOTDIR)', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'file'), 'x');
    const e = await rejection(async () => writeCheckpoint(await captured(1), join(dir, 'file', 'ckpts')));
    expect(e.code).toBe('CHECKPOINT_WRITE');
    expect(e.message).toMatch(/ENOTDIR|EEXIST/);
  });
});

/** A real small tmpfs, when this process may mount one (root in a sandbox that allows it). */
function tryMount(options: string): { dir: string; error?: undefined } | { dir?: undefined; error: string } {
  const dir = execFileSync('mktemp', ['-d', join(tmpdir(), 'ckpt-tmpfs-XXXXXX')]).toString().trim();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (e) {
    execFileSync('rmdir', [dir]);
    return { error: String((e as { stderr?: Buffer }).stderr ?? e).trim() || 'mount failed' };
  }
}

const mounted: string[] = [];
const probe = process.platform === 'linux' ? tryMount('size=16k') : { error: 'not Linux' };
if (probe.dir) mounted.push(probe.dir);
const skipReason = probe.error ? ` (skipped: cannot mount a tmpfs here: ${probe.error})` : '';

afterAll(() => {
  for (const d of mounted) {
    try {
      execFileSync('umount', [d]);
      execFileSync('rmdir', [d]);
    } catch {
      // leave it for the system's temp cleaner
    }
  }
});

describe('write errors on a real file system', () => {
  it.skipIf(!probe.dir)(`a real full tmpfs: CHECKPOINT_WRITE with ENOSPC, the last good checkpoint kept${skipReason}`, async () => {
    const m = tryMount('size=512k');
    if (!m.dir) throw new Error(m.error);
    mounted.push(m.dir);
    const dir = join(m.dir, 'ckpts');
    const hook = new Checkpoint({ dir, keep: 1 });
    const good = await hook.save(fakeState(await captured(1)));
    // Fill what is left, but for a few KB: less than a checkpoint needs.
    const { execFileSync: run } = await import('node:child_process');
    const free = Number(run('df', ['--output=avail', '-B1', m.dir]).toString().split('\n')[1]);
    await writeFile(join(m.dir, 'filler'), Buffer.alloc(Math.max(0, free - 4096)));
    const e = await rejection(async () => hook.save(fakeState(await captured(2))));
    expect(e.code).toBe('CHECKPOINT_WRITE');
    expect(e.cause?.code).toBe('ENOSPC');
    expect(e.message).toContain('the disk is full');
    expect(await readdir(dir)).toEqual(['ckpt-00000001']);
    expect((await loadCheckpoint(dir, { fallback: false })).state.iteration).toBe(1);
    expect(await listCheckpoints(dir)).toEqual([good]);
    await rm(join(m.dir, 'filler'));
    await hook.save(fakeState(await captured(2)));
    expect((await loadCheckpoint(dir)).state.iteration).toBe(2);
  });

  it.skipIf(!probe.dir)(`a real read-only tmpfs: CHECKPOINT_WRITE naming EROFS (Node's mkdir says ENOENT)${skipReason}`, async () => {
    const m = tryMount('size=64k,ro');
    if (!m.dir) throw new Error(m.error);
    mounted.push(m.dir);
    const e = await rejection(async () => writeCheckpoint(await captured(1), join(m.dir, 'ckpts')));
    expect(e.code).toBe('CHECKPOINT_WRITE');
    expect(e.message).toContain('EROFS');
    expect(e.message).toContain('read-only');
    expect(e.message).toContain(m.dir);
  });
});
