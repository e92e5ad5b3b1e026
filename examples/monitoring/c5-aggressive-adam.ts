/** C5: Adam with betas (0.9, 0.999). `npx tsx examples/monitoring/c5-aggressive-adam.ts [--quick]` */
import { trainMonitoring } from './train.js';

await trainMonitoring({ id: 'C5', title: 'C5 aggressive Adam (betas 0.9, 0.999)', betas: [0.9, 0.999] });
