import * as tf from '@tensorflow/tfjs';
import { MinibatchDiscrimination } from './minibatchDiscrimination.js';
import { MinibatchStddev } from './minibatchStddev.js';
import { SpectralNormalization } from './spectralNormalization.js';

const LAYER_CLASSES = [SpectralNormalization, MinibatchStddev, MinibatchDiscrimination] as const;

/**
 * Registers gan-hacks' custom layers ({@link SpectralNormalization}, {@link MinibatchStddev},
 * {@link MinibatchDiscrimination}) with `tf.serialization.registerClass`, so that
 * `tf.loadLayersModel` can rebuild a saved model that uses them.
 *
 * Global effect: it adds the class names `SpectralNormalization`, `MinibatchStddev` and
 * `MinibatchDiscrimination` to tfjs's serialisation registry (`tf.serialization.SerializationMap`,
 * under `Custom>` in `GLOBALCUSTOMOBJECT`). Importing gan-hacks does not do it (the package
 * has no import-time side effect but `DcganNormal`'s); building, training and saving a model
 * with these layers works without it, only loading needs it. Idempotent: later calls change
 * nothing.
 *
 * @example
 * ```ts
 * registerGanHacksLayers();
 * const d = await tf.loadLayersModel('file://out/discriminator/model.json');
 * ```
 */
export function registerGanHacksLayers(): void {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of LAYER_CLASSES) {
    if (map[cls.className]?.[0] === cls) continue;
    tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  }
}
