import * as tf from '@tensorflow/tfjs';
import type { GanLoss, LossTerms } from '../losses/types.js';
import type { IterationRecord } from '../history/index.js';

/** The decision threshold of a loss's discriminator output, if accuracy is meaningful. */
export function accuracyThreshold(loss: GanLoss): number | undefined {
  if (loss.output === 'probability') return 0.5;
  if (loss.output === 'logit') return 0;
  if (loss.usesTargets) return (loss.realTarget + loss.fakeTarget) / 2;
  return undefined;
}

/** Share of outputs on the right side of `threshold` (a scalar tensor: read with the iteration's other logs). */
export function accuracyTensor(output: tf.Tensor, kind: 'real' | 'fake', threshold: number): tf.Scalar {
  return tf.tidy(() => (kind === 'real' ? output.greater(threshold) : output.lessEqual(threshold)).toFloat().mean() as tf.Scalar);
}

/**
 * The scalars of one iteration, kept on the device until the iteration ends
 * and then read back in one asynchronous call (`data()`, which does not stall
 * a WebGL pipeline the way `dataSync()` does). A name logged several times
 * (k discriminator steps) is averaged.
 */
export class IterationLogs {
  private readonly values = new Map<string, tf.Scalar[]>();

  /** Adds a scalar; the logs own it from now on (it survives the caller's tidy). */
  add(name: string, value: tf.Scalar): void {
    const list = this.values.get(name) ?? [];
    list.push(tf.keep(value));
    this.values.set(name, list);
  }

  /** Adds every entry of a record of scalars. */
  addAll(values: Record<string, tf.Scalar> | undefined): void {
    for (const [k, v] of Object.entries(values ?? {})) this.add(k, v);
  }

  /**
   * Logs a discriminator update: its real and fake terms as `dLossReal` /
   * `dLossFake`, the other terms and metrics under their names, and the
   * accuracies on each half when the loss has a decision threshold.
   */
  addDiscriminatorStep(terms: LossTerms, outputs: { real?: tf.Tensor; fake?: tf.Tensor }, threshold: number | undefined): void {
    const { real, fake, ...rest } = terms.terms;
    if (real) this.add('dLossReal', real);
    if (fake) this.add('dLossFake', fake);
    this.addAll({ ...rest, ...terms.metrics });
    if (threshold !== undefined && outputs.real) this.add('dAccReal', accuracyTensor(outputs.real, 'real', threshold));
    if (threshold !== undefined && outputs.fake) this.add('dAccFake', accuracyTensor(outputs.fake, 'fake', threshold));
  }

  /** Means per name, read from the device once. */
  async read(): Promise<Record<string, number>> {
    const names = [...this.values.keys()];
    if (names.length === 0) return {};
    const stacked = tf.tidy(() => tf.stack(names.map((n) => tf.addN(this.values.get(n)!).div(this.values.get(n)!.length))));
    try {
      const data = await stacked.data();
      return Object.fromEntries(names.map((n, i) => [n, data[i]]));
    } finally {
      stacked.dispose();
    }
  }

  dispose(): void {
    for (const list of this.values.values()) tf.dispose(list);
    this.values.clear();
  }
}

const CORE = ['dLossReal', 'dLossFake', 'gLoss', 'dAccReal', 'dAccFake'] as const;

/** The record of one iteration: the five core columns (NaN when absent) and every other logged value. */
export function iterationRecord(iteration: number, epoch: number, values: Record<string, number>): IterationRecord {
  const record: IterationRecord = { iteration, epoch, dLossReal: NaN, dLossFake: NaN, gLoss: NaN, dAccReal: NaN, dAccFake: NaN };
  for (const key of CORE) if (key in values) record[key] = values[key];
  for (const [k, v] of Object.entries(values)) if (!(k in record)) record[k] = v;
  return record;
}
