/** C3: a 1-dimensional latent space, trained twice as long (the source: 200 epochs). `npx tsx examples/monitoring/c3-latent-1.ts [--quick]` */
import { trainMonitoring } from './train.js';

await trainMonitoring({ id: 'C3', title: 'C3 latent dim 1', latentDim: 1, epochs: 200 });
