import { PNG } from 'pngjs';
import { MAX_RASTER_BYTES, type Raster } from '../viz/grid.js';
import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertNonEmptyString, assertPositiveInteger, optionsObject, show, warnDeprecated } from '../internal/validate.js';
import { writeFileAtomic } from './files.js';

/** Checks a raster: positive integer sizes, 1 or 3 channels, a byte array of exactly width × height × channels. */
function checkRaster(fn: string, raster: unknown): asserts raster is Raster {
  if (raster === null || typeof raster !== 'object') {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: raster must be { width, height, channels, pixels } (what imageGrid returns), got ${show(raster)}.`);
  }
  const r = raster as Raster;
  assertPositiveInteger(`${fn}: raster.width`, r.width);
  assertPositiveInteger(`${fn}: raster.height`, r.height);
  if (r.channels !== 1 && r.channels !== 3) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: raster.channels must be 1 (gray) or 3 (RGB), got ${show(r.channels)}.`);
  }
  const pixels: unknown = r.pixels;
  if (!(pixels instanceof Uint8ClampedArray || pixels instanceof Uint8Array)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${fn}: raster.pixels must be a Uint8ClampedArray, got ${show(r.pixels)}.`);
  }
  const expected = r.width * r.height * r.channels;
  if (r.pixels.length !== expected) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${fn}: raster.pixels holds ${r.pixels.length} bytes, but ${r.width} × ${r.height} × ${r.channels} needs ${expected}.`,
    );
  }
}

/**
 * Encodes a raster (gray or RGB) as PNG bytes with pngjs.
 *
 * @example
 * ```ts
 * const bytes = encodePng(imageGrid(samples));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for a raster without positive integer sizes,
 * 1 or 3 channels and a byte array; `INVALID_SHAPE` when the bytes do not match the sizes.
 */
export function encodePng(raster: Raster): Buffer {
  checkRaster('encodePng', raster);
  const png = new PNG({ width: raster.width, height: raster.height, colorType: raster.channels === 1 ? 0 : 2, inputColorType: raster.channels === 1 ? 0 : 2, inputHasAlpha: false });
  png.data = Buffer.from(raster.pixels.buffer, raster.pixels.byteOffset, raster.pixels.byteLength);
  return PNG.sync.write(png, { colorType: raster.channels === 1 ? 0 : 2, inputColorType: raster.channels === 1 ? 0 : 2, inputHasAlpha: false });
}

/**
 * Writes a raster to a PNG file (atomically). Data first, path last, like every writer of gan-hacks.
 *
 * @example
 * ```ts
 * await writePng(imageGrid(samples), 'runs/b1/grid.png');
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty or non-string path, otherwise as
 * {@link encodePng}; the promise rejects before anything is written.
 */
export async function writePng(raster: Raster, path: string): Promise<void>;
/** @deprecated Pass the raster first: `writePng(raster, path)`. */
export async function writePng(path: string, raster: Raster): Promise<void>;
export async function writePng(a: Raster | string, b: string | Raster): Promise<void> {
  let raster = a as Raster;
  let path = b as string;
  if (typeof a === 'string') {
    warnDeprecated('writePng(path, raster)', 'gan-hacks: writePng(path, raster) is deprecated; pass the raster first: writePng(raster, path).');
    raster = b as Raster;
    path = a;
  }
  assertNonEmptyString('writePng: path', path);
  await writeFileAtomic(path, encodePng(raster));
}

/** Largest output scale of {@link svgToPng}. */
const MAX_SVG_SCALE = 16;

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Output scale (2 for crisp figures on high-density screens), > 0 and at most 16. @defaultValue 2 */
  scale?: number;
}

/**
 * Rasterises an SVG (a chart) to PNG with resvg, using the system's fonts.
 *
 * @example
 * ```ts
 * await writeFile('curves.png', await svgToPng(await renderLearningCurvesSvg(history)));
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` for an empty or non-string svg, SVG that resvg
 * cannot parse, or a scale that is not a finite number; `INVALID_RANGE` for a scale outside
 * (0, 16] or an image under one pixel or above 2^28 bytes; `MISSING_PEER` without @resvg/resvg-js. The promise rejects.
 */
export async function svgToPng(svg: string, options?: SvgToPngOptions | null): Promise<Buffer> {
  assertNonEmptyString('svgToPng: svg', svg);
  const o = optionsObject('svgToPng', options);
  const scale = o.scale ?? 2;
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new GanHacksError('INVALID_ARGUMENT', `svgToPng: scale must be a finite number, got ${show(scale)}.`);
  }
  if (!(scale > 0 && scale <= MAX_SVG_SCALE)) {
    throw new GanHacksError('INVALID_RANGE', `svgToPng: scale must lie in (0, ${MAX_SVG_SCALE}], got ${show(scale)}.`);
  }
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = await import('@resvg/resvg-js'));
  } catch (cause) {
    throw new GanHacksError('MISSING_PEER', 'svgToPng needs the package "@resvg/resvg-js": run `npm install @resvg/resvg-js`.', { cause });
  }
  let resvg: InstanceType<typeof Resvg>;
  try {
    resvg = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  } catch (cause) {
    throw new GanHacksError('INVALID_ARGUMENT', `svgToPng: resvg could not parse the SVG: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
  }
  // The SVG's own size times the scale, checked before rendering.
  const w = resvg.width * scale;
  const h = resvg.height * scale;
  if (!(w >= 1 && h >= 1)) {
    throw new GanHacksError('INVALID_RANGE', `svgToPng: a ${resvg.width} × ${resvg.height} SVG at scale ${show(scale)} would be smaller than one pixel; use a larger scale.`);
  }
  assertAtMost('svgToPng: output bytes (width × height × 4)', Math.ceil(w) * Math.ceil(h) * 4, MAX_RASTER_BYTES, 'Use a smaller scale.');
  try {
    return resvg.render().asPng();
  } catch (cause) {
    throw new GanHacksError('INVALID_ARGUMENT', `svgToPng: resvg could not render the SVG: ${cause instanceof Error ? cause.message : show(cause)}.`, { cause });
  }
}
