import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { Trainer, imageGrid, learningCurvesSpec } from '../../src/index.js';
import { CsvLogger, JsonlLogger, LearningCurves, ProgressBar, SampleGrid, encodePng, svgToPng, writeFileAtomic, writeLearningCurves, writePng } from '../../src/node/index.js';
import { renderVegaLiteSvg } from '../../src/index.js';
import { expectCode, expectCodeAsync } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

describe('image grids and PNG', () => {
  it('tiles images with padding, inverts grayscale and encodes a decodable PNG', () => {
    // Two 2x2 images: all -1 (white after inversion) and all +1 (black).
    const images = tf.concat([tf.fill([1, 2, 2, 1], -1), tf.fill([1, 2, 2, 1], 1)]);
    const grid = imageGrid(images, { columns: 2, padding: 1 });
    expect([grid.width, grid.height, grid.channels]).toEqual([7, 4, 1]);
    const row1 = Array.from(grid.pixels.slice(7, 14));
    expect(row1).toEqual([255, 255, 255, 255, 0, 0, 255]);
    const png = PNG.sync.read(encodePng(grid));
    expect([png.width, png.height]).toEqual([7, 4]);
    expect(png.data[(1 * 7 + 4) * 4]).toBe(0);
    expect(imageGrid(images, { columns: 1, padding: 0, invert: false, scale: 2 }).width).toBe(4);
    images.dispose();
  });

  it('imageGrid refuses NaN and infinities (they used to become silent black or white pixels), empty batches and odd options', () => {
    const ok = tf.zeros([2, 2, 2, 1]);
    const nan = tf.tensor4d([0, NaN, 0, 0], [1, 2, 2, 1]);
    const inf = tf.tensor4d([0, 0, Infinity, 0], [1, 2, 2, 1]);
    const empty = tf.zeros([0, 2, 2, 1]);
    const before = tf.memory().numTensors;
    expectCode(() => imageGrid(nan), 'NON_FINITE_INPUT');
    expectCode(() => imageGrid(inf), 'NON_FINITE_INPUT');
    expectCode(() => imageGrid(empty), 'INVALID_SHAPE');
    expectCode(() => imageGrid(ok, { range: 'bytes' as never }), 'INVALID_ARGUMENT');
    expectCode(() => imageGrid(ok, { invert: 0 as never }), 'INVALID_ARGUMENT');
    expectCode(() => imageGrid(ok, { scale: 1e6 }), 'INVALID_RANGE');
    expectCode(() => imageGrid(ok, { columns: 1e12 }), 'INVALID_RANGE');
    expectCode(() => imageGrid(null as never), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    expect(imageGrid(ok, null).width).toBe(2 * 2 + 3 * 2);
    tf.dispose([ok, nan, inf, empty]);
  });

  it('encodePng, writePng and svgToPng check what they are given', async () => {
    const raster = { width: 2, height: 1, channels: 1 as const, pixels: new Uint8ClampedArray([0, 255]) };
    expect(PNG.sync.read(encodePng(raster)).width).toBe(2);
    expectCode(() => encodePng({ ...raster, width: 3 }), 'INVALID_SHAPE');
    expectCode(() => encodePng({ ...raster, channels: 4 as never }), 'INVALID_ARGUMENT');
    expectCode(() => encodePng({ ...raster, width: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => encodePng({ ...raster, pixels: [0, 255] as never }), 'INVALID_ARGUMENT');
    expectCode(() => encodePng(null as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writePng(raster, ''), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writePng(raster, 42 as never), 'INVALID_ARGUMENT');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><rect width="10" height="5"/></svg>';
    expect(PNG.sync.read(await svgToPng(svg, { scale: 1 })).width).toBe(10);
    await expectCodeAsync(() => svgToPng('not svg'), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => svgToPng(svg, { scale: 0 }), 'INVALID_RANGE');
    await expectCodeAsync(() => svgToPng(svg, { scale: NaN }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => svgToPng(svg.replace(/10/g, '100000'), { scale: 16 }), 'INVALID_RANGE');
    await expectCodeAsync(() => renderVegaLiteSvg(null as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => renderVegaLiteSvg({ mark: 'no-such-mark' }), 'INVALID_ARGUMENT');
    // A width of 1e6 already renders 7 MB of SVG; larger ones would exhaust memory.
    await expectCodeAsync(() => renderVegaLiteSvg({ vconcat: [{ width: 1e8, mark: 'point' }] }), 'INVALID_RANGE');
  });
});

describe('ProgressBar', () => {
  const logStream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, write: (c: string) => (chunks.push(String(c)), true) } as unknown as NodeJS.WritableStream };
  };
  const train = async (bar: ProgressBar) => {
    const data = tinyData(16);
    const t = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 1, hooks: [bar] });
    const h = await t.fit(data, { batchSize: 8, iterations: 4, iterationsPerEpoch: 2 });
    data.dispose();
    return h;
  };

  it('writes one line per epoch with the epoch means when the stream is not a terminal', async () => {
    const { chunks, stream } = logStream(false);
    const h = await train(new ProgressBar({ stream }));
    expect(chunks).toHaveLength(2);
    const e1 = h.epochMean(1);
    expect(chunks[1]).toMatch(/^epoch 2\/2 \| iteration 4\/4 \| [\d.]+ (it\/s|s\/it) \| ETA 0 s \| /);
    expect(chunks[1]).toContain(`gLoss ${e1.gLoss.toFixed(3)}`);
    expect(chunks[1]).toContain(`dLossReal ${e1.dLossReal.toFixed(3)}`);
  });

  it('draws the bar instead where asked (noTTYOutput), with no epoch lines', async () => {
    const { chunks, stream } = logStream(false);
    await train(new ProgressBar({ stream, noTTYOutput: true }));
    expect(chunks.some((c) => c.startsWith('epoch '))).toBe(false);
    expect(chunks.join('')).toMatch(/4\/4/);
  });
});

describe('file and chart hooks', () => {
  it('write per-epoch grids, CSV, JSONL and the two-panel learning curves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hooks-'));
    const data = tinyData(16);
    const t = new Trainer({
      generator: tinyGenerator(),
      discriminator: tinyDiscriminator(),
      latentDim: 3,
      seed: 1,
      hooks: [
        new SampleGrid({ dir: join(dir, 'grids'), size: 3 }),
        new CsvLogger({ path: join(dir, 'h.csv') }),
        new JsonlLogger({ path: join(dir, 'h.jsonl') }),
        new LearningCurves({ dir, title: 'tiny' }),
      ],
    });
    await t.fit(data, { batchSize: 8, iterations: 4, iterationsPerEpoch: 2 });
    expect(await readdir(join(dir, 'grids'))).toEqual(['epoch-001.png', 'epoch-002.png']);
    const grid = PNG.sync.read(await readFile(join(dir, 'grids', 'epoch-001.png')));
    expect(grid.width).toBe(3 * 4 + 4 * 2);
    expect((await readFile(join(dir, 'h.csv'), 'utf8')).trim().split('\n')).toHaveLength(5);
    expect((await readFile(join(dir, 'h.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).iteration)).toEqual([1, 2, 3, 4]);
    const svg = await readFile(join(dir, 'learning-curves.svg'), 'utf8');
    expect(svg).toContain('Losses');
    expect(svg).toContain('Discriminator accuracy');
    expect(svg).toContain('G loss');
    const png = PNG.sync.read(await readFile(join(dir, 'learning-curves.png')));
    expect(png.width).toBeGreaterThan(1000);
    data.dispose();
  });

  it('the learning-curve spec has a loss panel and an accuracy panel only when accuracies exist', () => {
    const rec = (i: number, acc: number) => ({ iteration: i, epoch: 0, dLossReal: 1, dLossFake: 1, gLoss: 1, dAccReal: acc, dAccFake: acc });
    const both = learningCurvesSpec([rec(1, 0.5), rec(2, 0.6)]) as { vconcat: unknown[] };
    expect(both.vconcat).toHaveLength(2);
    const critic = learningCurvesSpec([rec(1, NaN), rec(2, NaN)]) as { vconcat: unknown[] };
    expect(critic.vconcat).toHaveLength(1);
    // A WGAN-GP log adds the Lipschitz panel: |dLossReal + dLossFake| / realFakeDistance, with the bound at 1.
    const gp = [
      { ...rec(1, NaN), dLossReal: -30, dLossFake: 10, realFakeDistance: 10 },
      { ...rec(2, NaN), dLossReal: -5, dLossFake: 8, realFakeDistance: 20 },
    ];
    const spec = learningCurvesSpec(gp) as { vconcat: { layer?: { data: { values: { value?: number; bound?: number }[] } }[] }[] };
    expect(spec.vconcat).toHaveLength(2);
    const [line, bound] = spec.vconcat[1].layer!;
    const values = line.data.values.map((v) => v.value!);
    expect(values).toHaveLength(2);
    expect(values[0]).toBeCloseTo(2, 10);
    expect(values[1]).toBeCloseTo(0.15, 10);
    expect(bound.data.values[0].bound).toBe(1);
    expect((learningCurvesSpec(gp, { lipschitz: false }) as { vconcat: unknown[] }).vconcat).toHaveLength(1);
  });

  it('hooks and writers validate their options when built or called, before writing anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-'));
    expectCode(() => new SampleGrid(null as never), 'INVALID_ARGUMENT');
    expectCode(() => new SampleGrid({ dir: '' }), 'INVALID_ARGUMENT');
    expectCode(() => new SampleGrid({ dir, size: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new SampleGrid({ dir, size: 5000 }), 'INVALID_RANGE');
    expectCode(() => new SampleGrid({ dir, seed: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new SampleGrid({ dir, fileName: 'x.png' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new SampleGrid({ dir, grid: { padding: -1 } }), 'INVALID_ARGUMENT');
    expectCode(() => new CsvLogger({ path: 7 } as never), 'INVALID_ARGUMENT');
    expectCode(() => new JsonlLogger({ path: 'x.jsonl', append: 'yes' } as never), 'INVALID_ARGUMENT');
    expectCode(() => new JsonlLogger(undefined as never), 'INVALID_ARGUMENT');
    expectCode(() => new LearningCurves({ dir, smoothing: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new LearningCurves({ dir, width: 1e9 }), 'INVALID_RANGE');
    expectCode(() => new LearningCurves({} as never), 'INVALID_ARGUMENT');
    expectCode(() => new ProgressBar({ columns: 'gLoss' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new ProgressBar({ stream: {} as never }), 'INVALID_ARGUMENT');
    expect(new ProgressBar(null)).toBeInstanceOf(ProgressBar);
    const rec = { iteration: 1, epoch: 0, dLossReal: 1, dLossFake: 1, gLoss: 1, dAccReal: 0.5, dAccFake: 0.5 };
    await expectCodeAsync(() => writeLearningCurves([rec] as never, '', {}), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeLearningCurves([] as never, dir), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => writeLearningCurves([{ epoch: 0 }] as never, dir), 'INVALID_ARGUMENT');
    expectCode(() => learningCurvesSpec(null as never), 'INVALID_ARGUMENT');
    expectCode(() => learningCurvesSpec([rec], { losses: [3] as never }), 'INVALID_ARGUMENT');
    expectCode(() => learningCurvesSpec([rec], { smoothing: 0.5 }), 'INVALID_ARGUMENT');
    expect(await readdir(dir)).toEqual([]);
  });

  it('writeFileAtomic leaves no temporary file and replaces the target whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    await writeFileAtomic(join(dir, 'a.txt'), 'one');
    await writeFileAtomic(join(dir, 'a.txt'), 'two');
    expect(await readdir(dir)).toEqual(['a.txt']);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('two');
  });
});

describe('SampleGrid draws from the trainer latent distribution by default', () => {
  it("without latentDistribution its grid equals one drawn from 'uniform' latents when the trainer trains on 'uniform'", async () => {
    const data = tinyData(16);
    const grid = async (latentDistribution?: 'gaussian' | 'uniform'): Promise<Buffer> => {
      const dir = await mkdtemp(join(tmpdir(), 'grid-dist-'));
      const hook = new SampleGrid({ dir, size: 3, atStart: true, ...(latentDistribution ? { latentDistribution } : {}) });
      const t = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, latentDistribution: 'uniform', seed: 2, hooks: [hook] });
      await t.fit(data, { batchSize: 8, iterations: 1, iterationsPerEpoch: 1 });
      t.dispose();
      t.generator.dispose();
      t.discriminator.dispose();
      const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
      return readFile(join(dir, files[0]));
    };
    const byDefault = await grid();
    expect(byDefault.equals(await grid('uniform'))).toBe(true);
    expect(byDefault.equals(await grid('gaussian'))).toBe(false);
    data.dispose();
  });
});

describe('writePng takes the raster first', () => {
  it('writes the same file with (raster, path) and the deprecated (path, raster), which warns once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'png-order-'));
    const raster = { width: 2, height: 1, channels: 1 as const, pixels: new Uint8ClampedArray([0, 255]) };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await writePng(raster, join(dir, 'a.png'));
    await writePng(join(dir, 'b.png'), raster);
    await writePng(join(dir, 'c.png'), raster);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => readFile(join(dir, `${n}.png`))));
    expect(a.equals(b) && a.equals(c)).toBe(true);
    expect(warn.mock.calls.filter((m) => String(m[0]).includes('writePng(path, raster) is deprecated'))).toHaveLength(1);
    warn.mockRestore();
  });
});
