export { scaleImages, unscaleImages, type PixelData, type ScaleImagesOptions } from './scale.js';
export { sampleLatent, type SampleLatentOptions, type LatentDistribution } from './latent.js';
export { loadMnist, type LoadMnistOptions, type ImageDataset, type ImageRange } from './mnist.js';
