/** B1: the stable baseline of docs/experiments/failure-modes.md. `npx tsx examples/failure-modes/b1-stable.ts [--quick] [--seed N]` */
import { trainFailureMode } from './train.js';

await trainFailureMode({ id: 'B1', title: 'B1 stable' });
