/**
 * B3: convergence failure from one D update on real and fake stacked together.
 * `--batch-norm` adds batch norm to D and G, which a reader of the source blames for the failure.
 * `npx tsx examples/failure-modes/b3-combined-batch.ts [--quick] [--batch-norm]`
 */
import { trainFailureMode } from './train.js';

await trainFailureMode({ id: 'B3', title: 'B3 combined real+fake batch', discriminatorStep: 'combined' });
