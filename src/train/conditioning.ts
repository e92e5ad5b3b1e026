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
