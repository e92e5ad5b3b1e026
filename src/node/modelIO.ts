import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GanHacksError } from '../errors/index.js';
import { writeFileAtomic } from './files.js';

const WEIGHTS_FILE = 'weights.bin';

/**
 * Writes model artifacts as the tfjs layers format (`model.json` plus one
 * weights file) into `dir`, without tfjs-node's `file://` handler.
 */
export async function writeModelArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  const data = artifacts.weightData;
  const buffer = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  await writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(buffer));
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
  };
  await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
}

/** Reads what {@link writeModelArtifacts} wrote. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  let json: { modelTopology?: object; format?: string; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Cannot read ${join(dir, 'model.json')}: ${(cause as Error).message}`, { cause });
  }
  const manifest = json.weightsManifest?.[0];
  if (!json.modelTopology || !manifest || !Array.isArray(manifest.weights)) {
    throw new GanHacksError('CHECKPOINT_INVALID', `${join(dir, 'model.json')} is not a tfjs layers model.`);
  }
  let weights: Buffer;
  try {
    weights = await readFile(join(dir, manifest.paths[0] ?? WEIGHTS_FILE));
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Cannot read the weights of ${dir}: ${(cause as Error).message}`, { cause });
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs: manifest.weights,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  };
}

/**
 * Saves a model in the tfjs layers format to a directory (no tfjs-node needed).
 *
 * @example
 * ```ts
 * await saveModel(generator, 'runs/b1/generator-epoch-10');
 * const g = await loadModel('runs/b1/generator-epoch-10');
 * ```
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      await writeModelArtifacts(dir, artifacts);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Loads a model saved by {@link saveModel} (or any single-shard tfjs layers model). */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const artifacts = await readModelArtifacts(dir);
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
