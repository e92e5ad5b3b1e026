import { GanHacksError } from '../errors/index.js';
import { assertAtMost, assertPositiveInteger, show } from '../internal/validate.js';

/**
 * Caps on the sizes a model builder accepts, so a mistyped `1e9` is refused
 * on entry instead of allocating gigabytes of weights. Generous for real
 * models (DCGAN uses at most 1,024 channels and 5×5 kernels); raising one is
 * a deliberate change.
 */
export const LAYER_LIMITS = {
  /** Channels, units, hidden widths and latent sizes. */
  units: 65_536,
  /** Side of a square kernel, and a stride. */
  kernelSize: 64,
  /** Height or width of an image or feature map. */
  side: 8_192,
  /** Weights in one layer's kernel (2^27, 512 MiB of float32). */
  weights: 2 ** 27,
} as const;

/** A positive integer no larger than `max`. */
export function assertCount(name: string, value: unknown, max: number, hint = ''): asserts value is number {
  assertPositiveInteger(name, value as number, hint);
  assertAtMost(name, value as number, max, hint);
}

/** `[height, width, channels]` of positive integers within {@link LAYER_LIMITS}. */
export function assertImageShape(name: string, shape: unknown): asserts shape is [number, number, number] {
  const ok =
    Array.isArray(shape) &&
    shape.length === 3 &&
    shape.every((d) => Number.isInteger(d) && d >= 1) &&
    shape[0] <= LAYER_LIMITS.side &&
    shape[1] <= LAYER_LIMITS.side &&
    shape[2] <= LAYER_LIMITS.units;
  if (!ok) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${name} must be [height, width, channels] of positive integers (sides at most ${LAYER_LIMITS.side}, channels at most ${LAYER_LIMITS.units}), got ${Array.isArray(shape) ? `[${shape.map((d) => show(d)).join(', ')}]` : show(shape)}.`,
    );
  }
}

/** Refuses a layer whose kernel would hold more than {@link LAYER_LIMITS}.weights values. */
export function assertWeightCount(fn: string, layer: string, count: number): void {
  if (!(count <= LAYER_LIMITS.weights)) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${fn}: the ${layer} would hold ${count.toExponential(2)} weights, more than the ${LAYER_LIMITS.weights} allowed in one layer; use fewer filters, units or a smaller input.`,
    );
  }
}

/** An optional layer or model name: a non-empty string. */
export function assertOptionalName(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a non-empty string, got ${show(value)}.`);
  }
}

/** An optional seed: a finite number. */
export function assertOptionalSeed(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a finite number, got ${show(value)}.`);
  }
}
