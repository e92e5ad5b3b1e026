import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { EncodedWeights } from './checkpoint.js';


/**
 * State that tfjs's `getWeights()` leaves out. Adam keeps the running
 * products β1^t and β2^t as variables built by repeated float32
 * multiplication; `setWeights` rebuilds them as pow(β, t + 1), which differs
 * in the last bits, so a resumed run would drift from the straight one. They
 * are saved under these names after tfjs's own entries.
 */
const HIDDEN_SCALARS = ['accBeta1', 'accBeta2'] as const;
const PREFIX = 'gan-hacks/';

type OptimizerFields = Record<string, unknown>;

function fields(optimizer: tf.Optimizer): OptimizerFields {
  return optimizer as unknown as OptimizerFields;
}

/**
 * The complete state of an optimizer, encoded: tfjs's `getWeights()` (the
 * step count and every slot variable) plus the hidden running products.
 * Frees the step-count scalar `getWeights()` allocates.
 *
 * @throws GanHacksError `INCOMPATIBLE_OPTIONS` for an optimizer tfjs cannot save (Adamax).
 */
export async function encodeOptimizer(optimizer: tf.Optimizer): Promise<EncodedWeights> {
  let weights: Awaited<ReturnType<tf.Optimizer["getWeights"]>>;
  try {
    weights = await optimizer.getWeights();
  } catch (cause) {
    throw new GanHacksError(
      'INCOMPATIBLE_OPTIONS',
      `Checkpoint: tfjs cannot save the state of the ${optimizer.getClassName()} optimizer; use Adam, SGD, momentum, RMSProp, Adagrad or Adadelta to checkpoint a run.`,
      { cause },
    );
  }
  const f = fields(optimizer);
  const hidden = HIDDEN_SCALARS.filter((k) => f[k] instanceof tf.Variable).map((k) => ({ name: PREFIX + k, tensor: f[k] as tf.Variable }));
  try {
    const encoded = await tf.io.encodeWeights([...weights, ...hidden]);
    return { specs: encoded.specs, data: encoded.data };
  } finally {
    // getWeights() makes a fresh scalar for the step count; the rest are the optimizer's own variables.
    tf.dispose(weights.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  }
}

/** Variables an optimizer holds (slots and running products), by walking its fields. */
function ownedVariables(optimizer: tf.Optimizer): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const value of Object.values(fields(optimizer))) {
    if (value instanceof tf.Variable) out.push(value);
    else if (Array.isArray(value)) {
      for (const slot of value) {
        const v = (slot as { variable?: unknown } | null)?.variable;
        if (v instanceof tf.Variable) out.push(v);
      }
    }
  }
  return out;
}

/**
 * Restores an optimizer from {@link encodeOptimizer}'s output, the hidden
 * running products included, so the next step equals the straight run's bit
 * for bit. Frees the slot variables the optimizer held before.
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, encoded: EncodedWeights, tensors: tf.Tensor[]): Promise<void> {
  const named = encoded.specs.map((s, i) => ({ name: s.name, tensor: tensors[i] }));
  const own = named.filter((n) => !n.name.startsWith(PREFIX));
  const hidden = named.filter((n) => n.name.startsWith(PREFIX));
  const before = new Set(ownedVariables(optimizer));
  await optimizer.setWeights(own);
  const f = fields(optimizer);
  for (const { name, tensor } of hidden) {
    const target = f[name.slice(PREFIX.length)];
    if (target instanceof tf.Variable) target.assign(tensor);
  }
  // setWeights builds new slot variables; the old ones are no longer reachable.
  const after = new Set(ownedVariables(optimizer));
  tf.dispose([...before].filter((v) => !after.has(v)));
}

/**
 * A copy of an optimizer's state taken between two steps, to put back after
 * a step went wrong (NaN). Costs no copy of data: a step gives each variable
 * new data, so holding the old tensors is enough.
 */
export interface OptimizerSnapshot {
  /** Puts the optimizer back as it was when the snapshot was taken. */
  restore(): void;
  /** Frees the snapshot. */
  dispose(): void;
}

/** Takes an {@link OptimizerSnapshot}. */
export function snapshotOptimizer(optimizer: tf.Optimizer): OptimizerSnapshot {
  const f = fields(optimizer);
  const scalars = new Map<string, tf.Tensor>();
  const slots = new Map<string, tf.Tensor[]>();
  for (const [key, value] of Object.entries(f)) {
    if (value instanceof tf.Variable) scalars.set(key, tf.keep(value.clone()));
    else if (Array.isArray(value) && value.every((s) => (s as { variable?: unknown } | null)?.variable instanceof tf.Variable)) {
      slots.set(key, value.map((s) => tf.keep((s as { variable: tf.Variable }).variable.clone())));
    }
  }
  const iterations = f.iterations_;
  const held = (): tf.Tensor[] => [...scalars.values(), ...[...slots.values()].flat()];
  return {
    restore() {
      for (const [key, saved] of scalars) (f[key] as tf.Variable).assign(saved);
      for (const [key, saved] of slots) {
        const list = f[key] as { variable: tf.Variable }[];
        // Slots made after the snapshot (a first step) are dropped: they start from zero again.
        for (const extra of list.splice(saved.length)) extra.variable.dispose();
        saved.forEach((t, i) => list[i].variable.assign(t));
      }
      for (const [key, value] of Object.entries(f)) {
        if (!slots.has(key) && Array.isArray(value) && value.length > 0 && value.every((s) => (s as { variable?: unknown } | null)?.variable instanceof tf.Variable)) {
          for (const s of value.splice(0)) (s as { variable: tf.Variable }).variable.dispose();
        }
      }
      f.iterations_ = iterations;
    },
    dispose() {
      tf.dispose(held());
    },
  };
}
