import * as tf from '@tensorflow/tfjs';
import type { DiscriminatorLossInput, GanLoss, GeneratorLossInput, LossTerms } from './types.js';
import { bce, checkDiscriminatorInput, checkGeneratorInput, filled, sumScalars } from './functional.js';
import { assertBoolean, optionsObject } from '../internal/validate.js';

/** Options of {@link MinimaxGAN}. */
export interface MinimaxGANOptions {
  /**
   * Whether D outputs logits (no sigmoid on its last layer) instead of
   * probabilities. It must match the discriminator: logits read as
   * probabilities are clipped to [1e-7, 1 − 1e-7] and give a wrong loss with
   * no error (see {@link MinimaxGAN}).
   * @defaultValue false (a sigmoid output, as in the sources)
   */
  fromLogits?: boolean;
  /**
   * Use the original, saturating generator loss E[log(1 − D(G(z)))] of
   * Goodfellow et al. (2014). By default the generator instead minimises
   * −E[log D(G(z))] (BCE against the real label), which is what the sources do
   * ("G is trained with labels 1 for its fakes").
   * @defaultValue false
   */
  saturating?: boolean;
}

/**
 * The standard GAN loss with binary cross-entropy (Goodfellow et al. 2014,
 * {@link https://arxiv.org/abs/1406.2661}): L_D = −E log D(x) − E log(1 − D(G(z))),
 * L_G = −E log D(G(z)). The sources' default; label smoothing and noisy labels act on its targets.
 *
 * **The discriminator's output must match `fromLogits`.** By default D must end
 * in a sigmoid (`output === 'probability'`); a D without one (such as
 * `dcganDiscriminator`, which outputs logits) needs `{ fromLogits: true }` or
 * {@link NonSaturatingGAN}. A standalone call cannot tell the two apart without
 * reading the tensors back from the device, so a mismatch is not detected
 * here: logits fed as probabilities are clipped into (0, 1) and the loss is
 * silently wrong (D's loss on logits [-5, 1.4, 12.5, 2.7] as both halves:
 * 15.99 instead of 5.55; bench/loss_reference.py). The `Trainer` compares
 * `loss.output` with the discriminator's final activation when it is
 * constructed; in a custom loop, check it yourself.
 *
 * Non-finite outputs propagate into the loss (no device read); the Trainer's
 * NaN guard stops such a run.
 *
 * @example
 * ```ts
 * const loss = new MinimaxGAN(); // D ends in a sigmoid
 * const { total, terms } = loss.discriminatorLoss({ real: d(x), fake: d(g(z)) });
 * const fromLogits = new MinimaxGAN({ fromLogits: true }); // D has no sigmoid
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when an option is not a boolean.
 */
export class MinimaxGAN implements GanLoss {
  readonly name: string = 'minimax';
  /** `'logit'` with `fromLogits`, else `'probability'`: what D's last layer must produce. */
  readonly output: 'probability' | 'logit';
  readonly usesTargets = true;
  readonly needsBothBatches = false;
  readonly realTarget = 1;
  readonly fakeTarget = 0;
  readonly fromLogits: boolean;
  readonly saturating: boolean;

  constructor(options?: MinimaxGANOptions | null) {
    const o = optionsObject(`${new.target.name}`, options);
    const fromLogits = o.fromLogits ?? false;
    const saturating = o.saturating ?? false;
    assertBoolean(`${new.target.name}: fromLogits`, fromLogits);
    assertBoolean(`${new.target.name}: saturating`, saturating);
    this.fromLogits = fromLogits;
    this.saturating = saturating;
    this.output = this.fromLogits ? 'logit' : 'probability';
  }

  /**
   * BCE of D's outputs against the real and fake targets, per given half.
   * @throws GanHacksError `INVALID_ARGUMENT` / `INVALID_SHAPE` for a missing, empty,
   * non-float32 or disposed tensor, targets shaped unlike their outputs, or real and
   * fake outputs of different per-sample shapes.
   */
  discriminatorLoss(input: DiscriminatorLossInput): LossTerms {
    checkDiscriminatorInput(`${this.name}.discriminatorLoss`, input, true);
    return tf.tidy(() => {
      const terms: Record<string, tf.Scalar> = {};
      if (input.real) {
        terms.real = bce(input.realTargets ?? filled(input.real, this.realTarget), input.real, this.fromLogits);
      }
      if (input.fake) {
        terms.fake = bce(input.fakeTargets ?? filled(input.fake, this.fakeTarget), input.fake, this.fromLogits);
      }
      return { total: sumScalars([terms.real, terms.fake]), terms };
    });
  }

  /**
   * The generator's loss on D's outputs for its samples: BCE against `targets`
   * (default 1); with `saturating`, −BCE against 1 − `targets` (the minimax
   * generator maximises D's loss on its samples, labelled fake).
   * @throws GanHacksError as {@link MinimaxGAN.discriminatorLoss}.
   */
  generatorLoss(input: GeneratorLossInput): LossTerms {
    checkGeneratorInput(`${this.name}.generatorLoss`, input, true);
    return tf.tidy(() => {
      let total: tf.Scalar;
      if (this.saturating) {
        // Minimax: G maximises D's loss on its samples, -BCE(1 - t, D(G(z))); with the
        // default t = 1 that is E[log(1 - D(G(z)))] (log(1 - sigmoid(x)) = -softplus(x) on logits).
        const t = input.targets ?? filled(input.fake, this.realTarget);
        total = bce(tf.scalar(1).sub(t), input.fake, this.fromLogits).neg() as tf.Scalar;
      } else {
        total = bce(input.targets ?? filled(input.fake, this.realTarget), input.fake, this.fromLogits);
      }
      return { total, terms: {} };
    });
  }
}

/** Options of {@link NonSaturatingGAN}. */
export interface NonSaturatingGANOptions {
  /**
   * Whether D outputs logits (no sigmoid). Must match the discriminator, as
   * for {@link MinimaxGAN}. @defaultValue true (numerically stabler than probabilities)
   */
  fromLogits?: boolean;
}

/**
 * The non-saturating GAN loss (Goodfellow et al. 2014, §3): the generator
 * maximises log D(G(z)) instead of minimising log(1 − D(G(z))), which keeps
 * its gradients alive early in training. Takes logits by default (`output ===
 * 'logit'`: D must not end in a sigmoid), where the losses are
 * softplus(−D(x)) + softplus(D(G(z))) and softplus(−D(G(z))).
 *
 * @example
 * ```ts
 * const loss = new NonSaturatingGAN(); // pair with dcganDiscriminator, which outputs logits
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `fromLogits` is not a boolean.
 */
export class NonSaturatingGAN extends MinimaxGAN {
  override readonly name = 'non-saturating';

  constructor(options?: NonSaturatingGANOptions | null) {
    const o = optionsObject('NonSaturatingGAN', options);
    super({ fromLogits: o.fromLogits ?? true, saturating: false });
  }
}
