/**
 * Figures the page states: the speeds measured on this project's 2-core machine, and the
 * FailureMonitor's verdict changes over full runs (the committed batch-128 runs, computed by build.ts
 * from their histories; the playground's own runs, measured in Chromium). docs/playground.md gives
 * the same figures and how they were measured.
 */
import type { FullRun } from './build.js';

declare const __FULL_RUNS__: FullRun[];

export interface Speed {
  setting: string;
  where: string;
  seconds: string;
}

/**
 * Measured on 2026-12-02 on the project's machine (2 cores) while two other training runs shared it (load
 * 5-7): the playground's worker in Debian's Chromium, WASM with 2 threads. Grid, diversity and checkpoint
 * work included.
 */
export const SPEEDS: Speed[] = [
  { setting: "B1, batch 128 (B1's own; the default)", where: 'this page, two 200-iteration runs (screenshots.ts)', seconds: '5.1, 6.5' },
  { setting: 'B1, batch 64', where: 'this page, 8 iterations', seconds: '3.2' },
  { setting: 'B2, batch 32', where: 'this page, the 100-iteration test run', seconds: '1.5' },
  { setting: 'B1, batch 128, the Trainer on the page itself', where: 'Chromium on the same machine otherwise idle (docs/performance.md)', seconds: '1.9-2.1' },
];

/** Full runs of the playground itself, in Chromium, and the smaller batches tried for a faster B1. */
export const PLAYGROUND_RUNS: FullRun[] = [
  { setting: 'B1 stable, batch 128, seed 1 (200 iterations, this page)', timeline: '25 → undetermined, 100 → mode-collapse, 175 → stable' },
  { setting: 'B2 latent size 1, batch 32, seed 1 (100 iterations, this page)', timeline: '25 → undetermined, 100 → mode-collapse' },
  { setting: 'B1 stable, batch 64, seed 1 (125 iterations, Node)', timeline: '25 → undetermined, 100 → convergence-failure' },
  { setting: 'B1 stable, batch 32, seed 1 (250 iterations, Node)', timeline: '25 → undetermined, 100 → convergence-failure' },
];

export const FULL_RUNS: FullRun[] = [...PLAYGROUND_RUNS, ...(typeof __FULL_RUNS__ === 'undefined' ? [] : __FULL_RUNS__)];
