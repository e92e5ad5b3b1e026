export type { Augmentation, AugmentationContext, AugmentedBatch, AugmentedStep } from './types.js';
export { instanceNoise, instanceNoiseStd, InstanceNoise, type InstanceNoiseOptions } from './instanceNoise.js';
export { replayBuffer, ReplayBuffer, type ReplayBufferOptions } from './replayBuffer.js';
export {
  diffAugment,
  DiffAugment,
  DIFF_AUGMENT_TRANSFORMS,
  adjustBrightness,
  adjustSaturation,
  adjustContrast,
  translateImages,
  cutoutImages,
  type DiffAugmentOptions,
  type DiffAugmentTransform,
  type AdjustBrightnessOptions,
  type AdjustFactorOptions,
  type TranslateImagesOptions,
  type CutoutImagesOptions,
  type PerImageValue,
} from './diffAugment.js';
