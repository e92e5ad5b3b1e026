import * as tf from '@tensorflow/tfjs';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { GanHacksError } from '../errors/index.js';
import { assertPath, sha256, writeError, writeFileAtomic } from './files.js';

const WEIGHTS_FILE = 'weights.bin';
const MODEL_FILE = 'model.json';

/**
 * The segments of a file name read from a checkpoint or a model.json; refuses
 * an absolute name, a drive letter or any `..` segment.
 */
function relativeParts(name: unknown, root: string, what: string): string[] {
  if (typeof name !== 'string' || name === '' || name.includes('\0')) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${what}: the file name ${show(name)} is not a relative path; the file is damaged.`);
  }
  const parts = name.split(/[\\/]/);
  if (isAbsolute(name) || posix.isAbsolute(name) || /^[A-Za-z]:/.test(name) || name.startsWith('\\') || parts.includes('..')) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${what}: the file name ${JSON.stringify(name)} points outside ${root}; refusing to read it.`);
  }
  return parts;
}

/**
 * Resolves `name` (a file name read from a checkpoint or a model.json) under
 * `base`, and refuses it unless it stays inside `root`: no absolute path, no
 * `..`, and no symbolic link leading outside (checked on the real paths).
 * @internal
 */
export async function insideFolder(root: string, base: string, name: unknown, what: string): Promise<string> {
  const parts = relativeParts(name, root, what);
  const full = resolve(base, ...parts);
  let realRoot: string;
  let realFull: string;
  try {
    realRoot = await realpath(root);
    realFull = await realpath(full);
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${what}: ${full} is missing (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); the folder is incomplete.`, { cause });
  }
  const rel = relative(realRoot, realFull);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${what}: ${full} resolves to ${realFull}, outside ${realRoot} (a symbolic link?); refusing to read it.`);
  }
  return realFull;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
}

/** Reads one file of a model folder given its name relative to that folder. @internal */
export type FileReader = (name: string) => Promise<Uint8Array>;

/** A reader confined to `root` (every name must resolve inside it). @internal */
export function folderReader(root: string, what: string): FileReader {
  return async (name) => {
    const path = await insideFolder(root, root, name, what);
    try {
      return await readFile(path);
    } catch (cause) {
      throw new GanHacksError('CHECKPOINT_INVALID', `${what}: cannot read ${path}: ${(cause as Error).message}`, { cause });
    }
  };
}

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function weightBytes(artifacts: tf.io.ModelArtifacts): Uint8Array {
  const data = artifacts.weightData;
  const buffer = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return new Uint8Array(buffer);
}

function checkArtifacts(where: string, artifacts: unknown): asserts artifacts is tf.io.ModelArtifacts {
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a || typeof a !== 'object' || !a.modelTopology || typeof a.modelTopology !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: artifacts must be tfjs model artifacts with a modelTopology (what model.save() hands a save handler), got ${show(artifacts)}.`);
  }
  const data = a.weightData;
  if (data !== undefined && !(data instanceof ArrayBuffer) && !(Array.isArray(data) && data.every((d) => d instanceof ArrayBuffer))) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: artifacts.weightData must be an ArrayBuffer (or an array of them).`);
  }
}

/**
 * Writes the model files into `dir` (`dir` relative to `root` is `prefix`)
 * and returns the sha256 of each, keyed by its path relative to `root`.
 * @internal
 */
export async function writeModelFiles(artifacts: tf.io.ModelArtifacts, dir: string, prefix: string, sync: boolean): Promise<Record<string, string>> {
  const weights = weightBytes(artifacts);
  const modelJson = JSON.stringify({
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
  });
  await writeFileAtomic(join(dir, WEIGHTS_FILE), weights, { sync });
  await writeFileAtomic(join(dir, MODEL_FILE), modelJson, { sync });
  return { [`${prefix}${WEIGHTS_FILE}`]: sha256(weights), [`${prefix}${MODEL_FILE}`]: sha256(modelJson) };
}

/**
 * Reads a model folder through `read`: model.json, then every weight file
 * its manifest names, concatenated in manifest order.
 * @internal
 */
