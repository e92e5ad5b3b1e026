import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';
import { LIMITS, assertAtMost, assertFloatTensor, assertPositiveInteger, optionsObject, show } from '../../internal/validate.js';
import { MNIST_CNN_ARCHITECTURE, loadMnistCnn } from './network.js';

/** Options of {@link mnistClassifier}. */
export interface MnistClassifierOptions {
  /**
   * Images run through the network at once; larger inputs are cut into
   * batches of this size, so memory stays bounded whatever `n`. At most
   * `LIMITS.batchSize` (65,536).
   * @defaultValue 500
   */
  batchSize?: number;
}

/** The classifier {@link mnistClassifier} returns. */
export interface MnistClassifier {
  /** The network's name and version, to report beside every score computed with it: `'gan-hacks-mnist-cnn-v1'`. */
  readonly name: string;
  /** Its accuracy on the held-out digits it was measured on (docs/metrics/mnist-classifier.json). */
  readonly heldOutAccuracy: number;
  /** Width of {@link MnistClassifier.features}' rows. */
  readonly featureSize: number;
  /**
   * The penultimate layer's activations (ReLU, before the logits) of each
   * image: `[n, featureSize]`, owned by the caller.
   * @throws GanHacksError `INVALID_ARGUMENT` for a non-tensor, disposed or
   * non-float32 input or a disposed classifier; `INVALID_SHAPE` for a shape
   * other than `[n, 28, 28, 1]`; `NON_FINITE_INPUT` for NaN or ±Infinity;
   * `INVALID_RANGE` for values outside [-1, 1] or n above `LIMITS.samples`.
   */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /**
   * Class probabilities (softmax of the logits) of each image: `[n, 10]`,
   * rows summing to 1, owned by the caller. Same input rules as
   * {@link MnistClassifier.features}.
   */
  probabilities(images: tf.Tensor4D): tf.Tensor2D;
  /** Releases this handle; the weights are freed when the last handle is disposed. Idempotent. */
  dispose(): void;
}

/** The network and its record, loaded once and shared by every handle. */
interface Loaded {
  model: tf.LayersModel;
  name: string;
  heldOutAccuracy: number;
}

let shared: { loading: Promise<Loaded>; handles: number } | undefined;

async function load(): Promise<Loaded> {
  // A literal dynamic import: bundlers put the weights (143 KB of base64) in a
  // chunk of their own, loaded only by a program that calls mnistClassifier().
  const { MNIST_CNN_WEIGHTS, MNIST_CNN_RECORD } = await import('./weights.js');
  return { model: loadMnistCnn(MNIST_CNN_WEIGHTS), name: MNIST_CNN_RECORD.name, heldOutAccuracy: MNIST_CNN_RECORD.heldOutAccuracy };
}

/**
 * Checks images for the network: `[n, 28, 28, 1]` float32 with `least` to `most`
 * images, finite, in [-1, 1] (one read). `what` names the argument.
 * @internal
 */
export function checkImages(fn: string, images: unknown, what = 'images', most: number = LIMITS.samples, least = 1): asserts images is tf.Tensor4D {
  const name = `${fn}: ${what}`;
  assertFloatTensor(name, images);
  const [, h, w, c] = images.shape;
  if (images.rank !== 4 || h !== 28 || w !== 28 || c !== 1) {
    const hint =
      images.rank === 2 && images.shape[1] === 784
        ? ' Reshape flat rows with images.reshape([-1, 28, 28, 1]).'
        : images.rank === 3 && images.shape[1] === 28 && images.shape[2] === 28
          ? ' Add the channel axis with images.expandDims(-1).'
          : ' The network reads 28x28 grayscale digits, as loadMnist() returns them.';
    throw new GanHacksError('INVALID_SHAPE', `${name} must have shape [n, 28, 28, 1], got [${images.shape.join(', ')}].${hint}`);
  }
  assertAtMost(`${name}: number of images`, images.shape[0], most, 'Score a random subset of the images.');
  if (images.shape[0] < least) {
    throw new GanHacksError('INVALID_RANGE', `${name} has ${images.shape[0]} image; pass at least ${least} (a covariance needs 2 samples).`);
  }
  // Reductions only, so the check allocates nothing the size of the images: the sum is NaN or infinite
  // when a value is, or when finite values far outside [-1, 1] overflow it (then min or max says so).
  const summary = tf.tidy(() => tf.stack([images.min(), images.max(), images.sum()]));
  const [min, max, sum] = summary.dataSync();
  summary.dispose();
  const finiteOutside = Number.isFinite(min) && Number.isFinite(max) && (min < -1 || max > 1);
  if (!Number.isFinite(sum) && !finiteOutside) {
    throw new GanHacksError('NON_FINITE_INPUT', `${name} contains NaN or infinite values; check the generator's output before scoring it.`);
  }
  if (min < -1 || max > 1) {
    const hint =
      min >= 0 && max >= 2 && max <= 255
        ? ' They look like pixels in [0, 255]: scale them with scaleImages(images).'
        : ' Clip them with tf.clipByValue(images, -1, 1), or end the generator with tanh.';
    throw new GanHacksError('INVALID_RANGE', `${name} must lie in [-1, 1] (the range loadMnist() and tanh generators give), got values in [${show(min)}, ${show(max)}].${hint}`);
  }
}

