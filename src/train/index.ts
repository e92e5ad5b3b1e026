export {
  Trainer,
  type TrainerOptions,
  type FitOptions,
  type DiscriminatorStepMode,
  type DiscriminatorMode,
  type YieldEvery,
} from './trainer.js';
export { History, type IterationRecord, type HistoryJSON, type EpochLogs } from '../history/index.js';
export { HOOK_METHODS, type Awaitable, type Hook, type TrainState, type DiscriminatorStepEvent, type GeneratorStepEvent } from './hooks.js';
export type { TrainingData, DataCursor, LabelledImages } from './data.js';
export type { Conditioning } from './conditioning.js';
export type { LabelHacks, LabelTransform } from './labels.js';
export { dcganAdam, type DcganAdamOptions } from './optimizers.js';
export type { RngState } from '../internal/random.js';
export { CHECKPOINT_VERSION, type TrainerCheckpoint, type CheckpointSource, type TrainerStateJSON, type EncodedWeights, type RegularizerStateJSON } from './checkpoint.js';
