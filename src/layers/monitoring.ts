import type * as tf from '@tensorflow/tfjs';
import { optionsObject } from '../internal/validate.js';
import { smallDiscriminator, smallGenerator } from './smallDcgan.js';

/** Options of {@link monitoringGenerator}. */
export interface MonitoringGeneratorArgs {
  /** Latent size; 2 and 1 are the source's C2 and C3. @defaultValue 128 */
  latentDim?: number;
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * The generator of "GANs Failure Modes: How to Identify and Monitor Them" (neptune.ai; docs/experiments/monitoring.md), in PyTorch there: Linear(latent, 128·7·7) + LeakyReLU(0.2)
 * → 2 × [ConvTranspose(128, 4, s2, p1) + LeakyReLU] → Conv(1, 3, p1) + Tanh.
 * PyTorch's padding 1 with kernel 4 and stride 2 equals tfjs's `same` here.
 *
 * @example
 * ```ts
 * const g = monitoringGenerator({ latentDim: 2 }); // C2
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a latentDim that is not a positive integer or
 * a non-finite seed; `INVALID_RANGE` for a latentDim above 65,536.
 */
export function monitoringGenerator(args?: MonitoringGeneratorArgs | null): tf.Sequential {
  const o = optionsObject('monitoringGenerator', args);
  return smallGenerator({
    latentDim: o.latentDim ?? 128,
    outputKernelSize: 3,
    batchNorm: false,
    seed: o.seed,
    name: 'monitoring_generator',
    caller: 'monitoringGenerator',
  });
}

/** Options of {@link monitoringDiscriminator}. */
export interface MonitoringDiscriminatorArgs {
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * The discriminator of "GANs Failure Modes: How to Identify and Monitor Them" (neptune.ai; docs/experiments/monitoring.md): 2 × [Conv(64, 4, s2, p1) + LeakyReLU(0.2)] →
 * Linear(3136, 1) + Sigmoid. Outputs a probability.
 *
 * @example
 * ```ts
 * const d = monitoringDiscriminator();
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a non-finite seed.
 */
export function monitoringDiscriminator(args?: MonitoringDiscriminatorArgs | null): tf.Sequential {
  const o = optionsObject('monitoringDiscriminator', args);
  return smallDiscriminator({ inputShape: [28, 28, 1], batchNorm: false, seed: o.seed, name: 'monitoring_discriminator', caller: 'monitoringDiscriminator' });
}
