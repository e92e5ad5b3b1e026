import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Spec as VegaSpec, View } from 'vega';
import * as vegaLite from 'vega-lite';
import { describe, expect, it, vi } from 'vitest';
import { History, Trainer, learningCurvesSpec, type Hook, type IterationRecord, type TrainState } from 'gan-hacks';
import { LiveCurves, type LiveCurvesOptions, type VegaModule } from 'gan-hacks/browser';
import { expectCode, expectCodeAsync, rejection } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

/** An object vega never sees in these tests: createView is replaced; only its validation is checked. */
const element = { nodeType: 1 } as unknown as HTMLElement;

const record = (iteration: number): IterationRecord => ({
  iteration,
  epoch: 0,
  dLossReal: 0.7 - iteration / 100,
  dLossFake: 0.6,
  gLoss: 1 + iteration / 10,
  dAccReal: 0.5,
  dAccFake: 0.55,
});

/** The largest iteration a compiled chart shows. */
function lastIteration(spec: VegaSpec): number {
  return Math.max(...[...JSON.stringify(spec).matchAll(/"iteration":(\d+)/g)].map((m) => Number(m[1])));
}

/**
 * LiveCurves drawing headless (Vega's renderer 'none'): records the compiled specs and Views,
 * counts renders under way, and can hold each render until the test releases it.
 */
class Observed extends LiveCurves {
  readonly specs: VegaSpec[] = [];
  readonly views: View[] = [];
  active = 0;
  maxActive = 0;
  gated = false;
  failNext = false;
  private readonly gates: (() => void)[] = [];

  constructor(options?: Partial<LiveCurvesOptions>) {
    super({ element, ...options });
  }

  release(): void {
    this.gates.shift()!();
  }

  get waiting(): number {
    return this.gates.length;
  }

  protected override createView(vega: VegaModule, spec: VegaSpec): View {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('no canvas here');
    }
    // A copy: vega.parse marks the data objects it is given.
    this.specs.push(JSON.parse(JSON.stringify(spec)) as VegaSpec);
    const view = new vega.View(vega.parse(spec), { renderer: 'none' });
    vi.spyOn(view, 'finalize');
    const run = view.runAsync.bind(view);
    view.runAsync = async () => {
      this.maxActive = Math.max(this.maxActive, ++this.active);
      try {
        if (this.gated) await new Promise<void>((resolve) => this.gates.push(resolve));
        return await run();
      } finally {
        this.active--;
      }
    };
    this.views.push(view);
    return view;
  }
}

const stateOf = (history: History): TrainState => ({ history }) as unknown as TrainState;

