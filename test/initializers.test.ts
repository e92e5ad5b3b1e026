import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DcganNormal, dcganNormal, failureModesGenerator } from '../src/index.js';
import { expectCode, expectNoLeak, stats } from './helpers.js';

describe('dcganNormal (docs/experiments/hacks.md, A5)', () => {
  it('a sample of 10,000 weights has mean ~0 and std ~0.02', () => {
    const w = dcganNormal({ seed: 3 }).apply([100, 100]);
    const s = stats(w.dataSync());
    // Standard error of the mean: 0.02 / 100 = 0.0002; of the std: ~0.00014.
    expect(Math.abs(s.mean)).toBeLessThan(0.001);
    expect(Math.abs(s.std - 0.02)).toBeLessThan(0.0007);
    w.dispose();
  });

  it('is the default initializer of every builder', () => {
    const g = failureModesGenerator({ seed: 1 });
    for (const layer of g.layers) {
      const cfg = layer.getConfig() as { kernelInitializer?: { className: string } };
      if (cfg.kernelInitializer) expect(cfg.kernelInitializer.className).toBe('DcganNormal');
    }
    g.dispose();
  });

  it('honours its seed and gives each weight its own stream', () => {
    const a = dcganNormal({ seed: 5 });
    const b = dcganNormal({ seed: 5 });
    const a1 = a.apply([50]).dataSync();
    const a2 = a.apply([50]).dataSync();
    const b1 = b.apply([50]).dataSync();
    expect(Array.from(a1)).toEqual(Array.from(b1));
    expect(Array.from(a1)).not.toEqual(Array.from(a2));
  });

  it('serialises and deserialises through the tfjs registry', () => {
    const init = dcganNormal({ seed: 2, stddev: 0.05 });
    const layer = tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: init });
    const model = tf.sequential({ layers: [layer] });
    const restored = tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) } as never);
    return restored.then((m) => {
      const cfg = m.layers[0].getConfig() as { kernelInitializer: { className: string; config: { stddev: number } } };
      expect(cfg.kernelInitializer.className).toBe('DcganNormal');
      expect(cfg.kernelInitializer.config.stddev).toBe(0.05);
      expect(new DcganNormal().getConfig()).toEqual({ mean: 0, stddev: 0.02, seed: null });
    });
  });

  it('rejects a negative stddev and leaks nothing', () => {
    expectCode(() => dcganNormal({ stddev: -1 }), 'INVALID_RANGE');
    expectCode(() => dcganNormal({ mean: NaN }), 'INVALID_ARGUMENT');
    expectCode(() => dcganNormal({ seed: Infinity }), 'INVALID_ARGUMENT');
    expectCode(() => dcganNormal('seed' as never), 'INVALID_ARGUMENT');
    expect(dcganNormal(null).getConfig()).toEqual({ mean: 0, stddev: 0.02, seed: null });
    const before = tf.memory().numTensors;
    const init = dcganNormal({ seed: 1 });
    expectCode(() => init.apply([1e9]), 'INVALID_RANGE');
    expectCode(() => init.apply([2, -1]), 'INVALID_SHAPE');
    expectCode(() => init.apply([2.5]), 'INVALID_SHAPE');
    expectCode(() => init.apply(null as never), 'INVALID_SHAPE');
    expectCode(() => init.apply([2], 'int32'), 'INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    expectNoLeak(() => dcganNormal({ seed: 1 }).apply([4, 4]));
  });
});
