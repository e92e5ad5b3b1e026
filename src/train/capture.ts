import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import { History } from '../history/index.js';
import type { Regularizer, RegularizerState } from '../regularizers/types.js';
import type { Augmentation } from '../augmentations/types.js';
import type { Hook } from './hooks.js';
import type { RngState, StatefulRng } from '../internal/random.js';
import type { DataCursor } from './data.js';
import {
  artifactWeights,
  checkEncoded,
  checkState,
  CHECKPOINT_VERSION,
  decodeInOrder,
  modelArtifacts,
  type EncodedWeights,
  type RegularizerStateJSON,
  type CheckpointSource,
  type TrainerCheckpoint,
} from './checkpoint.js';
import { encodeOptimizer, restoreOptimizer } from './optimizerState.js';

/** What a checkpoint is taken from and restored into: the parts of a run. */
export interface RunParts {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  generatorOptimizer: tf.Optimizer;
  discriminatorOptimizer: tf.Optimizer;
  regularizers: readonly Regularizer[];
  augmentations: readonly Augmentation[];
  hooks: readonly Hook[];
  latentDim: number;
  rngs: { rng: StatefulRng; dataRng: StatefulRng; dropoutRng: StatefulRng };
}

/** The plain counters of a run, taken with the checkpoint and handed back by a restore. */
export interface RunCounters {
  iteration: number;
  dataCursor: DataCursor | undefined;
  history: History;
}

/** A part of the run that may keep state across iterations: a regularizer, an augmentation or a hook. */
interface StatefulPart {
  readonly name?: string;
  saveState?(): RegularizerState;
  loadState?(state: RegularizerState): void;
}

type PartKind = NonNullable<RegularizerStateJSON['kind']>;

/** The run's parts of one kind, as a checkpoint entry's `kind` names them (absent: a regularizer, as before hooks and augmentations kept state). */
function partsOf(parts: RunParts, kind: PartKind): readonly StatefulPart[] {
  return kind === 'augmentation' ? parts.augmentations : kind === 'hook' ? parts.hooks : parts.regularizers;
}

const KINDS: PartKind[] = ['regularizer', 'augmentation', 'hook'];

