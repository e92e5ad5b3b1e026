import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { Hook, TrainState } from '../train/hooks.js';
import { imageGrid, type ImageGridOptions } from '../viz/grid.js';
import { sampleLatent, type LatentDistribution } from '../data/latent.js';
import { assertPositiveInteger } from '../internal/validate.js';
import { writePng } from './png.js';
import { saveModel } from './modelIO.js';

/** Options of {@link SampleGrid}. */
export interface SampleGridOptions {
  /** Output folder. */
  dir: string;
  /** n: the grid is n × n images. @defaultValue 10 (the source's grid) */
  size?: number;
  /** Seed of the fixed latent batch. @defaultValue 0 */
  seed?: number;
  /** @defaultValue 'gaussian' */
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
 */
export class SampleGrid implements Hook {
  readonly name = 'SampleGrid';
  private latent: tf.Tensor2D | undefined;
  private readonly size: number;
  /** Files written, in order. */
  readonly written: string[] = [];

  constructor(private readonly options: SampleGridOptions) {
    this.size = options.size ?? 10;
    assertPositiveInteger('SampleGrid: size', this.size);
  }

  async write(state: TrainState, epoch: number): Promise<string> {
    this.latent ??= tf.keep(sampleLatent(this.size * this.size, state.latentDim, { distribution: this.options.latentDistribution ?? 'gaussian', seed: this.options.seed ?? 0 }));
    const images = tf.tidy(() => state.generator.apply(this.latent!, { training: false }) as tf.Tensor);
    const raster = imageGrid(images, { ...this.options.grid, columns: this.size });
    images.dispose();
    const name = this.options.fileName?.(epoch, state.iteration) ?? `epoch-${String(epoch).padStart(3, '0')}.png`;
    const path = join(this.options.dir, name);
    await writePng(path, raster);
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
