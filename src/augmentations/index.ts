export type { Augmentation, AugmentationContext, AugmentedBatch, AugmentedStep } from './types.js';
