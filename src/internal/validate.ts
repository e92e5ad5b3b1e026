import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../errors/index.js';

/** Formats a value for an error message without dumping huge arrays. */
export function show(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) {
    if (depth > 1) return `an array of ${value.length}`;
    const items = value.slice(0, 8).map((v) => show(v, depth + 1));
    return `[${items.join(', ')}${value.length > 8 ? ', …' : ''}]`;
  }
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'function') return 'a function';
  // Objects (a null-prototype one has no toString) are named, not printed.
  if (typeof value === 'object' && value !== null) return `an object${value.constructor?.name && value.constructor.name !== 'Object' ? ` (${value.constructor.name})` : ''}`;
  return String(value);
}

export function assertPositiveInteger(name: string, value: number, hint = ''): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${name} must be a positive integer, got ${show(value)}.${hint ? ` ${hint}` : ''}`,
    );
  }
}

export function assertNonNegativeInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${show(value)}.`);
  }
}

export function assertFiniteNumber(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a finite number, got ${show(value)}.`);
  }
}

export function assertInRange(name: string, value: number, min: number, max: number): void {
  assertFiniteNumber(name, value);
  if (value < min || value > max) {
    throw new GanHacksError('INVALID_RANGE', `${name} must lie in [${min}, ${max}], got ${show(value)}.`);
  }
}

export function assertOrdered(minName: string, min: number, maxName: string, max: number): void {
  assertFiniteNumber(minName, min);
  assertFiniteNumber(maxName, max);
  if (min > max) {
    throw new GanHacksError(
      'INVALID_RANGE',
      `${minName} (${min}) must not exceed ${maxName} (${max}); swap them or widen the interval.`,
    );
  }
}

export function assertOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) {
    throw new GanHacksError(
      'INVALID_ARGUMENT',
      `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(value)}.`,
    );
  }
}

export function assertTensor(name: string, value: unknown): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a tf.Tensor, got ${typeof value}.`);
  }
  if (value.isDisposed) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} was already disposed; pass a live tensor.`);
  }
}

export function assertRank(name: string, t: tf.Tensor, ranks: readonly number[], hint = ''): void {
  if (!ranks.includes(t.rank)) {
    throw new GanHacksError(
      'INVALID_SHAPE',
      `${name} must have rank ${ranks.join(' or ')}, got shape [${t.shape.join(', ')}].${hint ? ` ${hint}` : ''}`,
    );
  }
}

/** Reads a small tensor back and checks every value is finite (used on entry of metrics). */
export function assertAllFinite(name: string, t: tf.Tensor): void {
  const bad = tf.tidy(() => tf.logicalNot(tf.isFinite(t)).any().dataSync()[0]);
  if (bad) {
    throw new GanHacksError(
      'NON_FINITE_INPUT',
      `${name} contains NaN or infinite values; check the generator output or the data pipeline before computing metrics.`,
    );
  }
}

/**
 * Upper bounds on counts that would otherwise run for minutes or exhaust
 * memory (a mistyped `1e9`). Documented in CONTRIBUTING.md and each
 * function's TSDoc; raising one is a deliberate change.
 */
export const LIMITS = {
  /** Samples drawn or generated in one call (latents, generate, metrics sample counts). */
  samples: 1_048_576,
  /** Samples per training iteration. */
  batchSize: 65_536,
  /** Iterations of one fit. */
  iterations: 100_000_000,
} as const;

/** Refuses a count above its documented cap. */
export function assertAtMost(name: string, value: number, max: number, hint = ''): void {
  if (value > max) {
    throw new GanHacksError('INVALID_RANGE', `${name} must be at most ${max}, got ${show(value)}.${hint ? ` ${hint}` : ''}`);
  }
}

/**
 * The one way an options argument is read: `undefined` and `null` mean "all
 * defaults", anything else must be a plain object.
 */
export function optionsObject<T extends object>(name: string, value: T | null | undefined): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof tf.Tensor) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name}: options must be an object, got ${Array.isArray(value) ? 'an array' : show(value)}.`);
  }
  return value;
}

/** Refuses anything but `true` or `false`. */
export function assertBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be true or false, got ${show(value)}.`);
  }
}

/** A finite number ≥ 0 (weights, penalties, thresholds). */
export function assertNonNegative(name: string, value: number): void {
  assertFiniteNumber(name, value);
  if (value < 0) throw new GanHacksError('INVALID_RANGE', `${name} must be >= 0, got ${show(value)}.`);
}

/**
 * A live, non-empty float32 tensor (what a model outputs or takes): empty
 * tensors are `INVALID_SHAPE` (their mean is NaN), other dtypes `INVALID_ARGUMENT`.
 */
export function assertFloatTensor(name: string, value: unknown): asserts value is tf.Tensor {
  assertTensor(name, value);
  if (value.size === 0) {
    throw new GanHacksError('INVALID_SHAPE', `${name} is empty (shape [${value.shape.join(', ')}]); pass at least one value.`);
  }
  if (value.dtype !== 'float32') {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a float32 tensor, got dtype ${value.dtype}; convert it with .toFloat().`);
  }
}

/** A tf.LayersModel (a model built with tf.sequential / tf.model, or loaded). */
export function assertLayersModel(name: string, value: unknown): asserts value is tf.LayersModel {
  if (!(value instanceof tf.LayersModel)) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a tf.LayersModel, got ${value === null ? 'null' : typeof value}.`);
  }
}

const warnedDeprecations = new Set<string>();

/** Prints a deprecation message once per `key` (one per old signature, not per call). */
export function warnDeprecated(key: string, message: string): void {
  if (warnedDeprecations.has(key)) return;
  warnedDeprecations.add(key);
  console.warn(`[gan-hacks] deprecated: ${message}`);
}

/** A non-empty string (paths, names, titles). */
export function assertNonEmptyString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a non-empty string, got ${value === '' ? 'an empty string' : show(value)}.`);
  }
}

/** A function (callbacks in options). */
export function assertFunction(name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must be a function, got ${value === null ? 'null' : typeof value}.`);
  }
}

/**
 * A live, non-empty tensor of numbers (float32, int32 or bool): string and
 * complex tensors are `INVALID_ARGUMENT`, empty ones `INVALID_SHAPE`.
 */
export function assertNumericTensor(name: string, value: unknown): asserts value is tf.Tensor {
  assertTensor(name, value);
  if (value.dtype === 'string' || value.dtype === 'complex64') {
    throw new GanHacksError('INVALID_ARGUMENT', `${name} must hold numbers, got a ${value.dtype} tensor.`);
  }
  if (value.size === 0) {
    throw new GanHacksError('INVALID_SHAPE', `${name} is empty (shape [${value.shape.join(', ')}]); pass at least one value.`);
  }
}
