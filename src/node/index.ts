/**
 * `gan-hacks/node`: everything that touches the file system or the terminal.
 * Importing it has no side effect; resume a run from a folder with
 * `trainer.resume(checkpointFolder(dir))` or `trainer.resume(await loadCheckpoint(dir))`.
 * @module gan-hacks/node
 */
export { loadIdx, type LoadIdxOptions } from './idx.js';
export { writeFileAtomic, type WriteFileAtomicOptions } from './files.js';
export { encodePng, writePng, svgToPng, type SvgToPngOptions } from './png.js';
export { saveModel, loadModel, writeModelArtifacts, readModelArtifacts } from './modelIO.js';
export {
  Checkpoint,
  writeCheckpoint,
  loadCheckpoint,
  listCheckpoints,
  checkpointFolder,
  type CheckpointOptions,
  type LoadCheckpointOptions,
} from './checkpoint.js';
export { ProgressBar, type ProgressBarOptions } from './progressBar.js';
export { CsvLogger, JsonlLogger, type LoggerOptions } from './loggers.js';
export { SampleGrid, type SampleGridOptions } from './sampleGrid.js';
export { LearningCurves, writeLearningCurves, type LearningCurvesHookOptions } from './learningCurves.js';
export { writeMnistBinary, type WriteMnistBinaryOptions, type WriteMnistBinaryResult } from './mnistBinary.js';
