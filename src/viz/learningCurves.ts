import type { History, IterationRecord } from '../history/index.js';
import { GanHacksError } from '../errors/index.js';
import { lipschitzRatio } from '../diagnostics/stats.js';
import { assertAtMost, assertBoolean, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';

/** Largest panel side in pixels. */
const MAX_PANEL_SIZE = 10_000;

/** Options of {@link learningCurvesSpec}. */
export interface LearningCurvesOptions {
  /** Figure title. */
  title?: string;
  /** Width of each panel in pixels (1 to 10,000). @defaultValue 640 */
  width?: number;
  /** Height of each panel in pixels (1 to 10,000). @defaultValue 220 */
  height?: number;
  /** Loss columns of the top panel. @defaultValue ['dLossReal', 'dLossFake', 'gLoss'] */
  losses?: string[];
  /** Accuracy columns of the bottom panel (omitted when all are NaN). @defaultValue ['dAccReal', 'dAccFake'] */
  accuracies?: string[];
  /** Plot a moving average over this many iterations instead of raw values (a positive integer). @defaultValue 1 */
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

/** Validates {@link LearningCurvesOptions}; used by the node hooks too. */
export function checkLearningCurvesOptions(fn: string, options: LearningCurvesOptions | null | undefined): LearningCurvesOptions {
  const o = optionsObject(fn, options);
  if (o.title !== undefined && typeof o.title !== 'string') {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: title must be a string, got ${show(o.title)}.`);
  }
  for (const key of ['width', 'height'] as const) {
    if (o[key] === undefined) continue;
    assertPositiveInteger(`${fn}: ${key}`, o[key]);
    assertAtMost(`${fn}: ${key}`, o[key], MAX_PANEL_SIZE);
  }
  for (const key of ['losses', 'accuracies'] as const) {
    const v = o[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((c) => typeof c !== 'string' || c.length === 0))) {
      throw new GanHacksError('INVALID_ARGUMENT', `${fn}: ${key} must be a list of column names, got ${Array.isArray(v) ? `[${v.map((c) => show(c)).join(', ')}]` : show(v)}.`);
    }
  }
  if (o.smoothing !== undefined) assertPositiveInteger(`${fn}: smoothing`, o.smoothing);
  if (o.lipschitz !== undefined) assertBoolean(`${fn}: lipschitz`, o.lipschitz);
  return o;
}

/** The records of a history, checked: a non-empty list of records with a finite iteration. */
function recordsOf(fn: string, history: unknown): IterationRecord[] {
  const records = Array.isArray(history)
    ? history
    : history !== null && typeof history === 'object' && Array.isArray((history as History).records)
      ? (history as History).records
      : undefined;
  if (records === undefined) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: pass a History or an array of iteration records, got ${show(history)}.`);
  }
  if (records.length === 0) throw new GanHacksError('INVALID_ARGUMENT', `${fn}: the history is empty.`);
  const bad = records.findIndex((r) => r === null || typeof r !== 'object' || typeof r.iteration !== 'number' || !Number.isFinite(r.iteration));
  if (bad >= 0) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: record ${bad} must be an object with a finite \`iteration\`, got ${show(records[bad])}.`);
  }
  return records;
}

/**
 * The source's two-panel learning-curve figure as a Vega-Lite spec: D loss
 * on real and fake and G loss on top, D accuracy on real and fake below
 * ("How to Identify and Diagnose GAN Failure Modes", Brownlee 2019). Pure data: render it with {@link renderLearningCurvesSvg}
 * or any Vega-Lite runtime.
 *
 * @example
 * ```ts
 * const spec = learningCurvesSpec(history, { title: 'B1 stable' });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty history, records without a finite
 * `iteration`, or a bad option; `INVALID_RANGE` for a panel side above 10,000 pixels.
 */
export function learningCurvesSpec(history: History | IterationRecord[], options?: LearningCurvesOptions | null): VegaLiteSpec {
  options = checkLearningCurvesOptions('learningCurvesSpec', options);
  const records = recordsOf('learningCurvesSpec', history);
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const smoothing = options.smoothing ?? 1;
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
 * @throws GanHacksError as {@link learningCurvesSpec} (the promise rejects).
 */
export async function renderLearningCurvesSvg(history: History | IterationRecord[], options?: LearningCurvesOptions | null): Promise<string> {
  return renderVegaLiteSvg(learningCurvesSpec(history, options));
}

/**
 * Refuses a numeric `width` or `height` above 10,000 pixels anywhere in a spec
 * (the SVG grows with them: a width of 1e6 already gives 7 MB).
 */
function checkSpecSizes(spec: unknown, path = 'spec', depth = 0): void {
  if (depth > 8 || spec === null || typeof spec !== 'object') return;
  for (const [key, value] of Object.entries(spec)) {
    if ((key === 'width' || key === 'height') && typeof value === 'number' && !(value <= MAX_PANEL_SIZE)) {
      throw new GanHacksError('INVALID_RANGE', `renderVegaLiteSvg: ${path}.${key} must be at most ${MAX_PANEL_SIZE} pixels, got ${show(value)}.`);
    }
    if (key !== 'data' && key !== 'datasets') checkSpecSizes(value, `${path}.${key}`, depth + 1);
  }
}

/**
 * Renders any Vega-Lite spec to SVG with headless Vega.
 *
 * @example
 * ```ts
 * const svg = await renderVegaLiteSvg({ mark: 'point', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x', type: 'quantitative' } } });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `spec` is not an object or Vega-Lite cannot
 * compile or render it (the cause carries Vega's error); `INVALID_RANGE` for a numeric width
 * or height above 10,000 pixels; `MISSING_PEER` when vega or vega-lite cannot be loaded.
 * The promise rejects.
 */
export async function renderVegaLiteSvg(spec: VegaLiteSpec): Promise<string> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new GanHacksError('INVALID_ARGUMENT', `renderVegaLiteSvg: spec must be a Vega-Lite specification object, got ${Array.isArray(spec) ? 'an array' : show(spec)}.`);
  }
  checkSpecSizes(spec);
  let vega: typeof import('vega');
  let vegaLite: typeof import('vega-lite');
  try {
    [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  } catch (cause) {
    throw new GanHacksError('MISSING_PEER', 'renderVegaLiteSvg needs the packages "vega" and "vega-lite": run `npm install vega vega-lite`.', { cause });
  }
  let view: InstanceType<typeof vega.View>;
  try {
    const compiled = vegaLite.compile(spec as never).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  } catch (cause) {
    throw new GanHacksError('INVALID_ARGUMENT', `renderVegaLiteSvg: Vega-Lite could not compile the spec: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
  }
  try {
    return await view.toSVG();
  } catch (cause) {
    throw new GanHacksError('INVALID_ARGUMENT', `renderVegaLiteSvg: Vega could not render the spec: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
  } finally {
    view.finalize();
  }
}
