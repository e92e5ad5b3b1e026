import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { GanLoss } from '../losses/types.js';
import { assertAtMost, assertPositiveInteger } from '../internal/validate.js';
import { showShape } from './options.js';

/**
 * How a class-conditional run's models take and give labels, read from their
 * signatures: a generator with a second input takes labels; a discriminator
 * with a second input takes them too (conditional / projection D); one with a
 * second output classifies (the auxiliary classifier of ACGAN).
 */
export interface Conditioning {
  classes: number;
  generatorTakesLabels: boolean;
  discriminatorTakesLabels: boolean;
  discriminatorClassifies: boolean;
}

const WHERE = 'Trainer';

/** A label input: int32 or float32 of shape [null] or [null, 1]. */
function isLabelInput(shape: readonly (number | null)[]): boolean {
  return shape.length === 1 || (shape.length === 2 && shape[1] === 1);
}

/**
 * Reads the models' conditioning and checks it against `classes` and the loss;
 * undefined for an unconditional run (one input each, one D output, no `classes`).
 */
export function resolveConditioning(generator: tf.LayersModel, discriminator: tf.LayersModel, classes: number | undefined, loss: GanLoss): Conditioning | undefined {
  const generatorTakesLabels = generator.inputs.length === 2;
  const discriminatorTakesLabels = discriminator.inputs.length === 2;
  const discriminatorClassifies = discriminator.outputs.length === 2;
  const conditional = generatorTakesLabels || discriminatorTakesLabels || discriminatorClassifies;
  if (classes === undefined) {
    if (conditional) {
      throw new GanHacksError(
        'INCOMPATIBLE_OPTIONS',
        `${WHERE}: the models are class-conditional (the generator takes ${generator.inputs.length} inputs, the discriminator ${discriminator.inputs.length} and gives ${discriminator.outputs.length} outputs); set classes to the number of classes and train on { images, labels }.`,
      );
    }
    if (loss.usesClassOutputs) throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${WHERE}: the ${loss.name} loss trains an auxiliary classifier; build a discriminator with two outputs (acganDiscriminator) and set classes.`);
    return undefined;
  }
  assertPositiveInteger(`${WHERE}: classes`, classes);
  assertAtMost(`${WHERE}: classes`, classes, 100_000);
  if (classes < 2) throw new GanHacksError('INVALID_RANGE', `${WHERE}: classes must be at least 2, got ${classes}.`);
  if (!generatorTakesLabels) {
    throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${WHERE}: with classes set, the generator must take [latent, label] (two inputs; conditionalGenerator builds one); it takes ${generator.inputs.length}.`);
  }
  for (const [who, model] of [
    ['generator', generator],
    ['discriminator', discriminator],
  ] as const) {
    if (model.inputs.length > 2 || (model.inputs.length === 2 && !isLabelInput(model.inputs[1].shape))) {
      throw new GanHacksError('INVALID_SHAPE', `${WHERE}: the ${who}'s second input must take one class label per sample, shape [null] or [null, 1]; it takes ${showShape(model.inputs[1]?.shape ?? [])}.`);
    }
  }
  if (discriminator.outputs.length > 2) throw new GanHacksError('INVALID_SHAPE', `${WHERE}: the discriminator gives ${discriminator.outputs.length} outputs; at most two (source, class logits).`);
  if (discriminatorClassifies) {
    const c = discriminator.outputs[1].shape;
    if (c.length !== 2 || c[1] !== classes) throw new GanHacksError('INVALID_SHAPE', `${WHERE}: the discriminator's second output must be class logits of shape [null, ${classes}]; it is ${showShape(c)}.`);
  }
  if (discriminatorClassifies !== Boolean(loss.usesClassOutputs)) {
    throw new GanHacksError(
      'INCOMPATIBLE_OPTIONS',
      discriminatorClassifies
        ? `${WHERE}: the discriminator has a class output, but the ${loss.name} loss never trains it; use new ACGAN() (or drop the class head).`
        : `${WHERE}: the ${loss.name} loss trains an auxiliary classifier, but the discriminator has no class output; build it with acganDiscriminator().`,
    );
  }
  if (discriminatorTakesLabels && loss.discriminatorPenalty) {
    throw new GanHacksError('INCOMPATIBLE_OPTIONS', `${WHERE}: the ${loss.name} loss's penalty runs D on images alone, but this discriminator takes labels too; use a loss without a penalty (MinimaxGAN, HingeGAN) with a conditional discriminator.`);
  }
  return { classes, generatorTakesLabels, discriminatorTakesLabels, discriminatorClassifies };
}

