import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Trainer, imageGrid, sampleLatent, type Hook, type LatentDistribution } from 'gan-hacks';
import { CanvasGrid, toRgba, type GridCanvas } from 'gan-hacks/browser';
import { expectCode } from '../helpers.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from '../train/tiny.js';

/** A canvas stand-in keeping a copy of every image put on it. */
function fakeCanvas(): GridCanvas & { frames: number[][] } {
  const frames: number[][] = [];
  return {
    frames,
    width: 0,
    height: 0,
    getContext: () => ({ putImageData: (image: ImageData) => void frames.push(Array.from(image.data)) }),
  };
}

/** The grid drawn independently: the seed's latent batch through the generator, tiled and expanded to RGBA. */
function expectedFrame(generator: tf.LayersModel, size: number, latentDim: number, distribution: LatentDistribution, seed: number): number[] {
  const images = tf.tidy(() => generator.apply(sampleLatent(size * size, latentDim, { distribution, seed }), { training: false }) as tf.Tensor);
  const frame = Array.from(toRgba(imageGrid(images, { columns: size })).data);
  images.dispose();
  return frame;
}

function tinyTrainer(hooks: Hook[], latentDistribution: LatentDistribution = 'gaussian'): Trainer {
  return new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, latentDistribution, seed: 1, hooks });
}

function disposeAll(t: Trainer): void {
  t.dispose();
  t.generator.dispose();
  t.discriminator.dispose();
}

