import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossBands, LossTerms } from './types.js';
import { MinimaxGAN } from './minimax.js';
import { sumScalars } from './functional.js';
import { assertBoolean, assertFiniteNumber, optionsObject, show } from '../internal/validate.js';

/** Options of {@link ACGAN}. */
export interface ACGANOptions {
  /**
   * The loss of D's source output (real or fake), which the class terms join.
   * It must not need a penalty that re-runs D (WGANGP). @defaultValue new MinimaxGAN() (a sigmoid source output)
   */
  source?: GanLoss;
  /** Weight of the class terms in both players' losses. @defaultValue 1 (the paper) */
  classWeight?: number;
  /**
   * Whether D's class term includes the fakes. `true` is the paper: D also learns to classify G's samples
   * by the labels they were drawn for, so G can satisfy a classifier that partly learned from G itself.
   * `false` trains D's classifier on real samples only (StudioGAN's ACGAN does this): G must then draw
   * samples that a classifier of real data recognises. `dClassAccFake` is still logged either way.
   * @defaultValue true (the paper)
   */
  classifyFakes?: boolean;
}

/**
 * The auxiliary-classifier GAN loss (Odena et al. 2017, "Conditional Image Synthesis with Auxiliary
 * Classifier GANs", https://arxiv.org/abs/1610.09585): D has two outputs, the source (real or fake) and
 * class logits; besides the source loss, D minimises the cross-entropy of its class logits on real
 * samples and on fakes (against the labels they were generated for), and G minimises that of its fakes,
 * so G learns to draw samples D recognises as their class. With `classifyFakes: false` D's class term
 * covers real samples only.
 *
 * Terms logged: the source loss's `real` / `fake` (dLossReal / dLossFake), `dClassReal`, `dClassFake`,
 * `gClass`, and the classifier's accuracy on each half as `dClassAccReal` / `dClassAccFake`.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({
 *   generator: conditionalGenerator({ latentDim: 50, classes: 10 }),
 *   discriminator: acganDiscriminator({ classes: 10 }),
 *   loss: new ACGAN(), latentDim: 50, classes: 10,
 * });
 * await trainer.fit({ images, labels }, { batchSize: 64, iterations: 2000 });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a source that is not a GanLoss or that needs a penalty,
 * a class weight that is not a finite number >= 0, or a classifyFakes that is not a boolean.
 */
export class ACGAN implements GanLoss {
  readonly name = 'acgan';
  readonly source: GanLoss;
  readonly classWeight: number;
  readonly classifyFakes: boolean;
  readonly output: GanLoss['output'];
  readonly usesTargets: boolean;
  readonly needsBothBatches: boolean;
  readonly realTarget: number;
  readonly fakeTarget: number;
  readonly usesClassOutputs = true;
  readonly diagnosisBands?: LossBands;

  constructor(options?: ACGANOptions | null) {
    const o = optionsObject('ACGAN', options);
    const source: GanLoss = o.source ?? new MinimaxGAN();
    if (source === null || typeof source !== 'object' || typeof source.discriminatorLoss !== 'function' || typeof source.generatorLoss !== 'function') {
      throw new GanHacksError('INVALID_ARGUMENT', `ACGAN: source must be a GanLoss (e.g. new MinimaxGAN()), got ${show(source)}.`);
    }
    if (source.discriminatorPenalty || source.usesClassOutputs || source.needsRealInGeneratorStep) {
      throw new GanHacksError('INVALID_ARGUMENT', `ACGAN: the ${source.name} source loss re-runs D or reads outputs ACGAN does not pass on; use MinimaxGAN, NonSaturatingGAN, LSGAN or HingeGAN.`);
    }
    const classWeight = o.classWeight ?? 1;
    assertFiniteNumber('ACGAN: classWeight', classWeight);
    if (classWeight < 0) throw new GanHacksError('INVALID_RANGE', `ACGAN: classWeight must be >= 0, got ${classWeight}.`);
    const classifyFakes = o.classifyFakes ?? true;
    assertBoolean('ACGAN: classifyFakes', classifyFakes);
    this.source = source;
    this.classWeight = classWeight;
    this.classifyFakes = classifyFakes;
    ({ output: this.output, usesTargets: this.usesTargets, needsBothBatches: this.needsBothBatches, realTarget: this.realTarget, fakeTarget: this.fakeTarget } = source);
    // The class terms add to every loss level; the source's bands stay a fair reading of the source terms, which dLossReal/dLossFake/gLoss log.
    this.diagnosisBands = source.diagnosisBands;
  }

