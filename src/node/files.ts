import { access, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { GanHacksError } from '../errors/index.js';
import { optionsObject, show } from '../internal/validate.js';

/**
 * Options of {@link writeFileAtomic}.
 *
 * @example
 * ```ts
 * await writeFileAtomic('out/weights.bin', bytes, { sync: true });
 * ```
 */
export interface WriteFileAtomicOptions {
  /**
   * Flush the file to the disk (`fsync`) before renaming it into place, so
   * that a power cut cannot leave an empty or partial file under the final
   * name. A killed process never can: the rename is what publishes the file.
   * @defaultValue false
   */
  sync?: boolean;
}

/**
 * Refuses a path that is not a non-empty string (an empty or blank path would
 * resolve to the working directory).
 * @internal
 */
export function assertPath(where: string, name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\0')) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${where}: ${name} must be a non-empty path, got ${typeof value === 'string' ? show(value) : value === null ? 'null' : typeof value}; pass a folder or file path such as 'runs/b1'.`,
    );
  }
}

/** Hex sha256 of some bytes. @internal */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes a file atomically: to a temporary sibling first, then renamed over
 * the target, so a crash or a bad input never leaves a half-written file.
 * The argument order is Node's `fs.writeFile(path, data)`.
 *
 * File-system errors (a full disk, a read-only folder) are thrown as Node
 * raised them, with their `code`; the temporary file is removed first.
 *
 * @example
 * ```ts
 * await writeFileAtomic('out/history.json', JSON.stringify(history));
 * await writeFileAtomic('out/weights.bin', bytes, { sync: true });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path or data that is neither a string nor bytes.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options?: WriteFileAtomicOptions): Promise<void> {
  assertPath('writeFileAtomic', 'path', path);
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new GanHacksError('INVALID_ARGUMENT', `writeFileAtomic: data must be a string or a Uint8Array, got ${data === null ? 'null' : typeof data}.`);
  }
  const sync = optionsObject('writeFileAtomic', options).sync ?? false;
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      if (sync) await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

const WRITE_HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full; free some space or write to another folder',
  EDQUOT: 'the disk quota is exhausted; free some space or write to another folder',
  EROFS: 'the file system is read-only; write to a writable folder',
  EACCES: 'permission denied; write to a folder this process may write to',
  EPERM: 'operation not permitted; write to a folder this process may write to',
  ENOENT: 'a parent folder is missing and could not be created',
  ENOTDIR: 'a parent of the path is a file, not a folder',
  EEXIST: 'something else already exists under that name',
};

/**
 * A missing-parent ENOENT from a recursive mkdir often hides the real cause
 * (Node reports ENOENT on a read-only file system): probe the nearest
 * existing ancestor for write access and return its error, if any.
 */
async function realCause(path: string): Promise<NodeJS.ErrnoException | undefined> {
  let p = path;
  for (;;) {
    const parent = dirname(p);
    const exists = await stat(p).then(
      () => true,
      () => false,
    );
    if (exists) {
      try {
        await access(p, constants.W_OK);
        return undefined;
      } catch (e) {
        return e as NodeJS.ErrnoException;
      }
    }
    if (parent === p) return undefined;
    p = parent;
  }
}

/**
 * Turns a file-system error met while writing `what` into a
 * `GanHacksError('CHECKPOINT_WRITE')` naming the path and the cause (kept as
 * `cause`); a GanHacksError passes through.
 * @internal
 */
export async function writeError(what: string, fallbackPath: string, e: unknown, after = ''): Promise<GanHacksError> {
  if (e instanceof GanHacksError) return e;
  const err = e as NodeJS.ErrnoException;
  let code = err?.code ?? 'UNKNOWN';
  const path = err?.path ?? fallbackPath;
  let extra = '';
  if (code === 'ENOENT') {
    const real = await realCause(path).catch(() => undefined);
    if (real?.code) {
      extra = ` (the nearest existing folder, ${real.path ?? '?'}, is not writable: ${real.code})`;
      code = real.code;
    }
  }
  const hint = WRITE_HINTS[code] ?? 'check that the folder exists and is writable';
  return new GanHacksError(
    'CHECKPOINT_WRITE',
    `${what}: cannot write ${path}: ${err?.code ?? 'error'}${extra}: ${hint}.${after ? ` ${after}` : ''} (${err?.message ?? String(e)})`,
    { cause: e },
  );
}
