import * as tf from '@tensorflow/tfjs';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { checkImageGridOptions, type ImageGridOptions } from '../viz/grid.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, assertOneOf, assertPositiveInteger, optionsObject, show } from '../internal/validate.js';
import { assertOptionalSeed } from '../layers/limits.js';
import { drawGrid, type GridCanvas } from './grid.js';

/** Largest grid side of {@link CanvasGrid}: a 1,024 × 1,024 grid. */
const MAX_GRID_SIZE = 1024;

/** Options of {@link CanvasGrid}. */
export interface CanvasGridOptions {
  /** The canvas to draw on (`HTMLCanvasElement`, `OffscreenCanvas`); resized to the grid. */
  canvas: GridCanvas | HTMLCanvasElement | OffscreenCanvas;
  /** Draw every this many iterations (a positive integer). @defaultValue 10 */
  every?: number;
  /** n: the grid is n × n images (1 to 1,024). @defaultValue 8 */
  size?: number;
  /** Seed of the fixed latent batch. @defaultValue 0 */
  seed?: number;
  /** The latent distribution of the fixed batch. @defaultValue the Trainer's `latentDistribution` */
  latentDistribution?: LatentDistribution;
  /** Also draw before the first iteration. @defaultValue true */
  atStart?: boolean;
  /** Grid rendering options (padding, scale, range, invert), as `imageGrid`'s. */
  grid?: Omit<ImageGridOptions, 'columns'>;
}

/**
 * Draws an n × n grid of samples from one fixed latent batch on a canvas
 * every few iterations, so a page shows the same latent points evolving: the
 * browser counterpart of gan-hacks/node's `SampleGrid` (reversed grayscale,
 * as in "How to Develop a GAN for Generating MNIST Handwritten Digits",
 * Brownlee 2019). It draws before training (unless `atStart` is false),
 * at every iteration that is a multiple of `every`, and at the end. Each draw
 * is one asynchronous read of n² images; the latent batch is freed when `fit`
 * ends or fails.
 *
 * @example
 * ```ts
 * const grid = new CanvasGrid({ canvas: document.querySelector('canvas')!, every: 20, size: 6 });
 * await new Trainer({ generator, discriminator, latentDim: 100, hooks: [grid] }).fit(images, { batchSize: 64, iterations: 500 });
 * console.log(grid.drawn); // [0, 20, 40, …, 500]
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without a canvas or for a bad option (every or size
 * not a positive integer, a seed that is not a finite number, an unknown distribution, a
 * non-boolean `atStart`, bad grid options); `INVALID_RANGE` for a size above 1,024.
 */
export class CanvasGrid implements Hook {
  readonly name = 'CanvasGrid';
  /** The iterations drawn, in order (0: before the first iteration). */
  readonly drawn: number[] = [];
  private latent: tf.Tensor2D | undefined;
  private readonly canvas: GridCanvas;
  private readonly every: number;
  private readonly size: number;
  private readonly seed: number;
  private readonly distribution: LatentDistribution | undefined;
  private readonly atStart: boolean;
  private readonly grid: Omit<ImageGridOptions, 'columns'> | undefined;

  constructor(options: CanvasGridOptions) {
    if (options === undefined || options === null) {
      throw new GanHacksError('INVALID_ARGUMENT', `CanvasGrid: pass an options object with a canvas, got ${show(options)}.`);
    }
    const o = optionsObject('CanvasGrid', options);
    const canvas = o.canvas as Partial<GridCanvas> | null | undefined;
    if (canvas === null || typeof canvas !== 'object' || typeof canvas.getContext !== 'function') {
      throw new GanHacksError('INVALID_ARGUMENT', `CanvasGrid: canvas must be an HTMLCanvasElement or OffscreenCanvas (something with getContext('2d')), got ${show(canvas)}.`);
    }
    this.every = o.every ?? 10;
    assertPositiveInteger('CanvasGrid: every', this.every);
    this.size = o.size ?? 8;
    assertPositiveInteger('CanvasGrid: size', this.size);
    if (this.size > MAX_GRID_SIZE) {
      throw new GanHacksError('INVALID_RANGE', `CanvasGrid: size must be at most ${MAX_GRID_SIZE} (a ${MAX_GRID_SIZE} × ${MAX_GRID_SIZE} grid), got ${this.size}.`);
    }
    assertOptionalSeed('CanvasGrid: seed', o.seed);
    if (o.latentDistribution !== undefined) assertOneOf('CanvasGrid: latentDistribution', o.latentDistribution, ['gaussian', 'uniform'] as const);
    if (o.atStart !== undefined) assertBoolean('CanvasGrid: atStart', o.atStart);
    checkImageGridOptions('CanvasGrid: grid', o.grid);
    this.canvas = canvas as GridCanvas;
    this.seed = o.seed ?? 0;
    this.distribution = o.latentDistribution;
    this.atStart = o.atStart ?? true;
    this.grid = o.grid;
  }

  /** Draws the current generator's samples of the fixed batch; resolves when they are on the canvas. */
  private async draw(state: TrainState): Promise<void> {
    this.latent ??= tf.keep(sampleLatent(this.size * this.size, state.latentDim, { distribution: this.distribution ?? state.latentDistribution, seed: this.seed }));
    const latent = this.latent;
    const images = state.sample(latent);
    try {
      await drawGrid(this.canvas, images, { ...this.grid, columns: this.size });
    } finally {
      images.dispose();
    }
    this.drawn.push(state.iteration);
  }

  async onTrainBegin(state: TrainState): Promise<void> {
    if (this.atStart) await this.draw(state);
  }

  async onIterationEnd(state: TrainState, logs: IterationRecord): Promise<void> {
    if (logs.iteration % this.every === 0) await this.draw(state);
  }

  async onTrainEnd(state: TrainState): Promise<void> {
    try {
      // The last iteration may already be on the canvas (a multiple of `every`).
      if (this.drawn[this.drawn.length - 1] !== state.iteration) await this.draw(state);
    } finally {
      this.release();
    }
  }

  onTrainError(): void {
    this.release();
  }

  private release(): void {
    this.latent?.dispose();
    this.latent = undefined;
  }
}
