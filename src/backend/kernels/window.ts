// Sliding windows over images: convolution's patches and max-pooling.
import { attribute, declareBackwardKernel, declareKernel, indices, indicesOut, input, output } from '../kernel.js';

/**
 * A 2-D sliding window over dense (N, C, H, W) images: conv2d's patches and the pooling windows. The window at
 * output (oh, ow) covers rows oh * sh - ph + i * dh (i < kh) and columns ow * sw - pw + j * dw (j < kw).
 */
export interface WindowGeometry {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number;
  readonly ph: number; readonly pw: number;
  readonly dh: number; readonly dw: number;
  readonly Ho: number; readonly Wo: number;
}

const geometry = attribute<WindowGeometry>();

/**
 * The batch's patches side by side: out (C*kh*kw, N*Ho*Wo) holds, at row (c, i, j) and column (n, oh, ow), the pixel
 * the window at (oh, ow) of image n covers at (i, j) in channel c, or 0 in the padding.
 */
export const im2col = declareKernel({ x: input, geometry, out: output });
/** Its adjoint: dx (N, C, H, W), overwritten, gets each pixel's entries of `cols` summed in row order. */
export const col2im = declareKernel({ cols: input, geometry, dx: output });
/**
 * Each window's largest element into out (N, C, Ho, Wo), and its position h * W + w within its plane into `argmax`
 * (as PyTorch's CPU kernel: the first one on ties, the last NaN if any).
 */
export const maxPool2d = declareKernel({ x: input, geometry, out: output, argmax: indicesOut });
/** Its adjoint: dx (N, C, H, W), overwritten, gets each output's gradient at its argmax. */
export const maxPool2dBackward = declareBackwardKernel({ g: input, argmax: indices, geometry, dx: output });