export async function readModelFiles(read: FileReader, prefix: string, what: string): Promise<tf.io.ModelArtifacts> {
  let json: { modelTopology?: object; format?: string; weightsManifest?: { paths?: unknown; weights?: tf.io.WeightsManifestEntry[] }[] };
  const jsonBytes = await read(`${prefix}${MODEL_FILE}`);
  try {
    json = JSON.parse(Buffer.from(jsonBytes).toString('utf8'));
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${what}: ${prefix}${MODEL_FILE} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const groups = json?.weightsManifest;
  if (!json || typeof json.modelTopology !== 'object' || json.modelTopology === null || !Array.isArray(groups) || groups.length === 0) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${what}: ${prefix}${MODEL_FILE} is not a tfjs layers model.`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of groups) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new GanHacksError('CHECKPOINT_INVALID', `${what}: ${prefix}${MODEL_FILE} has a weights manifest without paths or weights.`);
    }
    specs.push(...group.weights);
    for (const p of group.paths as unknown[]) {
      relativeParts(p, `the folder of ${prefix}${MODEL_FILE}`, `${what}: ${prefix}${MODEL_FILE}`);
      buffers.push(await read(`${prefix}${p}`));
    }
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weights = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    weights.set(b, at);
    at += b.byteLength;
  }
  return { modelTopology: json.modelTopology, format: json.format, weightSpecs: specs, weightData: toArrayBuffer(weights) };
}

let warnedWriteOrder = false;

/**
 * Writes model artifacts as the tfjs layers format (`model.json` plus one
 * weights file) into `dir`, without tfjs-node's `file://` handler. Each file
 * is written atomically; file-system errors become `CHECKPOINT_WRITE`.
 *
 * The old order `writeModelArtifacts(dir, artifacts)` still works for one
 * minor version, with a one-time deprecation warning.
 *
 * @example
 * ```ts
 * await model.save(tf.io.withSaveHandler(async (artifacts) => {
 *   await writeModelArtifacts(artifacts, 'runs/b1/generator');
 *   return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
 * }));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path or artifacts without a topology; `CHECKPOINT_WRITE` when the disk refuses the write.
 */
export async function writeModelArtifacts(artifacts: tf.io.ModelArtifacts, dir: string): Promise<void>;
/** @deprecated Pass the artifacts first: `writeModelArtifacts(artifacts, dir)`. */
export async function writeModelArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): Promise<void>;
export async function writeModelArtifacts(a: tf.io.ModelArtifacts | string, b: string | tf.io.ModelArtifacts): Promise<void> {
  let artifacts = a as unknown;
  let dir = b as unknown;
  if (typeof a === 'string') {
    if (!warnedWriteOrder) {
      warnedWriteOrder = true;
      console.warn('gan-hacks: writeModelArtifacts(dir, artifacts) is deprecated; call writeModelArtifacts(artifacts, dir). The old order goes in the next minor version.');
    }
    artifacts = b;
    dir = a;
  }
  assertPath('writeModelArtifacts', 'dir', dir);
  checkArtifacts('writeModelArtifacts', artifacts);
  try {
    await writeModelFiles(artifacts, dir, '', false);
  } catch (e) {
    throw await writeError('writeModelArtifacts', dir, e);
  }
}

/**
 * Reads what {@link writeModelArtifacts} wrote (or any tfjs layers model
 * folder, shards included). Every weight file named by model.json must lie
 * inside `dir`: an absolute path, `..` or a symbolic link leading out is refused.
 *
 * @example
 * ```ts
 * const artifacts = await readModelArtifacts('runs/b1/generator');
 * const g = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path; `CHECKPOINT_INVALID` for a missing, damaged or escaping file.
 */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  assertPath('readModelArtifacts', 'dir', dir);
  return readModelFiles(folderReader(dir, `readModelArtifacts(${JSON.stringify(dir)})`), '', `readModelArtifacts(${JSON.stringify(dir)})`);
}

function checkModel(where: string, model: unknown): asserts model is tf.LayersModel {
  if (!model || typeof model !== 'object' || typeof (model as tf.LayersModel).save !== 'function' || !Array.isArray((model as tf.LayersModel).weights)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: model must be a tf.LayersModel, got ${show(model)}.`);
  }
}

/**
 * Saves a model in the tfjs layers format to a directory (no tfjs-node needed).
 *
 * @example
 * ```ts
 * await saveModel(generator, 'runs/b1/generator-epoch-10');
 * const g = await loadModel('runs/b1/generator-epoch-10');
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for something that is not a model or an empty / blank path (which would write into the working directory); `CHECKPOINT_WRITE` when the disk refuses the write.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  checkModel('saveModel', model);
  assertPath('saveModel', 'dir', dir);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      try {
        await writeModelFiles(artifacts, dir, '', false);
      } catch (e) {
        throw await writeError('saveModel', dir, e);
      }
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/**
 * Loads a model saved by {@link saveModel} (or any tfjs layers model folder).
 *
 * @example
 * ```ts
 * const g = await loadModel('runs/b1/generator-epoch-10');
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty path; `CHECKPOINT_INVALID` for a missing, damaged or escaping file.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  assertPath('loadModel', 'dir', dir);
  const artifacts = await readModelArtifacts(dir);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
