export { ndb, normalCdf, type NdbOptions, type NdbResult } from './ndb.js';
export { kMeans, KMEANS_LIMITS, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { totalVariation, klDivergence, jsDivergence, earthMoverDistance, type Distribution, type EarthMoverOptions } from './distances.js';
export { meanPairwiseDistance, sampleDiversity, pairwiseSquaredDistances, medianNearestNeighborDistance, nearestNeighborRatio } from './diversity.js';
export { discriminatorAccuracy, type DiscriminatorAccuracyOptions } from './accuracy.js';
