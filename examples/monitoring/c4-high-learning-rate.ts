/** C4: learning rate 0.2 for both players. `npx tsx examples/monitoring/c4-high-learning-rate.ts [--quick]` */
import { trainMonitoring } from './train.js';

await trainMonitoring({ id: 'C4', title: 'C4 learning rate 0.2', learningRate: 0.2 });
