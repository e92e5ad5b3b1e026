export type { Regularizer, RegularizerContext, RegularizerState, Player } from './types.js';
export { featureMatching, FeatureMatching, type FeatureMatchingOptions } from './featureMatching.js';
export { historicalAveraging, HistoricalAveraging, type HistoricalAveragingOptions } from './historicalAveraging.js';
export { r1Penalty, r2Penalty, R1Penalty, R2Penalty, type R1PenaltyOptions, type R2PenaltyOptions } from './r1Penalty.js';
