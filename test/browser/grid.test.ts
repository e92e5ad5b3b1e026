import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { imageGrid } from 'gan-hacks';
import { drawGrid, toRgba, type GridCanvas } from 'gan-hacks/browser';
import { expectCode, expectCodeAsync, rejection } from '../helpers.js';

/** A canvas stand-in: records every putImageData call. */
function fakeCanvas(): GridCanvas & { puts: { image: ImageData; dx: number; dy: number }[]; resizes: number } {
  const puts: { image: ImageData; dx: number; dy: number }[] = [];
  let width = 300;
  let height = 150;
  const canvas = {
    puts,
    resizes: 0,
    get width() {
      return width;
    },
    set width(v: number) {
      width = v;
      canvas.resizes++;
    },
    get height() {
      return height;
    },
    set height(v: number) {
      height = v;
      canvas.resizes++;
    },
    getContext: (id: '2d') => (id === '2d' ? { putImageData: (image: ImageData, dx: number, dy: number) => void puts.push({ image, dx, dy }) } : null),
  };
  return canvas;
}

/** RGBA bytes of a gray grid given row by row: each value v becomes v, v, v, 255. */
function grayRgba(rows: number[][]): number[] {
  return rows.flat().flatMap((v) => [v, v, v, 255]);
}

// Two 2x2 images in [-1, 1]. Pixel bytes, by hand: round((v + 1) * 127.5):
//   -1 -> 0, 0.2 -> 153, 1 -> 255, 0.5 -> 191.25 -> 191, -0.5 -> 63.75 -> 64, -0.2 -> 102.
const A = [-1, 0.2, 1, 0.5];
const B = [1, -1, -0.5, -0.2];

