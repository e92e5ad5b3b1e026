import type * as tf from '@tensorflow/tfjs';
import { optionsObject } from '../internal/validate.js';
import { smallDiscriminator, smallGenerator } from './smallDcgan.js';

/** Options of {@link failureModesGenerator}. */
export interface FailureModesGeneratorArgs {
  /** Latent size; 1 provokes mode collapse (B2). @defaultValue 50 (the source's code) */
  latentDim?: number;
  /** Batch norm after each transposed convolution (an earlier revision of the source). @defaultValue false */
  batchNorm?: boolean;
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * The generator of "How to Identify and Diagnose GAN Failure Modes" (Brownlee 2019; docs/experiments/failure-modes.md): Dense(128·7·7) → LeakyReLU →
 * Reshape(7,7,128) → 2 × [Conv2DTranspose(128, 4×4, s2, same) → LeakyReLU] →
 * Conv2D(1, 7×7, same, tanh). Output 28×28×1 in [-1, 1].
 *
 * @example
 * ```ts
 * const g = failureModesGenerator({ latentDim: 1 }); // B2: mode collapse
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a latentDim that is not a positive integer,
 * a non-boolean batchNorm or a non-finite seed; `INVALID_RANGE` for a latentDim above 65,536.
 */
export function failureModesGenerator(args?: FailureModesGeneratorArgs | null): tf.Sequential {
  const o = optionsObject('failureModesGenerator', args);
  return smallGenerator({
    latentDim: o.latentDim ?? 50,
    outputKernelSize: 7,
    batchNorm: o.batchNorm ?? false,
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
}

/**
 * The discriminator of "How to Identify and Diagnose GAN Failure Modes" (Brownlee 2019; docs/experiments/failure-modes.md): 2 × [Conv2D(64, 4×4, s2, same) → LeakyReLU(0.2)]
 * → Flatten → Dense(1, sigmoid). Outputs a probability.
 *
 * @example
 * ```ts
 * const d = failureModesDiscriminator({ batchNorm: true }); // B3 with batch norm
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
    seed: o.seed,
    name: 'failure_modes_discriminator',
    caller: 'failureModesDiscriminator',
  });
}
