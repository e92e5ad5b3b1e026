import type { Spec as VegaSpec, View } from 'vega';
import type { Hook, TrainState } from '../train/hooks.js';
import type { History, IterationRecord } from '../history/index.js';
import { checkLearningCurvesOptions, learningCurvesSpec, type LearningCurvesOptions, type VegaLiteSpec } from '../viz/learningCurves.js';
import { GanHacksError } from '../errors/index.js';
import { assertOneOf, assertPositiveInteger, show } from '../internal/validate.js';

/** The `vega` module, as `import('vega')` gives it. */
export type VegaModule = typeof import('vega');

/** Options of {@link LiveCurves}: where and how often to draw, and those of `learningCurvesSpec`. */
export interface LiveCurvesOptions extends LearningCurvesOptions {
  /** The element the chart is drawn into; its content is replaced at each render. */
  element: HTMLElement;
  /** Redraw every this many iterations (a positive integer). @defaultValue 25 */
  every?: number;
  /** Vega's renderer: `'svg'` (text stays selectable, scales) or `'canvas'` (cheaper for long runs). @defaultValue 'svg' */
  renderer?: 'svg' | 'canvas';
}

/** Loads vega and vega-lite on first use: a bundle that never draws a chart does not carry them. */
async function loadVega(): Promise<[VegaModule, typeof import('vega-lite')]> {
  try {
    return await Promise.all([import('vega'), import('vega-lite')]);
  } catch (cause) {
    throw new GanHacksError('MISSING_PEER', 'LiveCurves needs the packages "vega" and "vega-lite" (dependencies of gan-hacks): run `npm install vega vega-lite` and let the bundler resolve them.', { cause });
  }
}

/**
 * Draws the learning-curve figure of a run into a page element and keeps it
 * current: the same Vega-Lite chart as gan-hacks/node's `LearningCurves` PNG
 * (`learningCurvesSpec`: losses on top, discriminator accuracy below, as in
 * "How to Identify and Diagnose GAN Failure Modes", Brownlee 2019), drawn
 * with Vega's View API every `every` iterations and at the end of `fit`.
 *
 * vega and vega-lite are imported at the first render, so a page that does
 * not use this hook does not load them. Renders never overlap and never
 * hold up training: a render due while another is drawing is merged into
 * one that starts when it ends and shows the latest iterations. Each new
 * View replaces the previous one, which is finalized (its listeners and
 * timers removed). A render that fails makes the next hook call throw.
 *
 * @example
 * ```ts
 * const curves = new LiveCurves({ element: document.getElementById('curves')!, every: 20, title: 'B1' });
 * await new Trainer({ generator, discriminator, latentDim: 100, hooks: [curves] }).fit(images, { batchSize: 64, iterations: 500 });
 * await curves.render(resumedHistory); // on demand, e.g. a run loaded from a checkpoint
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when `element` is not a DOM element or for a bad option
 * (every not a positive integer, an unknown renderer, as `learningCurvesSpec` for the chart's
 * options); `INVALID_RANGE` for a panel side above 10,000 pixels.
 */
export class LiveCurves implements Hook {
  readonly name = 'LiveCurves';
  private readonly element: HTMLElement;
  private readonly every: number;
  private readonly renderer: 'svg' | 'canvas';
  private readonly curveOptions: LearningCurvesOptions;
  private renders = 0;
  private current: View | undefined;
  /** The latest history waiting for a render (a newer request replaces it). */
  private next: History | IterationRecord[] | undefined;
  /** The loop drawing `next` until nothing waits; undefined when idle. */
  private drawing: Promise<void> | undefined;
  /** A background render's failure, thrown by the next hook call. */
  private failure: { error: unknown } | undefined;

  constructor(options: LiveCurvesOptions) {
    const o = checkLearningCurvesOptions('LiveCurves', options) as Partial<LiveCurvesOptions>;
    const element = o.element as { nodeType?: unknown } | null | undefined;
    if (element === null || typeof element !== 'object' || element.nodeType !== 1) {
      throw new GanHacksError('INVALID_ARGUMENT', `LiveCurves: element must be a DOM element to draw into (e.g. document.getElementById('curves')), got ${show(element)}.`);
    }
    this.every = o.every ?? 25;
    assertPositiveInteger('LiveCurves: every', this.every);
    this.renderer = o.renderer ?? 'svg';
    assertOneOf('LiveCurves: renderer', this.renderer, ['svg', 'canvas'] as const);
    this.element = o.element as HTMLElement;
    const { title, width, height, losses, accuracies, smoothing, lipschitz } = o;
    this.curveOptions = { title, width, height, losses, accuracies, smoothing, lipschitz };
  }

