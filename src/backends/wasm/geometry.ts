import * as tf from '@tensorflow/tfjs';
import { GanHacksError } from '../../errors/index.js';

/** Attributes shared by the convolution kernels. */
export interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The sizes of a channels-last, undilated 2-D convolution x [n, h, w, ci] * W [kh, kw, ci, co] -> y [n, oh, ow, co]. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

/** Geometry of the forward convolution a kernel belongs to (its gradients included). */
export function convGeometry(kernel: string, xShape: number[], filterShape: number[], attrs: ConvAttrs): ConvGeometry {
  if (attrs.dataFormat === 'NCHW') {
    throw new GanHacksError('INVALID_ARGUMENT', `gan-hacks/wasm: ${kernel} supports dataFormat 'NHWC' only, got ${JSON.stringify(attrs.dataFormat)}; the WASM backend is channels-last: transpose the input to NHWC.`);
  }
  let info: tf.backend_util.Conv2DInfo;
  try {
    info = tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number],
      filterShape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
  } catch (cause) {
    throw new GanHacksError('INVALID_ARGUMENT', `gan-hacks/wasm: ${kernel}: the shapes and attributes do not describe a convolution (${(cause as Error).message}).`, { cause });
  }
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

const isShape4 = (v: unknown): v is number[] => Array.isArray(v) && v.length === 4 && v.every((d) => Number.isInteger(d) && d >= 0);

/**
 * Checks what the engine passes a kernel function, for callers that invoke
 * one directly: `{ inputs, backend, attrs }`, the named inputs as float32
 * TensorInfos of rank 4, and the shape attribute `shapeAttr` as 4 sizes.
 * Costs a few property reads, nothing per element.
 */
export function checkKernelArgs(kernel: string, args: unknown, inputNames: readonly string[], shapeAttr: string): void {
  const a = args as { inputs?: Record<string, unknown>; backend?: { disposeData?: unknown }; attrs?: Record<string, unknown> } | null;
  const bad = (what: string): GanHacksError =>
    new GanHacksError('INVALID_ARGUMENT', `gan-hacks/wasm: ${kernel} is a tfjs kernel function: ${what}. Call it through tf ops on the WASM backend, or pass { inputs, backend, attrs } as the engine does.`);
  if (typeof a !== 'object' || a === null) throw bad('pass { inputs, backend, attrs }');
  if (typeof a.backend !== 'object' || a.backend === null || typeof a.backend.disposeData !== 'function') throw bad('backend must be the WASM backend');
  if (typeof a.inputs !== 'object' || a.inputs === null) throw bad('inputs must name its tensors');
  for (const name of inputNames) {
    const info = a.inputs[name] as { dataId?: unknown; shape?: unknown; dtype?: unknown } | undefined;
    if (typeof info !== 'object' || info === null || info.dataId === undefined || !isShape4(info.shape) || info.dtype !== 'float32') {
      throw bad(`inputs.${name} must be a float32 tensor of rank 4`);
    }
  }
  if (typeof a.attrs !== 'object' || a.attrs === null || !isShape4(a.attrs[shapeAttr])) throw bad(`attrs.${shapeAttr} must list 4 sizes`);
}

/** Refuses an output gradient whose shape is not the convolution's output shape (it would be read out of bounds). */
export function checkOutputShape(kernel: string, dyShape: number[], g: ConvGeometry): void {
  const want = [g.n, g.oh, g.ow, g.co];
  if (!tf.util.arraysEqual(dyShape, want)) {
    throw new GanHacksError('INVALID_SHAPE', `gan-hacks/wasm: ${kernel}: dy has shape [${dyShape.join(', ')}] but the convolution outputs [${want.join(', ')}].`);
  }
}
