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
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
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
