/** C2: a 2-dimensional latent space. `npx tsx examples/monitoring/c2-latent-2.ts [--quick]` */
import { trainMonitoring } from './train.js';

await trainMonitoring({ id: 'C2', title: 'C2 latent dim 2', latentDim: 2 });
