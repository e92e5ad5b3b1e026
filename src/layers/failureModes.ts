import type * as tf from '@tensorflow/tfjs';
import { optionsObject } from '../internal/validate.js';
import { smallDiscriminator, smallGenerator, type DiscriminatorRemedies } from './smallDcgan.js';

/** Options of {@link failureModesGenerator}. */
export interface FailureModesGeneratorArgs {
  /** Latent size; 1 provokes mode collapse (B2). @defaultValue 50 (the source's code) */
  latentDim?: number;
  /** Batch norm after each transposed convolution (an earlier revision of the source). @defaultValue false */
  batchNorm?: boolean;
  /**
   * Dropout rate after each of the two upsampling blocks' activations (soumith/ganhacks tip 17,
   * "use dropouts in G"; Isola et al. 2017, pix2pix); in [0, 1), 0 adds no layer. tfjs's
   * Dropout acts only in training calls (`apply(z, { training: true })`, as the Trainer makes
   * them), not in `predict`; ganhacks and pix2pix keep it at test time, which
   * `g.apply(z, { training: true })` gives. The masks do not come from `seed`: a Trainer with a
   * `seed` draws them from its own stream (a tfjs Dropout with a fixed seed would repeat one
   * mask every call).
   * @defaultValue 0
   */
  dropout?: number;
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * The generator of "How to Identify and Diagnose GAN Failure Modes" (Brownlee 2019; docs/experiments/failure-modes.md): Dense(128·7·7) → LeakyReLU →
 * Reshape(7,7,128) → 2 × [Conv2DTranspose(128, 4×4, s2, same) → LeakyReLU] →
 * Conv2D(1, 7×7, same, tanh). Output 28×28×1 in [-1, 1]. `dropout` adds a Dropout layer
 * after each block's LeakyReLU (two layers, no parameters).
 *
 * @example
 * ```ts
 * const g = failureModesGenerator({ latentDim: 1 }); // B2: mode collapse
 * const remedy = failureModesGenerator({ latentDim: 1, dropout: 0.5 }); // ganhacks tip 17
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a latentDim that is not a positive integer,
 * a non-boolean batchNorm, a non-number dropout or a non-finite seed; `INVALID_RANGE` for a
 * latentDim above 65,536 or a dropout outside [0, 1).
 */
export function failureModesGenerator(args?: FailureModesGeneratorArgs | null): tf.Sequential {
  const o = optionsObject('failureModesGenerator', args);
  return smallGenerator({
    latentDim: o.latentDim ?? 50,
    outputKernelSize: 7,
    batchNorm: o.batchNorm ?? false,
    dropout: o.dropout ?? 0,
    seed: o.seed,
    name: 'failure_modes_generator',
    caller: 'failureModesGenerator',
  });
}

/** Options of {@link failureModesDiscriminator}. */
export interface FailureModesDiscriminatorArgs {
  /** Batch norm after each convolution; a reader of the source ties B3's failure to it. @defaultValue false */
  batchNorm?: boolean;
  /** @defaultValue [28, 28, 1] */
  inputShape?: [number, number, number];
  /** Seed for reproducible initial weights. */
  seed?: number;
  /**
   * Remedy layers built in: spectral normalisation of every weight layer, minibatch stddev before the
   * flatten, minibatch discrimination after it (the remedies matrix of docs/experiments/remedies.md).
   * @defaultValue none
   */
  remedies?: DiscriminatorRemedies;
}

/**
 * The discriminator of "How to Identify and Diagnose GAN Failure Modes" (Brownlee 2019; docs/experiments/failure-modes.md): 2 × [Conv2D(64, 4×4, s2, same) → LeakyReLU(0.2)]
 * → Flatten → Dense(1, sigmoid). Outputs a probability.
 *
 * @example
 * ```ts
 * const d = failureModesDiscriminator({ batchNorm: true }); // B3 with batch norm
 * const sn = failureModesDiscriminator({ remedies: { spectralNormalization: true } }); // B4's remedy
 * ```
 * @throws GanHacksError `INVALID_SHAPE` for an inputShape that is not [height, width, channels]
 * of positive integers; `INVALID_ARGUMENT` for a non-boolean batchNorm or a non-finite seed;
 * `INVALID_RANGE` when the dense layer would exceed 2^27 weights.
 */
export function failureModesDiscriminator(args?: FailureModesDiscriminatorArgs | null): tf.Sequential {
  const o = optionsObject('failureModesDiscriminator', args);
  return smallDiscriminator({
    inputShape: o.inputShape ?? [28, 28, 1],
    batchNorm: o.batchNorm ?? false,
    remedies: o.remedies ?? undefined,
    seed: o.seed,
    name: 'failure_modes_discriminator',
    caller: 'failureModesDiscriminator',
  });
}
