/** B4: convergence failure from Adam's defaults (lr 0.001, β1 0.9). `npx tsx examples/failure-modes/b4-aggressive-adam.ts [--quick]` */
import { trainFailureMode } from './train.js';

await trainFailureMode({ id: 'B4', title: 'B4 aggressive Adam', aggressiveAdam: true });
