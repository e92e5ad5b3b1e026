export type { Regularizer, RegularizerContext, RegularizerState, Player } from './types.js';
export { featureMatching, FeatureMatching, type FeatureMatchingOptions } from './featureMatching.js';
export { historicalAveraging, HistoricalAveraging, type HistoricalAveragingOptions } from './historicalAveraging.js';