  /**
   * The source loss on D's source outputs plus `classWeight` × the class cross-entropy of each given half
   * (of the real half only with `classifyFakes: false`).
   * @throws GanHacksError `INVALID_ARGUMENT` when a half's class logits or labels are missing.
   */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    const where = 'ACGAN.discriminatorLoss';
    if (input?.real) checkClassInput(where, 'real', input.realClassLogits, input.realLabels);
    if (input?.fake) checkClassInput(where, 'fake', input.fakeClassLogits, input.fakeLabels);
    const base = this.source.discriminatorLoss({ real: input.real, fake: input.fake, realTargets: input.realTargets, fakeTargets: input.fakeTargets });
    return tf.tidy(() => {
      const terms: Record<string, tf.Scalar> = { ...base.terms };
      const metrics: Record<string, tf.Scalar> = { ...base.metrics };
      if (input.real) {
        terms.dClassReal = classCrossEntropy(input.realClassLogits!, input.realLabels!);
        metrics.dClassAccReal = classAccuracy(input.realClassLogits!, input.realLabels!);
      }
      if (input.fake) {
        if (this.classifyFakes) terms.dClassFake = classCrossEntropy(input.fakeClassLogits!, input.fakeLabels!);
        metrics.dClassAccFake = classAccuracy(input.fakeClassLogits!, input.fakeLabels!);
      }
      // A fake-only half (separate real and fake updates) has no class term when fakes are not classified.
      if (terms.dClassReal === undefined && terms.dClassFake === undefined) return { total: base.total.clone() as tf.Scalar, terms, metrics };
      const classes = sumScalars([terms.dClassReal, terms.dClassFake]).mul(this.classWeight);
      return { total: base.total.add(classes) as tf.Scalar, terms, metrics };
    });
  }

  /**
   * The source loss on D's outputs for G's samples plus `classWeight` × their class cross-entropy.
   * @throws GanHacksError `INVALID_ARGUMENT` when the fakes' class logits or labels are missing.
   */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    checkClassInput('ACGAN.generatorLoss', 'fake', input?.fakeClassLogits, input?.fakeLabels);
    const base = this.source.generatorLoss({ fake: input.fake, targets: input.targets });
    return tf.tidy(() => {
      const gClass = classCrossEntropy(input.fakeClassLogits!, input.fakeLabels!);
      return { total: base.total.add(gClass.mul(this.classWeight)) as tf.Scalar, terms: { ...base.terms, gClass }, metrics: base.metrics };
    });
  }
}

function checkClassInput(where: string, half: string, logits: tf.Tensor | undefined, labels: tf.Tensor1D | undefined): void {
  if (!(logits instanceof tf.Tensor) || !(labels instanceof tf.Tensor) || logits.isDisposed || labels.isDisposed) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: the ${half} half needs D's class logits and the labels (a class-conditional Trainer with classes set passes them).`);
  }
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new GanHacksError('INVALID_ARGUMENT', `${where}: ${half} class logits must be [n, classes] with n labels, got [${logits.shape.join(', ')}] and [${labels.shape.join(', ')}].`);
  }
}

/** Mean softmax cross-entropy of logits [n, classes] against integer labels [n]. */
export function classCrossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits);
    const picked = logProbabilities.mul(tf.oneHot(labels.toInt(), logits.shape[1]!)).sum(1);
    return picked.mean().neg() as tf.Scalar;
  });
}

/** Share of rows whose largest logit is the label's. */
function classAccuracy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => logits.argMax(1).equal(labels.toInt()).toFloat().mean() as tf.Scalar);
}