/** The saved states of every stateful part, their tensors encoded in one block (the checkpoint's `regularizers` field). */
async function encodeParts(parts: RunParts): Promise<{ states: RegularizerStateJSON[]; encoded?: EncodedWeights }> {
  const states: RegularizerStateJSON[] = [];
  const named: { name: string; tensor: tf.Tensor }[] = [];
  try {
    for (const kind of KINDS) {
      partsOf(parts, kind).forEach((r, index) => {
        if (!r.saveState) return;
        const { tensors, values } = r.saveState();
        const name = r.name ?? `${kind}-${index}`;
        states.push({ index, name, values, tensors: tensors.length, ...(kind === 'regularizer' ? {} : { kind }) });
        tensors.forEach((tensor, k) => named.push({ name: `${kind}-${index}/${k}`, tensor }));
      });
    }
    return { states, encoded: named.length > 0 ? await tf.io.encodeWeights(named) : undefined };
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

/**
 * An in-memory checkpoint of a run: both models, both optimizers' complete
 * state, counters, random streams, data order, history and the regularizers'
 * state. Leaves the tensor count as it was.
 */
export async function captureCheckpoint(parts: RunParts, counters: RunCounters): Promise<TrainerCheckpoint> {
  const regularizers = await encodeParts(parts);
  return {
    generator: await modelArtifacts(parts.generator),
    discriminator: await modelArtifacts(parts.discriminator),
    optimizers: {
      generator: await encodeOptimizer(parts.generatorOptimizer),
      discriminator: await encodeOptimizer(parts.discriminatorOptimizer),
    },
    state: {
      format: 'gan-hacks-checkpoint',
      version: CHECKPOINT_VERSION,
      iteration: counters.iteration,
      latentDim: parts.latentDim,
      rng: parts.rngs.rng.state(),
      dataRng: parts.rngs.dataRng.state(),
      dropoutRng: parts.rngs.dropoutRng.state(),
      dataCursor: counters.dataCursor,
      history: counters.history.toJSON(),
      ...(regularizers.states.length > 0 ? { regularizers: regularizers.states } : {}),
    },
    ...(regularizers.encoded ? { regularizers: regularizers.encoded } : {}),
  };
}

/** Checks the checkpoint's entries of stateful parts (regularizers, augmentations, hooks) against the run's. */
function checkPartStates(parts: RunParts, checkpoint: TrainerCheckpoint): RegularizerStateJSON[] {
  const entries = checkpoint.state.regularizers ?? [];
  if (!Array.isArray(entries)) throw new GanHacksError('CHECKPOINT_INVALID', 'Trainer.resume: the checkpoint lists its regularizer states in a damaged form.');
  for (const e of entries) {
    const kind = e?.kind ?? 'regularizer';
    if (!KINDS.includes(kind)) throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint holds the state of an unknown kind of part (${String(kind)}).`);
    const list = partsOf(parts, kind);
    const r = list[e?.index];
    if (!r || (r.name ?? `${kind}-${e.index}`) !== e.name || !r.loadState || !Number.isInteger(e.tensors) || e.tensors < 0) {
      throw new GanHacksError(
        'CHECKPOINT_INVALID',
        `Trainer.resume: the checkpoint holds the state of ${kind} ${e?.name} (#${e?.index}), but this trainer's ${kind}s are [${list.map((x, i) => x.name ?? `${kind}-${i}`).join(', ')}]; build the trainer with the ${kind}s the run was saved with.`,
      );
    }
  }
  // A part that keeps state but has none in the checkpoint would resume from its fresh state: not the run that was saved.
  for (const kind of KINDS) {
    partsOf(parts, kind).forEach((r, index) => {
      if (kind !== 'regularizer' && r.saveState && !entries.some((e) => (e.kind ?? 'regularizer') === kind && e.index === index)) {
        throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: this trainer's ${kind} ${r.name ?? index} keeps state, but the checkpoint holds none for it; it was saved without that ${kind}.`);
      }
    });
  }
  const total = entries.reduce((n, e) => n + e.tensors, 0);
  if (total > 0) {
    checkEncoded('regularizer state', checkpoint.regularizers?.specs, checkpoint.regularizers?.data);
    if (checkpoint.regularizers!.specs.length !== total) {
      throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint lists ${total} regularizer tensors but stores ${checkpoint.regularizers!.specs.length}.`);
    }
  }
  return entries;
}

function checkShapes(model: tf.LayersModel, weights: tf.Tensor[]): void {
  const shapes = model.weights.map((w) => w.shape);
  if (shapes.length !== weights.length || shapes.some((s, i) => !tf.util.arraysEqual(s as number[], weights[i].shape))) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint's ${model.name} weights do not match this model's shapes.`);
  }
}

function checkOptimizerFits(what: string, optimizer: tf.Optimizer, encoded: EncodedWeights): void {
  const saved = encoded.specs.find((s) => s.name === 'iter');
  if (!saved && encoded.specs.length > 0) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the ${what} optimizer state lacks its step count.`);
  }
  const hasHidden = encoded.specs.some((s) => s.name.startsWith('gan-hacks/'));
  const isAdam = optimizer.getClassName() === 'Adam';
  if (hasHidden && !isAdam) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint's ${what} optimizer was Adam, this trainer's is ${optimizer.getClassName()}.`);
  }
}

/**
 * Restores a checkpoint into a run's parts and returns its counters.
 * Everything is validated and decoded before anything changes, so a corrupt
 * or mismatched checkpoint leaves the run as it was; decoded tensors are freed
 * whatever happens.
 */
