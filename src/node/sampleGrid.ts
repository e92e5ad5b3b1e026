import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { Hook, TrainState } from '../train/hooks.js';
import { checkImageGridOptions, imageGrid, type ImageGridOptions } from '../viz/grid.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { GanHacksError } from '../errors/index.js';
import { assertBoolean, assertFunction, assertNonEmptyString, assertOneOf, assertPositiveInteger, optionsObject } from '../internal/validate.js';
import { assertOptionalSeed } from '../layers/limits.js';
import { writePng } from './png.js';
import { saveModel } from './modelIO.js';

/** Options of {@link SampleGrid}. */
export interface SampleGridOptions {
  /** Output folder. */
  dir: string;
  /** n: the grid is n × n images (1 to 1,024). @defaultValue 10 (the source's grid) */
  size?: number;
  /** Seed of the fixed latent batch. @defaultValue 0 */
  seed?: number;
  /** The latent distribution of the fixed batch. @defaultValue the Trainer's `latentDistribution` */
  latentDistribution?: LatentDistribution;
  /** Also write a grid before training starts. @defaultValue false */
  atStart?: boolean;
  /** Save the generator next to each grid (the source saves G every epoch). @defaultValue false */
  saveGenerator?: boolean;
  /** File name of a grid. @defaultValue epoch => `epoch-${epoch}.png` (epochs numbered from 1) */
  fileName?: (epoch: number, iteration: number) => string;
  /** Grid rendering options (padding, scale, invert). */
  grid?: Omit<ImageGridOptions, 'columns'>;
}

/**
 * Writes an n × n PNG grid of samples from one fixed latent batch at every
 * epoch end (reversed grayscale, as the source), so successive grids show
 * the same latent points evolving.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new SampleGrid({ dir: 'runs/b1/grids' })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without a `dir` string, or for a bad option
 * (size not a positive integer, unknown distribution, non-boolean flags, a `fileName` that
 * is not a function, bad grid options); `INVALID_RANGE` for a size above 1,024.
 */
export class SampleGrid implements Hook {
  readonly name = 'SampleGrid';
  private latent: tf.Tensor2D | undefined;
  private readonly size: number;
  /** Files written, in order. */
  readonly written: string[] = [];

  private readonly options: SampleGridOptions;

  constructor(options: SampleGridOptions) {
    const o = optionsObject('SampleGrid', options);
    assertNonEmptyString('SampleGrid: dir', o.dir);
    this.size = o.size ?? 10;
    assertPositiveInteger('SampleGrid: size', this.size);
    if (this.size > 1024) {
      throw new GanHacksError('INVALID_RANGE', `SampleGrid: size must be at most 1024 (a 1024 × 1024 grid), got ${this.size}.`);
    }
    assertOptionalSeed('SampleGrid: seed', o.seed);
    assertOneOf('SampleGrid: latentDistribution', o.latentDistribution ?? 'gaussian', ['gaussian', 'uniform'] as const);
    if (o.atStart !== undefined) assertBoolean('SampleGrid: atStart', o.atStart);
    if (o.saveGenerator !== undefined) assertBoolean('SampleGrid: saveGenerator', o.saveGenerator);
    if (o.fileName !== undefined) assertFunction('SampleGrid: fileName', o.fileName);
    checkImageGridOptions('SampleGrid: grid', o.grid);
    this.options = o as SampleGridOptions;
  }

  async write(state: TrainState, epoch: number): Promise<string> {
    this.latent ??= tf.keep(sampleLatent(this.size * this.size, state.latentDim, { distribution: this.options.latentDistribution ?? state.latentDistribution, seed: this.options.seed ?? 0 }));
    const images = state.sample(this.latent!);
    const raster = imageGrid(images, { ...this.options.grid, columns: this.size });
    images.dispose();
    const name = this.options.fileName?.(epoch, state.iteration) ?? `epoch-${String(epoch).padStart(3, '0')}.png`;
    const path = join(this.options.dir, name);
    await writePng(raster, path);
    if (this.options.saveGenerator) await saveModel(state.generator, join(this.options.dir, `generator-${name.replace(/\.png$/, '')}`));
    this.written.push(path);
    return path;
  }

  async onTrainBegin(state: TrainState): Promise<void> {
    if (this.options.atStart) await this.write(state, 0);
  }

  async onEpochEnd(state: TrainState): Promise<void> {
    await this.write(state, Math.ceil(state.iteration / state.iterationsPerEpoch));
  }

  onTrainEnd(): void {
    this.latent?.dispose();
    this.latent = undefined;
  }
}
