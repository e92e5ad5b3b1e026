/**
 * A page for test/metrics/mnistClassifierBrowser.test.ts: bundled by
 * test/browser/harness.ts against the built package (dist/), it classifies
 * digits handed over by the test with `mnistClassifier()` on tfjs's CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import { mnistClassifier } from 'gan-hacks';

/** What {@link classify} returns: the classifier's outputs as plain numbers. */
export interface ClassifyResult {
  name: string;
  heldOutAccuracy: number;
  features: number[];
  probabilities: number[];
  tensorsBefore: number;
  tensorsAfter: number;
}

async function classify(pixels: number[], n: number): Promise<ClassifyResult> {
  await tf.setBackend('cpu');
  const tensorsBefore = tf.memory().numTensors;
  const classifier = await mnistClassifier();
  const x = tf.tensor4d(pixels, [n, 28, 28, 1]);
  const f = classifier.features(x);
  const p = classifier.probabilities(x);
  const result = { name: classifier.name, heldOutAccuracy: classifier.heldOutAccuracy, features: Array.from(await f.data()), probabilities: Array.from(await p.data()) };
  tf.dispose([x, f, p]);
  classifier.dispose();
  return { ...result, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}

(window as unknown as { ganTest: unknown }).ganTest = { classify };