/** Labels as a model's label input takes them: [n] int32 stays as is for a rank-1 input, becomes [n, 1] for a rank-2 one. */
function labelInput(model: tf.LayersModel, labels: tf.Tensor1D): tf.Tensor {
  return model.inputs[1].shape.length === 2 ? labels.reshape([-1, 1]) : labels;
}

/** The generator's samples for latent points `z` (and their class labels in a conditional run). */
export function generateWith(generator: tf.LayersModel, z: tf.Tensor, labels: tf.Tensor1D | undefined, training: boolean): tf.Tensor {
  return generator.apply(labels ? [z, labelInput(generator, labels)] : z, { training }) as tf.Tensor;
}

/** D's outputs on `x`: the source output, and the class logits when D classifies. */
export function discriminateWith(discriminator: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor1D | undefined, training: boolean): { source: tf.Tensor; classes?: tf.Tensor } {
  const input = discriminator.inputs.length === 2 ? [x, labelInput(discriminator, labels!)] : x;
  const out = discriminator.apply(input, { training }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? { source: out[0], classes: out[1] } : { source: out };
}

/** Uniform class labels for generated samples, from the run's seeded stream. */
export function sampleLabels(n: number, classes: number, seed: number): tf.Tensor1D {
  return tf.tidy(() => tf.randomUniform([n], 0, classes, 'float32', seed).floor().clipByValue(0, classes - 1).toInt() as tf.Tensor1D);
}

/** Labels 0, 1, ..., classes − 1, 0, 1, ... for n samples: a grid of fixed latents shows every class in turn. */
export function cyclingLabels(n: number, classes: number): tf.Tensor1D {
  return tf.tidy(() => tf.range(0, n, 1, 'int32').mod(tf.scalar(classes, 'int32')) as tf.Tensor1D);
}

/**
 * D's outputs (in training mode) on whichever halves are given. Both halves go through D stacked in one
 * pass, as a combined step does: batch norm sees them mixed.
 */
export function discriminateHalves(
  discriminator: tf.LayersModel,
  batch: { real?: tf.Tensor; fake?: tf.Tensor; realLabels?: tf.Tensor1D; fakeLabels?: tf.Tensor1D },
): { real?: { source: tf.Tensor; classes?: tf.Tensor }; fake?: { source: tf.Tensor; classes?: tf.Tensor } } {
  const { real, fake, realLabels, fakeLabels } = batch;
  if (!real || !fake) {
    return { real: real && discriminateWith(discriminator, real, realLabels, true), fake: fake && discriminateWith(discriminator, fake, fakeLabels, true) };
  }
  const both = discriminateWith(discriminator, tf.concat([real, fake]), realLabels && fakeLabels && tf.concat([realLabels, fakeLabels]), true);
  const sizes = [real.shape[0], fake.shape[0]];
  const [rs, fs] = tf.split(both.source, sizes);
  const [rc, fc] = both.classes ? tf.split(both.classes, sizes) : [];
  return { real: { source: rs, classes: rc }, fake: { source: fs, classes: fc } };
}

/** Checks `generate`'s labels for a class-conditional run: one class index per sample. */
export function checkGenerateLabels(labels: tf.Tensor1D | number[] | undefined, n: number, classes: number): void {
  const where = 'Trainer.generate';
  if (labels === undefined) throw new GanHacksError('INVALID_ARGUMENT', `${where}: this run is class-conditional; pass labels (${n} class indices in [0, ${classes})), e.g. trainer.generate(z, undefined, labels).`);
  if (labels instanceof tf.Tensor) {
    if (labels.isDisposed || labels.rank !== 1 || labels.shape[0] !== n || labels.dtype !== 'int32') {
      throw new GanHacksError('INVALID_SHAPE', `${where}: labels must be a live int32 tensor of shape [${n}], got ${labels.dtype} [${labels.shape.join(', ')}].`);
    }
    return;
  }
  if (!Array.isArray(labels) || labels.length !== n || labels.some((c) => !Number.isInteger(c) || c < 0 || c >= classes)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: labels must be ${n} integers in [0, ${classes}), got ${Array.isArray(labels) ? `${labels.length} values` : typeof labels}.`);
  }
}
