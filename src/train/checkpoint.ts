import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { HistoryJSON } from '../history/index.js';
import type { DataCursor } from './data.js';
import type { RngState } from '../internal/random.js';
import { show } from '../internal/validate.js';

/**
 * Version of the checkpoint layout. 2 adds Adam's running β products to the
 * optimizer state (exact resume); 1 is still read (its Adam resumes within
 * float32 rounding, as tfjs rebuilds the products).
 */
export const CHECKPOINT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

/** Weights in the tfjs binary layout: one buffer and the specs that slice it. */
export interface EncodedWeights {
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

/** Everything besides weights that a resumed run needs to continue exactly. */
export interface TrainerStateJSON {
  format: 'gan-hacks-checkpoint';
  version: number;
  iteration: number;
  latentDim: number;
  rng: RngState;
  dataRng: RngState;
  /** The dropout masks' stream; older checkpoints lack it (the stream then restarts from the seed). */
  dropoutRng?: RngState;
  dataCursor?: DataCursor;
  history: HistoryJSON;
  /**
   * The saved states of the run's stateful parts: regularizers (historical
   * averaging), augmentations (the replay buffer) and hooks (`ema`), each by its
   * kind and index in the trainer's options; their tensors are in
   * {@link TrainerCheckpoint.regularizers}, in this order.
   */
  regularizers?: RegularizerStateJSON[];
}

/** One stateful part's saved numbers and how many of the encoded tensors are its. */
export interface RegularizerStateJSON {
  /** What the part is; absent for a regularizer (the only kind before augmentations and hooks kept state). */
  kind?: 'regularizer' | 'augmentation' | 'hook';
  index: number;
  name: string;
  values: Record<string, number>;
  tensors: number;
}

/**
 * An in-memory checkpoint of a Trainer: both models in the tfjs layers
 * format, both optimizers' state, and the run's counters, random state and
 * history. `gan-hacks/node` writes and reads it as a directory.
 */
export interface TrainerCheckpoint {
  generator: tf.io.ModelArtifacts;
  discriminator: tf.io.ModelArtifacts;
  optimizers: { generator: EncodedWeights; discriminator: EncodedWeights };
  /** Tensors of the stateful parts (historical averaging's running mean, the replay buffer, ema's averages), when any has some. */
  regularizers?: EncodedWeights;
  state: TrainerStateJSON;
}

/**
 * Anything that can hand the Trainer a checkpoint to resume from: a folder
 * reader in Node (`gan-hacks/node`'s `Checkpoint` hook and `checkpointFolder`),
 * an IndexedDB store in a browser.
 *
 * @example
 * ```ts
 * const source: CheckpointSource = { load: () => loadCheckpoint('runs/b1/checkpoints') };
 * await trainer.resume(source);
 * ```
 */
export interface CheckpointSource {
  /** Reads the checkpoint to resume from (the latest complete one, for a folder). */
  load(): Promise<TrainerCheckpoint>;
}

/** Captures a model's artifacts (topology and weights) without touching any storage. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new GanHacksError('TRAINING_STATE', `Could not capture the weights of model "${model.name}".`);
  return captured;
}

function byteLength(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const bytes = spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : spec.dtype === 'bool' ? 1 : NaN;
  return size * bytes;
}

/** Refuses encoded float32 values that are NaN or infinite (read on the host: no device read). */
function checkFinite(what: string, specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  let offset = 0;
  for (const spec of specs) {
    const n = byteLength(spec);
    if (spec.dtype === 'float32') {
      const values = new Float32Array(data.slice(offset, offset + n));
      if (!values.every(Number.isFinite)) {
        throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: ${what} ${spec.name} holds NaN or infinite values; resume from an earlier checkpoint.`);
      }
    }
    offset += n;
  }
}

/** Checks that `data` holds exactly what `specs` describe; a truncated file fails here. */
export function checkEncoded(what: string, specs: tf.io.WeightsManifestEntry[] | undefined, data: ArrayBuffer | undefined): void {
  if (!Array.isArray(specs) || !(data instanceof ArrayBuffer)) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: ${what} has no weight specs or data.`);
  }
  for (const spec of specs as Partial<tf.io.WeightsManifestEntry>[]) {
    const ok =
      typeof spec === 'object' &&
      spec !== null &&
      typeof spec.name === 'string' &&
      Array.isArray(spec.shape) &&
      spec.shape.every((d) => Number.isInteger(d) && d >= 0) &&
      ['float32', 'int32', 'bool'].includes(spec.dtype as string) &&
      spec.quantization === undefined;
    if (!ok) throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: ${what} has a damaged weight spec (${show(JSON.stringify(spec))}).`);
  }
  const expected = specs.reduce((n, s) => n + byteLength(s), 0);
  if (!Number.isFinite(expected) || expected !== data.byteLength) {
    throw new GanHacksError(
      'CHECKPOINT_INVALID',
      `Checkpoint: ${what} should hold ${expected} bytes of weights but holds ${data.byteLength}; the checkpoint is truncated or corrupt.`,
    );
  }
  checkFinite(what, specs, data);
}

/** Tensors of encoded weights in spec order (caller disposes). */
export function decodeInOrder(encoded: EncodedWeights): tf.Tensor[] {
  const map = tf.io.decodeWeights(encoded.data, encoded.specs);
  return encoded.specs.map((s) => map[s.name]);
}

/** Model weights of artifacts, in `model.weights` order (caller disposes). */
export function artifactWeights(what: string, artifacts: tf.io.ModelArtifacts): tf.Tensor[] {
  if (typeof artifacts !== 'object' || artifacts === null) throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: ${what} has no model artifacts.`);
  const data = artifacts.weightData;
  const buffer = Array.isArray(data) ? (data.every((b) => b instanceof ArrayBuffer) ? tf.io.concatenateArrayBuffers(data) : undefined) : data;
  checkEncoded(what, artifacts.weightSpecs, buffer);
  return decodeInOrder({ specs: artifacts.weightSpecs!, data: buffer! });
}

/** Validates the plain-data part of a checkpoint. */
export function checkState(state: TrainerStateJSON | undefined): asserts state is TrainerStateJSON {
  if (!state || state.format !== 'gan-hacks-checkpoint') {
    throw new GanHacksError('CHECKPOINT_INVALID', 'Checkpoint: the trainer state is missing or is not a gan-hacks checkpoint.');
  }
  if (!READABLE_VERSIONS.includes(state.version)) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: layout version ${show(state.version)} is not supported (this gan-hacks reads ${READABLE_VERSIONS.join(' and ')}).`);
  }
  if (!Number.isInteger(state.iteration) || state.iteration < 0 || !isObject(state.rng) || !isObject(state.dataRng) || !isObject(state.history)) {
    throw new GanHacksError('CHECKPOINT_INVALID', 'Checkpoint: the trainer state lacks its iteration, random state or history.');
  }
  if (!Number.isInteger(state.latentDim) || state.latentDim < 1) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Checkpoint: latentDim ${show(state.latentDim)} is not a positive integer.`);
  }
  if (state.dataCursor !== undefined) checkCursor(state.dataCursor);
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** A data cursor must be a permutation prefix position: integer indices and a position inside the order. */
function checkCursor(cursor: DataCursor): void {
  const { order, position } = (cursor ?? {}) as Partial<DataCursor>;
  const ok =
    Array.isArray(order) &&
    order.every((i) => Number.isInteger(i) && i >= 0 && i < order.length) &&
    Number.isInteger(position) &&
    position! >= 0 &&
    position! <= order.length;
  if (!ok) {
    throw new GanHacksError('CHECKPOINT_INVALID', 'Checkpoint: the data cursor is damaged (its order must list sample indices and its position must be an integer inside it).');
  }
}
