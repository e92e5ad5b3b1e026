import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Trainer, type TrainerCheckpoint } from '../../src/index.js';
import type { TrainState } from '../../src/train/hooks.js';
import { tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

/** A real Trainer's checkpoint (no training needed), with its iteration set. */
export async function captured(iteration: number, generatorSeed = 1): Promise<TrainerCheckpoint> {
  const t = new Trainer({ generator: tinyGenerator(generatorSeed), discriminator: tinyDiscriminator(), latentDim: 3, seed: 5 });
  const c = await t.checkpoint();
  return { ...c, state: { ...c.state, iteration } };
}

/** The part of TrainState the Checkpoint hook reads. */
export function fakeState(checkpoint: TrainerCheckpoint): TrainState {
  return { iteration: checkpoint.state.iteration, checkpoint: async () => checkpoint } as unknown as TrainState;
}

/** Every file under `dir`, as '/'-separated paths relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
  }
  return out.sort();
}

const sha = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Rewrites trainer.json of `ckpt` after `edit` changed its content, with
 * consistent hashes (a forger's checkpoint), so a test reaches the checks
 * behind the hashes. `rehash` names files whose recorded hash is recomputed.
 */
export async function forge(ckpt: string, edit: (json: Record<string, unknown>) => void, rehash: string[] = []): Promise<void> {
  const text = await readFile(join(ckpt, 'trainer.json'), 'utf8');
  const json = JSON.parse(text) as Record<string, unknown> & { files: Record<string, string> };
  delete json.sha256;
  for (const f of rehash) json.files[f] = sha(await readFile(join(ckpt, f)));
  edit(json);
  const body = JSON.stringify(json).slice(1);
  await writeFile(join(ckpt, 'trainer.json'), `{"sha256":"${sha(body)}",${body}`);
}