describe('drawGrid', () => {
  afterEach(() => vi.restoreAllMocks());

  it('draws two 2x2 images with padding 1 as RGBA (alpha 255) matching a hand computation, not inverted', async () => {
    const images = tf.tensor4d([...A, ...B], [2, 2, 2, 1]);
    const canvas = fakeCanvas();
    const rgba = await drawGrid(canvas, images, { columns: 2, padding: 1, invert: false });
    // 2 columns of width 2 and 3 gaps of 1: 7 wide; one row of height 2 and 2 gaps: 4 high. Background 0.
    const expected = grayRgba([
      [0, 0, 0, 0, 0, 0, 0],
      [0, 0, 153, 0, 255, 0, 0],
      [0, 255, 191, 0, 64, 102, 0],
      [0, 0, 0, 0, 0, 0, 0],
    ]);
    expect([rgba.width, rgba.height]).toEqual([7, 4]);
    expect(Array.from(rgba.data)).toEqual(expected);
    expect([canvas.width, canvas.height]).toEqual([7, 4]);
    expect(canvas.puts).toHaveLength(1);
    expect([canvas.puts[0].dx, canvas.puts[0].dy]).toEqual([0, 0]);
    expect(Array.from(canvas.puts[0].image.data)).toEqual(expected);
    images.dispose();
  });

  it('inverts by default (ink dark on white, like the Node PNG grids): 255 minus each byte, background 255', async () => {
    const images = tf.tensor4d([...A, ...B], [2, 2, 2, 1]);
    const rgba = await drawGrid(fakeCanvas(), images, { columns: 2, padding: 1 });
    // 255 - (v + 1) * 127.5 before rounding: 0.2 -> 102, 0.5 -> 63.75 -> 64, -0.5 -> 191.25 -> 191, -0.2 -> 153.
    expect(Array.from(rgba.data)).toEqual(
      grayRgba([
        [255, 255, 255, 255, 255, 255, 255],
        [255, 255, 102, 255, 0, 255, 255],
        [255, 0, 64, 255, 191, 153, 255],
        [255, 255, 255, 255, 255, 255, 255],
      ]),
    );
    // One column: the images stacked, 4 wide and 7 high.
    const stacked = await drawGrid(fakeCanvas(), images, { columns: 1, padding: 1 });
    expect([stacked.width, stacked.height]).toEqual([4, 7]);
    images.dispose();
  });

  it('keeps RGB channels, in any range, and scales pixels', async () => {
    const images = tf.tensor4d([10, 20, 30, 200, 100, 0], [1, 1, 2, 3]);
    const plain = await drawGrid(fakeCanvas(), images, { range: 'uint8', padding: 0, invert: false });
    expect(Array.from(plain.data)).toEqual([10, 20, 30, 255, 200, 100, 0, 255]);
    const inverted = await drawGrid(fakeCanvas(), images, { range: 'uint8', padding: 0 });
    expect(Array.from(inverted.data)).toEqual([245, 235, 225, 255, 55, 155, 255, 255]);
    const scaled = await drawGrid(fakeCanvas(), images, { range: 'uint8', padding: 0, invert: false, scale: 2 });
    expect([scaled.width, scaled.height]).toEqual([4, 2]);
    const px = (x: number, y: number) => Array.from(scaled.data.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4));
    expect([px(0, 0), px(1, 1), px(2, 0), px(3, 1)]).toEqual([
      [10, 20, 30, 255],
      [10, 20, 30, 255],
      [200, 100, 0, 255],
      [200, 100, 0, 255],
    ]);
    images.dispose();
  });

  it('draws what imageGrid tiles (one tiling shared), for a random batch and options', async () => {
    const images = tf.randomUniform([7, 3, 5, 1], -1.2, 1.2, 'float32', 4);
    for (const options of [{}, { columns: 3, padding: 1, scale: 2 }, { columns: 7, padding: 0, invert: false }]) {
      const rgba = await drawGrid(fakeCanvas(), images, options);
      expect(rgba).toEqual(toRgba(imageGrid(images, options)));
    }
    images.dispose();
  });

  it('reads the batch once with data(), never dataSync, and leaks no tensor', async () => {
    const images = tf.randomUniform([4, 3, 3, 1], -1, 1, 'float32', 5);
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const dataSync = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const before = tf.memory().numTensors;
    await drawGrid(fakeCanvas(), images);
    expect(tf.memory().numTensors).toBe(before);
    expect(data).toHaveBeenCalledTimes(1);
    expect(dataSync).not.toHaveBeenCalled();
    images.dispose();
  });

  it('resizes the canvas only when the grid size changes (a resize clears a real canvas)', async () => {
    const images = tf.zeros([4, 2, 2, 1]);
    const canvas = fakeCanvas();
    await drawGrid(canvas, images);
    expect(canvas.resizes).toBe(2);
    await drawGrid(canvas, images);
    expect(canvas.resizes).toBe(2);
    expect(canvas.puts).toHaveLength(2);
    images.dispose();
  });

  it('refuses NaN and infinities, bad batches, canvases without a 2D context and bad options, leaking nothing and drawing nothing', async () => {
    const ok = tf.zeros([2, 2, 2, 1]);
    const nan = tf.tensor4d([0, NaN, 0, 0], [1, 2, 2, 1]);
    const inf = tf.tensor4d([0, 0, -Infinity, 0], [1, 2, 2, 1]);
    const rank3 = tf.zeros([2, 2, 1]);
    const twoChannels = tf.zeros([1, 2, 2, 2]);
    const canvas = fakeCanvas();
    const before = tf.memory().numTensors;
    await expectCodeAsync(() => drawGrid(canvas, nan), 'NON_FINITE_INPUT');
    await expectCodeAsync(() => drawGrid(canvas, inf), 'NON_FINITE_INPUT');
    await expectCodeAsync(() => drawGrid(canvas, rank3), 'INVALID_SHAPE');
    await expectCodeAsync(() => drawGrid(canvas, twoChannels), 'INVALID_SHAPE');
    await expectCodeAsync(() => drawGrid(canvas, null as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid(null as never, ok), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid({ width: 1, height: 1 } as never, ok), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid({ width: 1, height: 1, getContext: () => null }, ok), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid({ width: 1, height: 1, getContext: () => ({}) as never }, ok), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid(canvas, ok, { range: 'bytes' as never }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid(canvas, ok, { columns: 0 }), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid(canvas, ok, 'big' as never), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => drawGrid(canvas, ok, { scale: 1e6 }), 'INVALID_RANGE');
    expect(tf.memory().numTensors).toBe(before);
    expect(canvas.puts).toHaveLength(0);
    expect([canvas.width, canvas.height]).toEqual([300, 150]);
    const disposed = tf.zeros([1, 2, 2, 1]);
    disposed.dispose();
    await expectCodeAsync(() => drawGrid(canvas, disposed), 'INVALID_ARGUMENT');
    const message = (await rejection(drawGrid(canvas, nan))).message;
    expect(message).toBe('drawGrid: images contain NaN or infinite values; check the generator output.');
    expect((await drawGrid(canvas, ok, null)).width).toBe(2 * 2 + 3 * 2);
    tf.dispose([ok, nan, inf, rank3, twoChannels]);
  });
});

describe('toRgba', () => {
  it('expands gray and RGB rasters to RGBA with alpha 255, in a buffer ImageData accepts', () => {
    const gray = toRgba({ width: 2, height: 1, channels: 1, pixels: new Uint8ClampedArray([7, 250]) });
    expect(Array.from(gray.data)).toEqual([7, 7, 7, 255, 250, 250, 250, 255]);
    const rgb = toRgba({ width: 1, height: 2, channels: 3, pixels: new Uint8ClampedArray([1, 2, 3, 4, 5, 6]) });
    expect(Array.from(rgb.data)).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    // ImageData's rule: data.length a multiple of 4 × width, and equal to 4 × width × height.
    for (const image of [gray, rgb]) {
      expect(image.data).toBeInstanceOf(Uint8ClampedArray);
      expect(image.data.buffer).toBeInstanceOf(ArrayBuffer);
      expect(image.data.length).toBe(4 * image.width * image.height);
    }
  });

  it('turns the rasters imageGrid makes into RGBA of the same size', () => {
    const images = tf.randomUniform([3, 2, 2, 3], -1, 1, 'float32', 6);
    const raster = imageGrid(images, { padding: 1 });
    const rgba = toRgba(raster);
    expect([rgba.width, rgba.height]).toEqual([raster.width, raster.height]);
    for (let i = 0; i < raster.width * raster.height; i++) {
      expect(Array.from(rgba.data.slice(4 * i, 4 * i + 3))).toEqual(Array.from(raster.pixels.slice(3 * i, 3 * i + 3)));
    }
    images.dispose();
  });

  it('refuses what is not a raster', () => {
    expectCode(() => toRgba(null as never), 'INVALID_ARGUMENT');
    expectCode(() => toRgba({ width: 2, height: 1, channels: 4 as never, pixels: new Uint8ClampedArray(8) }), 'INVALID_ARGUMENT');
    expectCode(() => toRgba({ width: 2, height: 1, channels: 1, pixels: new Uint8ClampedArray(3) }), 'INVALID_ARGUMENT');
    expectCode(() => toRgba({ width: 0, height: 1, channels: 1, pixels: new Uint8ClampedArray(0) }), 'INVALID_ARGUMENT');
    expectCode(() => toRgba({ width: 2, height: 1, channels: 1, pixels: [1, 2] as never }), 'INVALID_ARGUMENT');
  });
});