describe('CanvasGrid', () => {
  it('draws at the start, at every multiple of `every` and at the end, the fixed latent batch through the current generator', async () => {
    const data = tinyData(16);
    const canvas = fakeCanvas();
    const grid = new CanvasGrid({ canvas, every: 2, size: 3, seed: 5 });
    const snapshots: number[][] = [];
    // Records, after CanvasGrid's own call, what an independent drawing of the same latent points gives.
    const witness: Hook = {
      onTrainBegin: (s) => void snapshots.push(expectedFrame(s.generator, 3, 3, 'gaussian', 5)),
      onIterationEnd: (s, logs) => void (logs.iteration % 2 === 0 && snapshots.push(expectedFrame(s.generator, 3, 3, 'gaussian', 5))),
      onTrainEnd: (s) => void snapshots.push(expectedFrame(s.generator, 3, 3, 'gaussian', 5)),
    };
    const t = tinyTrainer([grid, witness]);
    await t.fit(data, { batchSize: 8, iterations: 5 });
    expect(grid.drawn).toEqual([0, 2, 4, 5]);
    expect(canvas.frames).toHaveLength(4);
    expect(canvas.frames).toEqual(snapshots);
    // 3 × 3 tiles of 4 × 4 with padding 2: 20 × 20.
    expect([canvas.width, canvas.height]).toEqual([20, 20]);
    // Training changed the generator, so the grid changed.
    expect(canvas.frames[3]).not.toEqual(canvas.frames[0]);
    disposeAll(t);
    data.dispose();
  });

  it('the same latent batch gives the same pixels while the generator does not change, and another seed others', async () => {
    const data = tinyData(16);
    const canvas = fakeCanvas();
    const t = tinyTrainer([new CanvasGrid({ canvas, every: 100, size: 2, seed: 3 })]);
    await t.fit(data, { batchSize: 8, iterations: 3 });
    // A second fit to the same target runs no iteration: its start grid is drawn from the same generator.
    await t.fit(data, { batchSize: 8, iterations: 3 });
    expect(canvas.frames).toHaveLength(3); // start, end; start again (its end is the same iteration)
    expect(canvas.frames[2]).toEqual(canvas.frames[1]);
    const other = fakeCanvas();
    const t2 = new Trainer({ generator: t.generator, discriminator: t.discriminator, latentDim: 3, seed: 1, hooks: [new CanvasGrid({ canvas: other, size: 2, seed: 4 })] });
    await t2.fit(data, { batchSize: 8, iterations: 3 });
    expect(other.frames[0]).not.toEqual(canvas.frames[2]);
    t2.dispose();
    disposeAll(t);
    data.dispose();
  });

  it("draws from the trainer's latent distribution unless told otherwise, and applies grid options", async () => {
    const data = tinyData(16);
    const frames = async (options: { latentDistribution?: LatentDistribution; grid?: { padding: number; invert: boolean } }): Promise<number[]> => {
      const canvas = fakeCanvas();
      // Seed 7, not the default 0: tfjs's randomNormal takes a seed of 0 for no seed.
      const t = tinyTrainer([new CanvasGrid({ canvas, size: 2, seed: 7, ...options })], 'uniform');
      await t.fit(data, { batchSize: 8, iterations: 1 });
      const expected = expectedFrame(t.generator, 2, 3, options.latentDistribution ?? 'uniform', 7);
      if (!options.grid) expect(canvas.frames[1]).toEqual(expected);
      disposeAll(t);
      return canvas.frames[0];
    };
    const byDefault = await frames({});
    expect(byDefault).toEqual(await frames({ latentDistribution: 'uniform' }));
    expect(byDefault).not.toEqual(await frames({ latentDistribution: 'gaussian' }));
    const styled = await frames({ grid: { padding: 0, invert: false } });
    expect(styled).toHaveLength(8 * 8 * 4);
    data.dispose();
  });

  it('atStart: false skips the first grid; the final grid is not drawn twice', async () => {
    const data = tinyData(16);
    const grid = new CanvasGrid({ canvas: fakeCanvas(), every: 2, size: 2, atStart: false });
    const t = tinyTrainer([grid]);
    await t.fit(data, { batchSize: 8, iterations: 4 });
    expect(grid.drawn).toEqual([2, 4]);
    disposeAll(t);
    data.dispose();
  });

  it('holds one latent batch while fitting, no tensor grows per draw, and frees it at the end', async () => {
    const data = tinyData(16);
    const counts: number[] = [];
    const probe: Hook = { onIterationEnd: () => void counts.push(tf.memory().numTensors) };
    const grid = new CanvasGrid({ canvas: fakeCanvas(), every: 1, size: 2 });
    const before = tf.memory().numTensors;
    const t = tinyTrainer([grid, probe]);
    await t.fit(data, { batchSize: 8, iterations: 6 });
    expect(grid.drawn).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // The optimizers' state appears at the first step; from then on the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    disposeAll(t);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('frees its latent batch when fit fails, after a draw or in one', async () => {
    const data = tinyData(16);
    for (const failAt of ['hook', 'draw'] as const) {
      const canvas = fakeCanvas();
      if (failAt === 'draw') {
        let calls = 0;
        canvas.getContext = () => ({
          putImageData: () => {
            if (++calls === 2) throw new Error('canvas lost');
          },
        });
      }
      const grid = new CanvasGrid({ canvas, every: 1, size: 2 });
      const failing: Hook = {
        onIterationEnd: (_s, logs) => {
          if (failAt === 'hook' && logs.iteration === 2) throw new Error('boom');
        },
      };
      const before = tf.memory().numTensors;
      const t = tinyTrainer([grid, failing]);
      await expect(t.fit(data, { batchSize: 8, iterations: 5 })).rejects.toThrow(failAt === 'hook' ? 'boom' : 'canvas lost');
      expect(grid.drawn).toEqual(failAt === 'hook' ? [0, 1, 2] : [0]);
      disposeAll(t);
      expect(tf.memory().numTensors).toBe(before);
    }
    data.dispose();
  });

  it('validates every option on construction', () => {
    const canvas = fakeCanvas();
    expectCode(() => new CanvasGrid(null as never), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid(undefined as never), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({} as never), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas: {} as never }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, every: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, every: 2.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, size: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, size: 1025 }), 'INVALID_RANGE');
    expectCode(() => new CanvasGrid({ canvas, seed: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, latentDistribution: 'normal' as never }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, atStart: 1 as never }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, grid: { padding: -1 } }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, grid: { range: 'bytes' as never } }), 'INVALID_ARGUMENT');
    expectCode(() => new CanvasGrid({ canvas, grid: 'big' as never }), 'INVALID_ARGUMENT');
    expect(new CanvasGrid({ canvas, size: 1024, grid: null as never }).drawn).toEqual([]);
  });
});
