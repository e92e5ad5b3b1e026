/**
 * gan-hacks: the proven GAN training tricks for TensorFlow.js, a thin Trainer
 * with hook points, and automatic diagnosis of failure modes.
 *
 * This is the isomorphic entry (Node and browsers). File-system and terminal
 * helpers live in `gan-hacks/node`; WASM training kernels in `gan-hacks/wasm`.
 * @module gan-hacks
 */
export * from './errors/index.js';
export * from './layers/index.js';
export * from './initializers/index.js';
export * from './data/index.js';
export * from './labels/index.js';
export * from './losses/index.js';
export * from './regularizers/index.js';
export * from './augmentations/index.js';
export * from './metrics/index.js';
export * from './train/index.js';
export * from './hooks/index.js';
export * from './diagnostics/index.js';
export * from './viz/index.js';
export * from './backends/index.js';
