import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Distinct tensors inside a value (a tensor, an array or an object of them). */
function countTensors(value: unknown, seen = new Set<tf.Tensor>()): number {
  if (value instanceof tf.Tensor) seen.add(value);
  else if (Array.isArray(value)) value.forEach((v) => countTensors(v, seen));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => countTensors(v, seen));
  return seen.size;
}

/** Runs `f` and asserts that the only new tensors are the ones it returns. */
export function expectNoLeak<T>(f: () => T): T {
  const before = tf.memory().numTensors;
  const value = f();
  expect(tf.memory().numTensors).toBe(before + countTensors(value));
  return value;
}

export async function expectNoLeakAsync<T>(f: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const value = await f();
  expect(tf.memory().numTensors).toBe(before + countTensors(value));
  return value;
}

/** Mean and sample standard deviation of an array. */
export function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(values);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** Expects `fn` to throw a GanHacksError with the given code. */
export function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a GanHacksError').toBeDefined();
  expect((caught as { name?: string }).name).toBe('GanHacksError');
  expect((caught as { code?: string }).code).toBe(code);
}

export async function expectCodeAsync(fn: () => Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a GanHacksError').toBeDefined();
  expect((caught as { name?: string }).name).toBe('GanHacksError');
  expect((caught as { code?: string }).code).toBe(code);
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { code?: string; cause?: unknown };
  }
  throw new Error('expected the promise to reject');
}