/**
 * A small convolutional network trained on the digits bundled with the
 * `mnist` package, shipped inside gan-hacks: the feature network of
 * {@link mnistFid}, {@link mnistKid} and {@link mnistScore}, and of any
 * feature metric (`frechetDistance`, `precisionRecall`, ...) on MNIST-like
 * digits. Inception cannot be downloaded on many machines nor in pages, and
 * for MNIST the accepted practice is a classifier trained on the domain (as
 * TF-GAN's MNIST example does, "a pretrained MNIST classifier with ~99% eval
 * accuracy"). Its weights (one byte each, 107 KB, embedded in the package)
 * load with no network request and no file access, in Node and in a page;
 * the first call builds the network and later calls share it.
 *
 * The network: three 'same' convolutions (16 5×5, 32 5×5, 64 3×3 filters, ReLU,
 * each followed by a 2×2 max pool), a 128-unit ReLU layer (the features) and
 * a linear layer to the 10 logits; 106,890 weights. Trained by
 * scripts/train-mnist-classifier.ts on 8,000 of the 10,000 bundled digits; on
 * the other 2,000 (stratified, seeded) its accuracy is **98.90 %** (1,978 of
 * 2,000), as shipped (weights quantized to 8 bits), on tfjs's CPU backend and
 * on WASM (docs/metrics/mnist-classifier.json). Inputs are `[n, 28, 28, 1]` float32
 * in [-1, 1], the range of `loadMnist()` and of tanh generators. The features
 * are ReLU outputs (0 to about 18 on the bundled digits); 41 of the 128 units
 * are 0 on every bundled digit, so real digits give a covariance of rank 87
 * at most (frechetDistance handles rank-deficient covariances).
 *
 * Scores computed with different feature networks are not comparable: report
 * `name` with them.
 *
 * @example
 * ```ts
 * const classifier = await mnistClassifier();
 * const { images } = await loadMnist({ limit: 1000 });
 * const features = classifier.features(images); // [1000, 128]
 * const predicted = classifier.probabilities(images).argMax(1); // [1000] digits
 * classifier.dispose();
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` when options are not an object or
 * `batchSize` is not a positive integer; `INVALID_RANGE` when `batchSize`
 * exceeds `LIMITS.batchSize` (the promise rejects; nothing is loaded).
 */
export async function mnistClassifier(options?: MnistClassifierOptions | null): Promise<MnistClassifier> {
  const o = optionsObject('mnistClassifier', options);
  const batchSize = o.batchSize ?? 500;
  assertPositiveInteger('mnistClassifier: batchSize', batchSize);
  assertAtMost('mnistClassifier: batchSize', batchSize, LIMITS.batchSize);

  if (!shared) {
    const entry = { loading: load(), handles: 0 };
    shared = entry;
    // A failed load is not cached: the next call tries again.
    entry.loading.catch(() => {
      if (shared === entry) shared = undefined;
    });
  }
  const entry = shared;
  entry.handles++;
  let loaded: Loaded;
  try {
    loaded = await entry.loading;
  } catch (cause) {
    entry.handles--;
    if (cause instanceof GanHacksError) throw cause;
    // In a page, the weights come in a chunk the bundler wrote beside the entry; it must be served too.
    throw new GanHacksError('FILE_FORMAT', 'mnistClassifier: the embedded weights could not be loaded; in a page, serve every chunk your bundler wrote.', { cause });
  }
  let disposed = false;

  const run = (fn: string, images: tf.Tensor4D, output: 'features' | 'probabilities'): tf.Tensor2D => {
    if (disposed) throw new GanHacksError('INVALID_ARGUMENT', `${fn}: this classifier was disposed; call mnistClassifier() again.`);
    checkImages(fn, images);
    const n = images.shape[0];
    const parts: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        parts.push(
          tf.tidy(() => {
            const batch = size === n ? images : images.slice([start, 0, 0, 0], [size, 28, 28, 1]);
            const [features, logits] = loaded.model.apply(batch, { training: false }) as tf.Tensor2D[];
            return output === 'features' ? features : tf.softmax(logits);
          }),
        );
      }
      return parts.length === 1 ? parts.pop()! : tf.concat(parts);
    } finally {
      tf.dispose(parts);
    }
  };

  return {
    name: loaded.name,
    heldOutAccuracy: loaded.heldOutAccuracy,
    featureSize: MNIST_CNN_ARCHITECTURE.features,
    features: (images) => run('mnistClassifier.features', images, 'features'),
    probabilities: (images) => run('mnistClassifier.probabilities', images, 'probabilities'),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      entry.handles--;
      if (entry.handles === 0 && shared === entry) {
        shared = undefined;
        loaded.model.dispose();
      }
    },
  };
}
