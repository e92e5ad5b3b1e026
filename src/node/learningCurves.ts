import { join } from 'node:path';
import type { Hook, TrainState } from '../train/hooks.js';
import type { History } from '../history/index.js';
import { checkLearningCurvesOptions, renderLearningCurvesSvg, type LearningCurvesOptions } from '../viz/learningCurves.js';
import { assertBoolean, assertNonEmptyString } from '../internal/validate.js';
import { svgToPng } from './png.js';
import { writeFileAtomic } from './files.js';

/** Options of {@link LearningCurves}. */
export interface LearningCurvesHookOptions extends LearningCurvesOptions {
  /** Output folder. */
  dir: string;
  /** Base file name. @defaultValue 'learning-curves' (writes .svg and .png) */
  name?: string;
  /** Redraw at every epoch end, not only at the end. @defaultValue false */
  everyEpoch?: boolean;
}

/**
 * Writes the learning-curve figure as SVG and PNG: a chart drawn from data by Vega-Lite.
 *
 * @returns the paths written.
 * @example
 * ```ts
 * await writeLearningCurves(history, 'runs/b1', { title: 'B1 stable' });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty or non-string `dir` or `name`, otherwise
 * as `learningCurvesSpec`; the promise rejects before anything is written.
 */
export async function writeLearningCurves(history: History, dir: string, options?: (LearningCurvesOptions & { name?: string }) | null): Promise<{ svg: string; png: string }> {
  assertNonEmptyString('writeLearningCurves: dir', dir);
  options = checkLearningCurvesOptions('writeLearningCurves', options) as LearningCurvesOptions & { name?: string };
  if (options.name !== undefined) assertNonEmptyString('writeLearningCurves: name', options.name);
  const svg = await renderLearningCurvesSvg(history, options);
  const base = join(dir, options.name ?? 'learning-curves');
  await writeFileAtomic(`${base}.svg`, svg);
  await writeFileAtomic(`${base}.png`, await svgToPng(svg));
  return { svg: `${base}.svg`, png: `${base}.png` };
}

/**
 * Draws the source's two-panel learning-curve figure (losses on top, D
 * accuracy below) at the end of training, as SVG and PNG.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new LearningCurves({ dir: 'runs/b1' })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without a `dir` string or for a bad option (as
 * `learningCurvesSpec`, plus `name` and `everyEpoch`).
 */
export class LearningCurves implements Hook {
  readonly name = 'LearningCurves';
  private readonly options: LearningCurvesHookOptions;

  constructor(options: LearningCurvesHookOptions) {
    const o = checkLearningCurvesOptions('LearningCurves', options) as LearningCurvesHookOptions;
    assertNonEmptyString('LearningCurves: dir', o.dir);
    if (o.name !== undefined) assertNonEmptyString('LearningCurves: name', o.name);
    if (o.everyEpoch !== undefined) assertBoolean('LearningCurves: everyEpoch', o.everyEpoch);
    this.options = o;
  }

  async onEpochEnd(state: TrainState): Promise<void> {
    if (this.options.everyEpoch) await writeLearningCurves(state.history, this.options.dir, this.options);
  }

  async onTrainEnd(state: TrainState): Promise<void> {
    if (state.history.length > 0) await writeLearningCurves(state.history, this.options.dir, this.options);
  }
}
