import fc from 'fast-check';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GanHacksError } from '../../src/index.js';
import { checkpointFolder, listCheckpoints, loadCheckpoint, loadModel, readModelArtifacts, writeCheckpoint, writeFileAtomic } from '../../src/node/index.js';
import { captured, forge } from './checkpointFixtures.js';

const SEED = 20261202;

/** Every property: a GanHacksError with one of `codes`, or a value, never another error. */
async function refusesCleanly(f: () => Promise<unknown>, codes: string[]): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (!(e instanceof GanHacksError)) throw e;
    expect(codes).toContain(e.code);
    return true;
  }
}

/** Paths of every value inside a JSON document. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
}

describe('checkpoint reading under generated damage', () => {
  it('any value anywhere in trainer.json, behind valid hashes, gives a checkpoint or CHECKPOINT_INVALID', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-fuzz-'));
    const good = await writeCheckpoint(await captured(4), dir);
    const doc = JSON.parse(await readFile(join(good, 'trainer.json'), 'utf8'));
    delete doc.sha256;
    const all = paths(doc).filter((p) => p.length > 0);
    const work = join(dir, 'work', 'ckpt-00000004');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: all.length - 1 }), fc.jsonValue({ maxDepth: 2 }), async (at, value) => {
        await rm(join(dir, 'work'), { recursive: true, force: true });
        await cp(good, work, { recursive: true });
        await forge(work, (json) => setAt(json, all[at], value));
        return refusesCleanly(() => loadCheckpoint(work), ['CHECKPOINT_INVALID']);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('random bytes written over any file give CHECKPOINT_INVALID', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-fuzz-'));
    const good = await writeCheckpoint(await captured(4), dir);
    const files = ['trainer.json', 'generator/model.json', 'generator/weights.bin', 'discriminator/model.json', 'optimizer-generator.bin'];
    const work = join(dir, 'work', 'ckpt-00000004');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.nat(), async (file, bytes, offset) => {
        await rm(join(dir, 'work'), { recursive: true, force: true });
        await cp(good, work, { recursive: true });
        const original = await readFile(join(work, file));
        const at = offset % (original.length + 1);
        const damaged = Buffer.concat([original.subarray(0, at), Buffer.from(bytes), original.subarray(at + bytes.length)]);
        fc.pre(!damaged.equals(original));
        await writeFile(join(work, file), damaged);
        let code: string | undefined;
        try {
          await loadCheckpoint(work);
        } catch (e) {
          code = (e as GanHacksError).code;
          if (!(e instanceof GanHacksError)) throw e;
        }
        expect(code).toBe('CHECKPOINT_INVALID');
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('arguments of any type: a GanHacksError (or a result), never a TypeError', { timeout: 60_000 }, async () => {
    const c = await captured(2);
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-fuzz-'));
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (a, b) => {
        // Strings become names inside a temp folder (nothing is written elsewhere).
        const p = typeof a === 'string' ? join(dir, a.replace(/[\0./\\]/g, '_')) : a;
        const codes = ['INVALID_ARGUMENT', 'CHECKPOINT_INVALID', 'CHECKPOINT_WRITE', 'NON_FINITE_INPUT'];
        await refusesCleanly(() => loadCheckpoint(p as string, b as never), codes);
        await refusesCleanly(() => listCheckpoints(p as string), codes);
        await refusesCleanly(async () => checkpointFolder(p as string, b as never), codes);
        await refusesCleanly(() => readModelArtifacts(p as string), codes);
        await refusesCleanly(() => loadModel(p as string), codes);
        await refusesCleanly(() => writeCheckpoint(b as never, p as string), codes);
        await refusesCleanly(() => writeCheckpoint(c, p as string), codes);
        if (typeof b !== 'string') await refusesCleanly(() => writeFileAtomic(join(dir, 'f'), b as string), codes);
        return true;
      }),
      { numRuns: 120, seed: SEED },
    );
  });
});
