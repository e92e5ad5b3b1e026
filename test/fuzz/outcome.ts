import { expect } from 'vitest';
import { GanHacksError } from '../../src/index.js';

/** What a call under generated input ended in; any error but a GanHacksError fails the test. */
export type Outcome = 'ok' | 'refused';

function refused(e: unknown): Outcome {
  if (!(e instanceof GanHacksError)) throw new Error(`not a GanHacksError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  return 'refused';
}

/** Runs a synchronous call: a valid result or a GanHacksError. */
export function outcome(f: () => unknown): Outcome {
  try {
    f();
    return 'ok';
  } catch (e) {
    return refused(e);
  }
}

/** Runs a (possibly) asynchronous call: a valid result or a GanHacksError, within `boundMs`. */
export async function outcomeAsync(f: () => unknown, boundMs: number): Promise<Outcome> {
  const start = performance.now();
  try {
    await f();
    return 'ok';
  } catch (e) {
    return refused(e);
  } finally {
    expect(performance.now() - start).toBeLessThan(boundMs);
  }
}
