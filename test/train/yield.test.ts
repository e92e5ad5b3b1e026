import { describe, expect, it } from 'vitest';
import { Trainer } from '../../src/index.js';
import { tinyData, tinyDiscriminator, tinyGenerator } from './tiny.js';

/** Runs a 10-iteration fit while a recurring macrotask counts how often the event loop got a turn. */
async function turnsDuringFit(yieldEvery: 'never' | 'auto' | number): Promise<number> {
  const data = tinyData();
  const trainer = new Trainer({ generator: tinyGenerator(), discriminator: tinyDiscriminator(), latentDim: 3, seed: 1 });
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  // Let the first tick run before the fit starts, so only turns during the fit count.
  await new Promise((r) => setImmediate(r));
  const before = turns;
  await trainer.fit(data, { batchSize: 16, iterations: 10, yieldEvery });
  running = false;
  trainer.dispose();
  trainer.generator.dispose();
  trainer.discriminator.dispose();
  data.dispose();
  return turns - before;
}

describe('fit yields to the event loop', () => {
  it("between iterations with yieldEvery: 0, never with 'never' or with 'auto' in Node", async () => {
    const yielding = await turnsDuringFit(0);
    const never = await turnsDuringFit('never');
    const auto = await turnsDuringFit('auto');
    // A turn between each two of the 10 iterations: each yield lets the pending macrotask run once.
    expect(yielding).toBeGreaterThanOrEqual(9);
    expect(never).toBe(0);
    expect(auto).toBe(0);
  });
});
