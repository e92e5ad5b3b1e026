import { PNG } from 'pngjs';
import type { Raster } from '../viz/grid.js';
import { writeFileAtomic } from './files.js';

/**
 * Encodes a raster (gray or RGB) as PNG bytes with pngjs.
 *
 * @example
 * ```ts
 * const bytes = encodePng(imageGrid(samples));
 * ```
 */
export function encodePng(raster: Raster): Buffer {
  const png = new PNG({ width: raster.width, height: raster.height, colorType: raster.channels === 1 ? 0 : 2, inputColorType: raster.channels === 1 ? 0 : 2, inputHasAlpha: false });
  png.data = Buffer.from(raster.pixels.buffer, raster.pixels.byteOffset, raster.pixels.byteLength);
  return PNG.sync.write(png, { colorType: raster.channels === 1 ? 0 : 2, inputColorType: raster.channels === 1 ? 0 : 2, inputHasAlpha: false });
}

/** Writes a raster to a PNG file (atomically). */
export async function writePng(path: string, raster: Raster): Promise<void> {
  await writeFileAtomic(path, encodePng(raster));
}

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Output scale (2 for crisp figures on high-density screens). @defaultValue 2 */
  scale?: number;
}

/**
 * Rasterises an SVG (a chart) to PNG with resvg, using the system's fonts.
 *
 * @example
 * ```ts
 * await writeFile('curves.png', await svgToPng(await renderLearningCurvesSvg(history)));
 * ```
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const scale = options.scale ?? 2;
  const resvg = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
