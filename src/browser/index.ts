/**
 * gan-hacks/browser: what a web page needs to show and keep a run: a canvas
 * grid of samples, live learning curves, checkpoints in IndexedDB, and the
 * bundled MNIST digits loaded from the page's own origin.
 *
 * Import it beside the core entry (`gan-hacks`); it touches no file system
 * and loads vega only when a chart is first drawn.
 * @module gan-hacks/browser
 */
export { drawGrid, toRgba, type DrawGridOptions, type RgbaImage, type GridCanvas, type GridContext2D } from './grid.js';
export { CanvasGrid, type CanvasGridOptions } from './canvasGrid.js';
export { LiveCurves, type LiveCurvesOptions, type VegaModule } from './liveCurves.js';
export {
  loadMnistFrom,
  encodeMnistBinary,
  decodeMnistBinary,
  MNIST_BINARY_MAGIC,
  MNIST_BINARY_VERSION,
  type LoadMnistFromOptions,
  type MnistBinary,
} from './mnistFrom.js';
export { BrowserCheckpoint, browserCheckpoint, type BrowserCheckpointOptions, type BrowserCheckpointSourceOptions } from './browserCheckpoint.js';
