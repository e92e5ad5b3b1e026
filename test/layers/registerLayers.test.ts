import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  MinibatchDiscrimination,
  MinibatchStddev,
  SpectralNormalization,
  dcganNormal,
  leakyReLU,
  minibatchDiscrimination,
  minibatchStddev,
  registerGanHacksLayers,
  spectralNormalization,
} from '../../src/index.js';
import { rejection } from '../helpers.js';

const NAMES = ['SpectralNormalization', 'MinibatchStddev', 'MinibatchDiscrimination'];

/** A discriminator using all three layers, in the functional API. */
function discriminator(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  let h = spectralNormalization(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: dcganNormal({ seed: 1 }) }), { seed: 1 }).apply(input) as tf.SymbolicTensor;
  h = leakyReLU().apply(h) as tf.SymbolicTensor;
  h = minibatchStddev({ groupSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = minibatchDiscrimination({ kernels: 3, dims: 2, seed: 2 }).apply(h) as tf.SymbolicTensor;
  const out = spectralNormalization(tf.layers.dense({ units: 2, kernelInitializer: dcganNormal({ seed: 3 }) }), { seed: 3, powerIterations: 2 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

describe('registerGanHacksLayers', () => {
  it('registers nothing at import; loading a saved model needs it; it registers the three classes, idempotently', async () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const name of NAMES) expect(map[name]).toBeUndefined();
    const model = discriminator();
    const artifacts = await saveToMemory(model);
    const error = await rejection(tf.loadLayersModel(tf.io.fromMemory(artifacts)));
    expect(error.message).toMatch(/SpectralNormalization|MinibatchStddev|MinibatchDiscrimination/);
    registerGanHacksLayers();
    expect(NAMES.map((name) => map[name]?.[0])).toEqual([SpectralNormalization, MinibatchStddev, MinibatchDiscrimination]);
    const entries = NAMES.map((name) => map[name]);
    registerGanHacksLayers();
    NAMES.forEach((name, i) => expect(map[name]).toBe(entries[i]));
    model.dispose();
  });

  it('a model with the three layers survives save and tf.loadLayersModel: same config, weights (u included) and outputs', async () => {
    registerGanHacksLayers();
    const model = discriminator();
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 5);
    // Training calls move u away from its initial value, so the round trip must carry it.
    for (let i = 0; i < 3; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const artifacts = await saveToMemory(model);
    expect(artifacts.weightSpecs!.filter((s) => s.name.endsWith('/u')).map((s) => s.shape)).toEqual([[4], [2]]);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    const sn = loaded.layers.find((l) => l instanceof SpectralNormalization && l.layer.getClassName() === 'Dense') as SpectralNormalization;
    expect([sn.powerIterations, sn.epsilon, sn.seed]).toEqual([2, 1e-12, 3]);
    expect((loaded.layers.find((l) => l instanceof MinibatchStddev) as MinibatchStddev).groupSize).toBe(2);
    const md = loaded.layers.find((l) => l instanceof MinibatchDiscrimination) as MinibatchDiscrimination;
    expect([md.kernels, md.dims]).toEqual([3, 2]);
    expect(loaded.weights.map((w) => w.shape)).toEqual(model.weights.map((w) => w.shape));
    const a = model.getWeights();
    const b = loaded.getWeights();
    a.forEach((t, i) => expect(Array.from(b[i].dataSync())).toEqual(Array.from(t.dataSync())));
    const y0 = model.predict(x) as tf.Tensor;
    const y1 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y0.dataSync()));
    // Training calls continue identically from the loaded u.
    const t0 = model.apply(x, { training: true }) as tf.Tensor;
    const t1 = loaded.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(t1.dataSync())).toEqual(Array.from(t0.dataSync()));
    tf.dispose([x, y0, y1, t0, t1]);
    model.dispose();
    loaded.dispose();
  });

  it('a tf.sequential whose first layer is wrapped keeps its input shape through the round trip', async () => {
    registerGanHacksLayers();
    const model = tf.sequential({ layers: [spectralNormalization(tf.layers.dense({ units: 3, inputShape: [5] })), tf.layers.dense({ units: 1 })] });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(await saveToMemory(model)));
    expect(loaded.inputs[0].shape).toEqual([null, 5]);
    const x = tf.ones([2, 5]);
    const y0 = model.predict(x) as tf.Tensor;
    const y1 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y0.dataSync()));
    tf.dispose([x, y0, y1]);
    model.dispose();
    loaded.dispose();
  });
});
