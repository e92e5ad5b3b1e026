import type * as tf from '@tensorflow/tfjs';
import { smallDiscriminator, smallGenerator } from './smallDcgan.js';

/** Options of {@link monitoringGenerator}. */
export interface MonitoringGeneratorArgs {
  /** Latent size; 2 and 1 are the source's C2 and C3. @defaultValue 128 */
  latentDim?: number;
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * The generator of EXPERIMENTS.md C (sources/002, PyTorch): Linear(latent, 128·7·7) + LeakyReLU(0.2)
 * → 2 × [ConvTranspose(128, 4, s2, p1) + LeakyReLU] → Conv(1, 3, p1) + Tanh.
 * PyTorch's padding 1 with kernel 4 and stride 2 equals tfjs's `same` here.
 *
 * @example
 * ```ts
 * const g = monitoringGenerator({ latentDim: 2 }); // C2
 * ```
 */
export function monitoringGenerator(args: MonitoringGeneratorArgs = {}): tf.Sequential {
  return smallGenerator({
    latentDim: args.latentDim ?? 128,
    outputKernelSize: 3,
    batchNorm: false,
    seed: args.seed,
    name: 'monitoring_generator',
  });
}

/** Options of {@link monitoringDiscriminator}. */
export interface MonitoringDiscriminatorArgs {
  /** Seed for reproducible initial weights. */
  seed?: number;
}

/**
 * The discriminator of EXPERIMENTS.md C: 2 × [Conv(64, 4, s2, p1) + LeakyReLU(0.2)] →
 * Linear(3136, 1) + Sigmoid. Outputs a probability.
 *
 * @example
 * ```ts
 * const d = monitoringDiscriminator();
 * ```
 */
export function monitoringDiscriminator(args: MonitoringDiscriminatorArgs = {}): tf.Sequential {
  return smallDiscriminator({ inputShape: [28, 28, 1], batchNorm: false, seed: args.seed, name: 'monitoring_discriminator' });
}
