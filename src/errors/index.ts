/**
 * Stable machine-readable codes carried by every {@link GanHacksError}.
 *
 * Codes never change meaning between releases, so callers may switch on them.
 */
export type GanHacksErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_SHAPE'
  | 'INVALID_RANGE'
  | 'NON_FINITE_INPUT'
  | 'INCOMPATIBLE_OPTIONS'
  | 'MISSING_PEER'
  | 'BACKEND_UNAVAILABLE'
  | 'CHECKPOINT_INVALID'
  | 'CHECKPOINT_WRITE'
  | 'FILE_FORMAT'
  | 'TRAINING_STATE';

/** Options of the {@link GanHacksError} constructor. */
export interface GanHacksErrorOptions {
  /** The underlying error, when this one wraps another. */
  cause?: unknown;
}

/**
 * The one error class thrown by gan-hacks.
 *
 * The `message` says what was wrong (quoting the parameter and the value
 * received) and what to do about it; `code` is stable and meant for programs.
 *
 * @example
 * ```ts
 * try {
 *   noisyLabels(labels, { pFlip: 1.5 });
 * } catch (e) {
 *   if (e instanceof GanHacksError && e.code === 'INVALID_RANGE') console.log(e.message);
 * }
 * ```
 */
export class GanHacksError extends Error {
  /** Stable code naming the kind of failure. */
  readonly code: GanHacksErrorCode;

  constructor(code: GanHacksErrorCode, message: string, options: GanHacksErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GanHacksError';
    this.code = code;
  }
}
