export { ndb, normalCdf, type NdbOptions, type NdbResult } from './ndb.js';
export { kMeans, type KMeansOptions, type KMeansResult } from './kmeans.js';
export { totalVariation, klDivergence, jsDivergence, earthMoverDistance, type Distribution } from './distances.js';
export { meanPairwiseDistance, sampleDiversity, pairwiseSquaredDistances, medianNearestNeighborDistance, nearestNeighborRatio } from './diversity.js';
export { discriminatorAccuracy } from './accuracy.js';
