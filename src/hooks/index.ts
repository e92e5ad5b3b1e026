export { NaNGuard, type NaNGuardOptions } from './nanGuard.js';
export { FailureMonitor, type FailureMonitorOptions } from './failureMonitor.js';
export { EarlyStopping, type EarlyStoppingOptions } from './earlyStopping.js';
export { DiversityProbe, type DiversityProbeOptions } from './diversityProbe.js';
export { FeatureMetrics, type FeatureMetricsOptions, type FeatureMetricName, type FeatureExtractor } from './featureMetrics.js';
export { ema, GeneratorEma, type EmaOptions } from './ema.js';