export async function restoreCheckpoint(parts: RunParts, checkpoint: TrainerCheckpoint): Promise<RunCounters> {
  if (checkpoint === null || typeof checkpoint !== 'object') {
    throw new GanHacksError('CHECKPOINT_INVALID', 'Trainer.resume: pass a checkpoint (trainer.checkpoint(), loadCheckpoint(dir)) or a CheckpointSource.');
  }
  checkState(checkpoint.state);
  const state = checkpoint.state;
  if (state.latentDim !== parts.latentDim) {
    throw new GanHacksError('CHECKPOINT_INVALID', `Trainer.resume: the checkpoint has latentDim ${state.latentDim}, this trainer ${parts.latentDim}.`);
  }
  const gOpt = checkpoint.optimizers?.generator;
  const dOpt = checkpoint.optimizers?.discriminator;
  checkEncoded('generator optimizer', gOpt?.specs, gOpt?.data);
  checkEncoded('discriminator optimizer', dOpt?.specs, dOpt?.data);
  checkOptimizerFits('generator', parts.generatorOptimizer, gOpt);
  checkOptimizerFits('discriminator', parts.discriminatorOptimizer, dOpt);
  const entries = checkPartStates(parts, checkpoint);
  let history: History;
  try {
    history = History.fromJSON(state.history);
  } catch (cause) {
    throw new GanHacksError('CHECKPOINT_INVALID', 'Trainer.resume: the checkpoint history is damaged.', { cause });
  }
  const toFree: tf.Tensor[] = [];
  try {
    const gWeights = artifactWeights('generator', checkpoint.generator);
    toFree.push(...gWeights);
    const dWeights = artifactWeights('discriminator', checkpoint.discriminator);
    toFree.push(...dWeights);
    checkShapes(parts.generator, gWeights);
    checkShapes(parts.discriminator, dWeights);
    const gOptTensors = decodeInOrder(gOpt);
    toFree.push(...gOptTensors);
    const dOptTensors = decodeInOrder(dOpt);
    toFree.push(...dOptTensors);
    const regTensors = entries.some((e) => e.tensors > 0) ? decodeInOrder(checkpoint.regularizers!) : [];
    toFree.push(...regTensors);
    // Validated: now change state, regularizers first (they check their own numbers and may refuse).
    let next = 0;
    for (const e of entries) {
      const tensors = regTensors.slice(next, next + e.tensors);
      next += e.tensors;
      partsOf(parts, e.kind ?? 'regularizer')[e.index].loadState!({ tensors: tensors.map((t) => t.clone()), values: e.values });
    }
    parts.generator.setWeights(gWeights);
    parts.discriminator.setWeights(dWeights);
    await restoreOptimizer(parts.generatorOptimizer, gOpt, gOptTensors);
    await restoreOptimizer(parts.discriminatorOptimizer, dOpt, dOptTensors);
  } finally {
    tf.dispose(toFree);
  }
  parts.rngs.rng.restore(state.rng as RngState);
  parts.rngs.dataRng.restore(state.dataRng as RngState);
  // Checkpoints written before dropout was seeded lack the stream; it then restarts from the seed.
  if (state.dropoutRng) parts.rngs.dropoutRng.restore(state.dropoutRng);
  return { iteration: state.iteration, dataCursor: state.dataCursor, history };
}

/** The checkpoint a `resume` argument stands for: the object itself, or what a {@link CheckpointSource} loads. */
export async function readCheckpoint(source: TrainerCheckpoint | CheckpointSource): Promise<TrainerCheckpoint> {
  if (typeof source === 'string') {
    throw new GanHacksError('INVALID_ARGUMENT', "Trainer.resume: pass a checkpoint, not a path: trainer.resume(await loadCheckpoint(dir)) with loadCheckpoint from 'gan-hacks/node'.");
  }
  const isSource = source !== null && typeof source === 'object' && typeof (source as CheckpointSource).load === 'function';
  return isSource ? (source as CheckpointSource).load() : (source as TrainerCheckpoint);
}
