import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';

// Tests run on the pure-JS CPU backend unless a file switches to WASM itself.
beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});
