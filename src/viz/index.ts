export { imageGrid, type Raster, type ImageGridOptions } from './grid.js';
export {
  learningCurvesSpec,
  renderLearningCurvesSvg,
  renderVegaLiteSvg,
  type LearningCurvesOptions,
  type VegaLiteSpec,
} from './learningCurves.js';
