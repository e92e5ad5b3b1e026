import type { History, IterationRecord } from '../history/index.js';
import { GanHacksError } from '../errors/index.js';
import { lipschitzRatio } from '../diagnostics/stats.js';

/** Options of {@link learningCurvesSpec}. */
export interface LearningCurvesOptions {
  /** Figure title. */
  title?: string;
  /** Width of each panel in pixels. @defaultValue 640 */
  width?: number;
  /** Height of each panel in pixels. @defaultValue 220 */
  height?: number;
  /** Loss columns of the top panel. @defaultValue ['dLossReal', 'dLossFake', 'gLoss'] */
  losses?: string[];
  /** Accuracy columns of the bottom panel (omitted when all are NaN). @defaultValue ['dAccReal', 'dAccFake'] */
  accuracies?: string[];
  /** Plot a moving average over this many iterations instead of raw values. @defaultValue 1 */
  smoothing?: number;
  /**
   * For WGAN-GP logs (with `realFakeDistance`), a third panel with the critic's
   * score gap over the real-fake distance and the 1-Lipschitz bound at 1,
   * which `diagnose`'s `critic-not-lipschitz` signal reads. @defaultValue true
   */
  lipschitz?: boolean;
}

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const LABELS: Record<string, string> = {
  dLossReal: 'D loss (real)',
  dLossFake: 'D loss (fake)',
  gLoss: 'G loss',
  dAccReal: 'D accuracy (real)',
  dAccFake: 'D accuracy (fake)',
  lipschitzRatio: 'gap / distance',
};

function longFormat(records: IterationRecord[], columns: string[], smoothing: number): { iteration: number; series: string; value: number }[] {
  const out: { iteration: number; series: string; value: number }[] = [];
  for (const c of columns) {
    let sum = 0;
    let count = 0;
    const buf: number[] = [];
    for (const r of records) {
      const v = r[c];
      if (!Number.isFinite(v)) continue;
      buf.push(v);
      sum += v;
      count++;
      if (buf.length > smoothing) {
        sum -= buf.shift()!;
        count--;
      }
      out.push({ iteration: r.iteration, series: LABELS[c] ?? c, value: sum / count });
    }
  }
  return out;
}

/**
 * The source's two-panel learning-curve figure as a Vega-Lite spec: D loss
 * on real and fake and G loss on top, D accuracy on real and fake below
 * (EXPERIMENTS.md B). Pure data: render it with {@link renderLearningCurvesSvg}
 * or any Vega-Lite runtime.
 *
 * @example
 * ```ts
 * const spec = learningCurvesSpec(history, { title: 'B1 stable' });
 * ```
 */
export function learningCurvesSpec(history: History | IterationRecord[], options: LearningCurvesOptions = {}): VegaLiteSpec {
  const records = Array.isArray(history) ? history : history.records;
  if (records.length === 0) throw new GanHacksError('INVALID_ARGUMENT', 'learningCurvesSpec: the history is empty.');
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const smoothing = Math.max(1, Math.floor(options.smoothing ?? 1));
  const lossData = longFormat(records, options.losses ?? ['dLossReal', 'dLossFake', 'gLoss'], smoothing);
  const accData = longFormat(records, options.accuracies ?? ['dAccReal', 'dAccFake'], smoothing);
  const panel = (data: object[], title: string, yTitle: string, domain?: [number, number]): object => ({
    title,
    width,
    height,
    data: { values: data },
    mark: { type: 'line', strokeWidth: 1.2, clip: true },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
      y: { field: 'value', type: 'quantitative', title: yTitle, ...(domain ? { scale: { domain } } : {}) },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'right' } },
    },
  });
  const panels = [panel(lossData, 'Losses', 'loss')];
  if (accData.length > 0) panels.push(panel(accData, 'Discriminator accuracy', 'accuracy', [0, 1]));
  const ratios = options.lipschitz === false ? [] : longFormat(records.map((r) => ({ ...r, lipschitzRatio: lipschitzRatio(r) })), ['lipschitzRatio'], smoothing);
  if (ratios.length > 0) {
    const { title, width: w, height: h, ...line } = panel(ratios, "Critic's Lipschitz ratio (1-Lipschitz bound: 1)", 'ratio') as Record<string, unknown>;
    const bound = { data: { values: [{ bound: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field: 'bound', type: 'quantitative' } } };
    panels.push({ title, width: w, height: h, layer: [line, bound] });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: { text: options.title, fontSize: 15 } } : {}),
    background: 'white',
    vconcat: panels,
    resolve: { scale: { color: 'independent' } },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', view: { stroke: '#ddd' } },
  };
}

/**
 * Renders {@link learningCurvesSpec} to an SVG string with Vega (loaded on
 * first use, in Node and in browsers).
 *
 * @example
 * ```ts
 * const svg = await renderLearningCurvesSvg(history);
 * ```
 */
export async function renderLearningCurvesSvg(history: History | IterationRecord[], options: LearningCurvesOptions = {}): Promise<string> {
  return renderVegaLiteSvg(learningCurvesSpec(history, options));
}

/** Renders any Vega-Lite spec to SVG with headless Vega. */
export async function renderVegaLiteSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
