/** C1: the stable baseline of docs/experiments/monitoring.md. `npx tsx examples/monitoring/c1-stable.ts [--quick] [--k N]` */
import { trainMonitoring } from './train.js';

await trainMonitoring({ id: 'C1', title: 'C1 stable' });