describe('LiveCurves', () => {
  it('render(history) builds a Vega View from learningCurvesSpec compiled by Vega-Lite, with the same options', async () => {
    const history = new History([1, 2, 3, 4].map(record));
    const hook = new Observed({ title: 'tiny run', smoothing: 2, width: 300 });
    expect(hook.rendered).toBe(0);
    expect(hook.view).toBeUndefined();
    await hook.render(history);
    expect(hook.rendered).toBe(1);
    expect(hook.specs).toEqual([vegaLite.compile(learningCurvesSpec(history, { title: 'tiny run', smoothing: 2, width: 300 }) as never).spec]);
    expect(hook.view).toBe(hook.views[0]);
    // What the page shows: the panels, the axis titles, the series and the title.
    const svg = await hook.view!.toSVG();
    for (const text of ['tiny run', 'Losses', 'Discriminator accuracy', 'iteration', 'loss', 'accuracy', 'G loss', 'D loss (real)']) expect(svg).toContain(`>${text}<`);
    // An array of records works too, and the previous View is finalized before the next one is built.
    await hook.render(history.records.slice(0, 2));
    expect(hook.rendered).toBe(2);
    expect(hook.views[0].finalize).toHaveBeenCalledTimes(1);
    expect(hook.views[1].finalize).not.toHaveBeenCalled();
    expect(lastIteration(hook.specs[1])).toBe(2);
    await hook.dispose();
    expect(hook.views[1].finalize).toHaveBeenCalledTimes(1);
    expect(hook.view).toBeUndefined();
  });

  it('never renders twice at once: requests while a render is under way merge into one render of the latest history', async () => {
    const history = new History();
    const hook = new Observed({ every: 1 });
    hook.gated = true;
    history.push(record(1));
    hook.onIterationEnd(stateOf(history), record(1));
    await vi.waitFor(() => expect(hook.waiting).toBe(1));
    for (let i = 2; i <= 10; i++) {
      history.push(record(i));
      hook.onIterationEnd(stateOf(history), record(i)); // returns at once: training does not wait
    }
    expect(hook.specs).toHaveLength(1);
    hook.release();
    // Nine requests came during the first render: one more render, of all ten iterations.
    await vi.waitFor(() => expect(hook.waiting).toBe(1));
    expect(hook.specs).toHaveLength(2);
    expect(lastIteration(hook.specs[1])).toBe(10);
    hook.release();
    await vi.waitFor(() => expect(hook.rendered).toBe(2));
    // The end of training renders once more and waits for it.
    history.push(record(11));
    hook.gated = false;
    await hook.onTrainEnd(stateOf(history));
    expect(hook.rendered).toBe(3);
    expect(lastIteration(hook.specs[2])).toBe(11);
    expect(hook.maxActive).toBe(1);
    expect(hook.views.slice(0, 2).map((v) => vi.mocked(v.finalize).mock.calls.length)).toEqual([1, 1]);
  });

  it('renders every `every` iterations only', async () => {
    const history = new History();
    const hook = new Observed({ every: 3 });
    for (let i = 1; i <= 7; i++) {
      history.push(record(i));
      hook.onIterationEnd(stateOf(history), record(i));
      await vi.waitFor(() => expect(hook.specs).toHaveLength(Math.floor(i / 3)));
    }
    await hook.onTrainEnd(stateOf(history));
    expect(hook.specs.map(lastIteration)).toEqual([3, 6, 7]);
  });

  it('in a fit, training goes on while a render is under way; requests merge; the last render shows the last iteration; no tensor leaks', async () => {
    await Promise.all([import('vega'), import('vega-lite')]); // loaded once, as a page would have after its first chart
    const data = tinyData(16);
    const hook = new Observed({ every: 1 });
    hook.gated = true;
    const stuck: number[] = [];
    // Runs before LiveCurves: notes when a render is held, and lets it go at the end of training.
    const releaser: Hook = {
      onIterationEnd: (_s, logs) => void (hook.waiting > 0 && stuck.push(logs.iteration)),
      onTrainEnd: () => {
        hook.gated = false;
        while (hook.waiting > 0) hook.release();
      },
    };
    const before = tf.memory().numTensors;
    const t = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 1, hooks: [releaser, hook] });
    await t.fit(data, { batchSize: 8, iterations: 12, yieldEvery: 0 });
    // The first render was held from early on; all twelve iterations ran meanwhile.
    expect(stuck).toEqual(Array.from({ length: 12 - stuck[0] + 1 }, (_, i) => stuck[0] + i));
    expect(stuck[0]).toBeLessThanOrEqual(3);
    // Eleven requests during the held render: one render after it, of the whole run.
    expect(hook.rendered).toBe(2);
    expect(lastIteration(hook.specs[0])).toBeLessThan(12);
    expect(lastIteration(hook.specs[1])).toBe(12);
    expect(hook.maxActive).toBe(1);
    expect(vi.mocked(hook.views[0].finalize).mock.calls.length).toBe(1);
    expect(vi.mocked(hook.views[1].finalize).mock.calls.length).toBe(0);
    t.dispose();
    t.generator.dispose();
    t.discriminator.dispose();
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('a render that fails is thrown by the next hook call; render() rejects with it', async () => {
    const history = new History([record(1)]);
    const hook = new Observed({ every: 1 });
    hook.failNext = true;
    hook.onIterationEnd(stateOf(history), record(1));
    await vi.waitFor(() => expect(hook.failNext).toBe(false));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expectCode(() => hook.onIterationEnd(stateOf(history), record(1)), 'INVALID_ARGUMENT');
    hook.failNext = true;
    const error = await rejection(hook.render(history));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('no canvas here');
    expect((error.cause as Error).message).toBe('no canvas here');
    // It recovers: the next render works.
    await hook.render(history);
    expect(hook.rendered).toBe(1);
    // A failure inside fit fails the fit.
    const data = tinyData(16);
    const failing = new Observed({ every: 2 });
    failing.failNext = true;
    const t = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 1, hooks: [failing] });
    await expect(t.fit(data, { batchSize: 8, iterations: 4 })).rejects.toThrow('no canvas here');
    t.dispose();
    t.generator.dispose();
    t.discriminator.dispose();
    data.dispose();
  });

  it('the default View goes into the element; Vega refusing it is INVALID_ARGUMENT with its error as the cause', async () => {
    const hook = new LiveCurves({ element });
    const error = await rejection(hook.render([record(1)]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^LiveCurves: Vega could not draw the chart into the element/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('validates its options on construction and the history on render', async () => {
    expectCode(() => new LiveCurves(null as never), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({} as never), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element: null as never }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element: {} as never }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element: '#curves' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element, every: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element, every: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element, renderer: 'png' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element, width: 1e9 }), 'INVALID_RANGE');
    expectCode(() => new LiveCurves({ element, smoothing: 0.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element, losses: [3] as never }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves({ element, title: 7 as never }), 'INVALID_ARGUMENT');
    expectCode(() => new LiveCurves([element] as never), 'INVALID_ARGUMENT');
    const message = (() => {
      try {
        new LiveCurves({ element: null as never });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toBe("LiveCurves: element must be a DOM element to draw into (e.g. document.getElementById('curves')), got null.");
    const hook = new Observed({ renderer: 'canvas' });
    await expectCodeAsync(() => hook.render([]), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => hook.render(null as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => hook.render([{ epoch: 0 }] as never), 'INVALID_ARGUMENT');
    expect(hook.specs).toHaveLength(0);
  });

  it('a bundle without LiveCurves loads no vega; with it, vega is in chunks loaded by a dynamic import only', async () => {
    const entry = fileURLToPath(new URL('../../src/browser/index.ts', import.meta.url));
    /** The bundle's files a page loads at start (static imports from the entry) and those it may load later (dynamic imports). */
    const bundle = async (names: string): Promise<{ atStart: string[]; later: string[] }> => {
      const result = await build({
        stdin: { contents: `export { ${names} } from ${JSON.stringify(entry)};`, resolveDir: process.cwd(), loader: 'ts' },
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'browser',
        outdir: '/out',
        write: false,
        external: ['@tensorflow/*', 'seedrandom', 'node:*'],
        logLevel: 'silent',
        metafile: true,
      });
      const entryFile = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint !== undefined)![0].split('/').pop()!;
      const files = new Map(result.outputFiles.map((f) => [f.path.split('/').pop()!, f.text]));
      const closure = (roots: string[]): string[] => {
        const seen = new Set<string>();
        const visit = (name: string): void => {
          if (seen.has(name) || !files.has(name)) return;
          seen.add(name);
          for (const m of files.get(name)!.matchAll(/^(?:import|export)\b[^;]*?from\s*"\.\/([^"]+)"/gm)) visit(m[1]);
        };
        roots.forEach(visit);
        return [...seen];
      };
      const atStart = closure([entryFile]);
      const dynamic = atStart.flatMap((name) => [...files.get(name)!.matchAll(/import\("\.\/([^"]+)"\)/g)].map((m) => m[1]));
      return { atStart: atStart.map((n) => files.get(n)!), later: closure(dynamic).map((n) => files.get(n)!) };
    };
    // A string from vega-view (its renderer check) and one from vega-lite (its compiler).
    const isVega = (code: string): boolean => code.includes('Unrecognized renderer type') || code.includes('Invalid specification');
    const withoutCharts = await bundle('CanvasGrid, drawGrid, toRgba, loadMnistFrom');
    expect(withoutCharts.atStart.length).toBeGreaterThan(0);
    expect([...withoutCharts.atStart, ...withoutCharts.later].some(isVega)).toBe(false);
    const withCharts = await bundle('LiveCurves');
    expect(withCharts.atStart.some(isVega)).toBe(false);
    expect(withCharts.later.some((c) => c.includes('Unrecognized renderer type'))).toBe(true);
    expect(withCharts.later.some((c) => c.includes('Invalid specification'))).toBe(true);
  });
});
