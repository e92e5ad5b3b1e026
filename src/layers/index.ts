export {
  stridedDownsample,
  stridedUpsample,
  leakyReLU,
  batchNorm,
  type StridedDownsampleArgs,
  type StridedUpsampleArgs,
  type LeakyReLUArgs,
  type BatchNormArgs,
  type KernelInitializer,
} from './blocks.js';
export {
  dcganGenerator,
  dcganDiscriminator,
  type DcganGeneratorArgs,
  type DcganDiscriminatorArgs,
  type Normalization,
} from './dcgan.js';
export {
  failureModesGenerator,
  failureModesDiscriminator,
  type FailureModesGeneratorArgs,
  type FailureModesDiscriminatorArgs,
} from './failureModes.js';
export type { DiscriminatorRemedies } from './smallDcgan.js';
export {
  monitoringGenerator,
  monitoringDiscriminator,
  type MonitoringGeneratorArgs,
  type MonitoringDiscriminatorArgs,
} from './monitoring.js';
export { mlpGenerator, mlpDiscriminator, type MlpGeneratorArgs, type MlpDiscriminatorArgs } from './mlp.js';
export { modelSummary, type ModelSummary } from './summary.js';
export {
  spectralNormalization,
  SpectralNormalization,
  MAX_POWER_ITERATIONS,
  type SpectralNormalizationOptions,
} from './spectralNormalization.js';
export { minibatchStddev, MinibatchStddev, type MinibatchStddevOptions } from './minibatchStddev.js';
export { minibatchDiscrimination, MinibatchDiscrimination, type MinibatchDiscriminationOptions } from './minibatchDiscrimination.js';
export { registerGanHacksLayers } from './registerLayers.js';
export {
  conditionalGenerator,
  projectionDiscriminator,
  acganDiscriminator,
  MAX_CONDITIONAL_CLASSES,
  type ConditionalGeneratorArgs,
  type ConditionalDiscriminatorArgs,
  type ProjectionDiscriminatorArgs,
  type AcganDiscriminatorArgs,
} from './conditional.js';