  /** Renders finished so far. */
  get rendered(): number {
    return this.renders;
  }

  /** The Vega View on the page now (e.g. `await curves.view?.toImageURL('png')`); undefined before the first render. */
  get view(): View | undefined {
    return this.current;
  }

  /**
   * Draws the chart of `history` now (or, when a render is under way, right
   * after it): for a history loaded from a checkpoint, or outside `fit`.
   * Resolves when the chart is on the page.
   * @example `await curves.render(trainer.history);`
   * @throws GanHacksError as `learningCurvesSpec` for an empty or malformed history
   * (checked before anything is drawn); `MISSING_PEER` when vega cannot be loaded;
   * `INVALID_ARGUMENT` when Vega cannot draw the chart. The promise rejects.
   */
  async render(history: History | IterationRecord[]): Promise<void> {
    learningCurvesSpec(history, this.curveOptions);
    await this.request(history);
  }

  /**
   * Finalizes the current View (its listeners and timers) once any render
   * under way has ended; the last chart stays in the element.
   * @example `await curves.dispose();`
   */
  async dispose(): Promise<void> {
    this.next = undefined;
    await this.drawing?.catch(() => undefined);
    this.current?.finalize();
    this.current = undefined;
  }

  onTrainBegin(): void {
    this.failure = undefined;
  }

  onIterationEnd(state: TrainState, logs: IterationRecord): void {
    this.throwFailure();
    if (logs.iteration % this.every !== 0) return;
    // Not awaited: training goes on while the chart draws.
    this.request(state.history).catch((error: unknown) => {
      this.failure ??= { error };
    });
  }

  async onTrainEnd(state: TrainState): Promise<void> {
    this.throwFailure();
    if (state.history.length > 0) await this.request(state.history);
    else await this.drawing;
  }

  async onTrainError(): Promise<void> {
    this.next = undefined;
    await this.drawing?.catch(() => undefined);
    this.failure = undefined;
  }

  /**
   * Builds the View of one render from the compiled Vega spec: into the
   * element, with the chosen renderer and no hover listeners. The one place
   * that touches the page; a subclass may draw elsewhere (a test draws
   * headless with `renderer: 'none'`).
   */
  protected createView(vega: VegaModule, spec: VegaSpec): View {
    return new vega.View(vega.parse(spec), { renderer: this.renderer, container: this.element, hover: false });
  }

  private throwFailure(): void {
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure.error;
  }

  /** Queues `history` for drawing; resolves when a render that started after this call has ended. */
  private request(history: History | IterationRecord[]): Promise<void> {
    this.next = history;
    this.drawing ??= this.drain();
    return this.drawing;
  }

  private async drain(): Promise<void> {
    try {
      // Start after `request` has stored this promise, so that a synchronous failure cannot clear `drawing` first.
      await undefined;
      while (this.next !== undefined) {
        const history = this.next;
        this.next = undefined;
        await this.draw(learningCurvesSpec(history, this.curveOptions));
      }
    } finally {
      this.drawing = undefined;
    }
  }

  private async draw(spec: VegaLiteSpec): Promise<void> {
    const [vega, vegaLite] = await loadVega();
    let compiled: VegaSpec;
    try {
      compiled = vegaLite.compile(spec as never).spec;
    } catch (cause) {
      throw new GanHacksError('INVALID_ARGUMENT', `LiveCurves: Vega-Lite could not compile the chart: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
    }
    // The old View goes before the new one takes the element: no listener of it survives.
    this.current?.finalize();
    this.current = undefined;
    let view: View | undefined;
    try {
      view = this.createView(vega, compiled);
      await view.runAsync();
    } catch (cause) {
      view?.finalize();
      throw new GanHacksError('INVALID_ARGUMENT', `LiveCurves: Vega could not draw the chart into the element: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
    }
    this.current = view;
    this.renders += 1;
  }
}
