/** B2: mode collapse from a 1-dimensional latent space. `npx tsx examples/failure-modes/b2-mode-collapse.ts [--quick]` */
import { trainFailureMode } from './train.js';

await trainFailureMode({ id: 'B2', title: 'B2 mode collapse (latent dim 1)', latentDim: 1 });
