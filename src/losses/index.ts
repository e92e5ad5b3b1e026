export type {
  GanLoss,
  LossTerms,
  DiscriminatorOutput,
  DiscriminatorLossInput,
  GeneratorLossInput,
  PenaltyContext,
  LossBands,
} from './types.js';
export { binaryCrossEntropy, type BinaryCrossEntropyOptions } from './functional.js';
export { BCE_BANDS, squaredErrorBands, hingeBands } from './bands.js';
export { MinimaxGAN, NonSaturatingGAN, type MinimaxGANOptions, type NonSaturatingGANOptions } from './minimax.js';
export { LSGAN, type LSGANOptions } from './lsgan.js';
export { HingeGAN } from './hinge.js';
export { WGAN, wassersteinCriticLoss, type WGANOptions } from './wgan.js';
export { WGANGP, containsBatchNorm, type WGANGPOptions } from './wgangp.js';
export { gradientPenalty, type GradientPenaltyOptions, type Critic } from './gradientPenalty.js';
export { enableSecondOrderGradients } from './secondOrder.js';
export { RelativisticGAN } from './relativistic.js';
export { ACGAN, type ACGANOptions } from './acgan.js';
