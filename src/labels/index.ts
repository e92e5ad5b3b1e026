export {
  smoothPositiveLabels,
  smoothNegativeLabels,
  type SmoothPositiveLabelsOptions,
  type SmoothNegativeLabelsOptions,
} from './smooth.js';
export { noisyLabels, type NoisyLabelsOptions } from './noisy.js';
