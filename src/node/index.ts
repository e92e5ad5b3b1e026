/**
 * `gan-hacks/node`: everything that touches the file system or the terminal.
 * Importing it also lets `Trainer.resume(dir)` read checkpoint folders.
 * @module
 */
import { setCheckpointLoader } from '../train/trainer.js';
import { loadCheckpoint } from './checkpoint.js';

setCheckpointLoader(loadCheckpoint);

export { loadIdx, type LoadIdxOptions } from './idx.js';
export { writeFileAtomic } from './files.js';
export { encodePng, writePng, svgToPng, type SvgToPngOptions } from './png.js';
export { saveModel, loadModel, writeModelArtifacts, readModelArtifacts } from './modelIO.js';
export { Checkpoint, writeCheckpoint, loadCheckpoint, listCheckpoints, type CheckpointOptions } from './checkpoint.js';
export { ProgressBar, type ProgressBarOptions } from './progressBar.js';
export { CsvLogger, JsonlLogger, type LoggerOptions } from './loggers.js';
export { SampleGrid, type SampleGridOptions } from './sampleGrid.js';
export { LearningCurves, writeLearningCurves, type LearningCurvesHookOptions } from './learningCurves.js';
