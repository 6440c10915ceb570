// Convolution and pooling over (N, C, H, W) images, as torch.nn.functional's conv2d, unfold, max_pool2d and
// avg_pool2d. A convolution is im2col (unfold) followed by one matrix product on the existing kernels.
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { isFloat } from '../dtype.js';
import { ZerogradError, fmtShape } from '../errors.js';
import { defineOp } from '../registry.js';
import { Tensor } from '../tensor.js';

/** A size given once for both spatial dims (3) or per dim ([3, 5]), as PyTorch accepts it. */
export type Size2 = number | readonly [number, number];

export interface WindowOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
}

/** One 2-D window: its kernel, stride, padding and dilation per dim, and the output size it gives. */
interface Window {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  out: [number, number];
}

const pair = (op: string, name: string, v: Size2, min: number): [number, number] => {
  const [a, b] = typeof v === 'number' ? [v, v] : v;
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < min || b < min) {
    throw new ZerogradError(op, `${name} must be an integer or a pair of integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [a, b];
};

/** Checks (N, C, H, W) input and the window's numbers, and computes the output's height and width. */
function window(op: string, x: Tensor, kernelSize: Size2, options: WindowOptions, defaultStride: Size2 = 1): Window {
  if (x.ndim !== 4 || !isFloat(x.dtype)) throw new ZerogradError(op, `expected a float (N, C, H, W) tensor, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  const kernel = pair(op, 'kernel size', kernelSize, 1);
  const stride = pair(op, 'stride', options.stride ?? defaultStride, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  const out = [0, 1].map((d) => Math.floor((x.shape[2 + d] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1) / stride[d]) + 1) as [number, number];
  if (out[0] < 1 || out[1] < 1) {
    throw new ZerogradError(op, `a ${kernel.join('x')} kernel (dilation ${dilation.join('x')}, padding ${padding.join('x')}) does not fit input ${fmtShape(x.shape)}`);
  }
  return { kernel, stride, padding, dilation, out };
}

/**
 * The unfolded (N, C*kh*kw, L) matrix's element at (n, row (c, i, j), column l = (oh, ow)) reads
 * x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]. `patchIndex` lists, for one image, each element's offset into the
 * image (or -1 for padding), row by row: the same for every image, so it is computed once per call.
 */
function patchIndex(shape: readonly number[], w: Window): Int32Array {
  const [, C, H, W] = shape;
  const [kh, kw] = w.kernel;
  const [Ho, Wo] = w.out;
  const L = Ho * Wo;
  const index = new Int32Array(C * kh * kw * L);
  let at = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        for (let oh = 0; oh < Ho; oh++) {
          const h = oh * w.stride[0] - w.padding[0] + i * w.dilation[0];
          const inside = h >= 0 && h < H;
          for (let ow = 0; ow < Wo; ow++, at++) {
            const col = ow * w.stride[1] - w.padding[1] + j * w.dilation[1];
            index[at] = inside && col >= 0 && col < W ? (c * H + h) * W + col : -1;
          }
        }
      }
    }
  }
  return index;
}

/**
 * The patches of the whole batch side by side, (C*kh*kw, N*L): F.unfold's columns with the images' next to each
 * other, so a convolution is one large matrix product rather than N small ones.
 */
export const im2col = defineOp('im2col', true, (x: Tensor, kernelSize: Size2, options: WindowOptions = {}): Tensor => {
  const w = window('im2col', x, kernelSize, options);
  const [N, C] = x.shape;
  const rows = C * w.kernel[0] * w.kernel[1];
  const L = w.out[0] * w.out[1];
  const data = x.denseData();
  const index = patchIndex(x.shape, w);
  const image = x.size / N;
  const out = backend().empty(x.dtype, rows * N * L);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      const base = n * image;
      const o = (r * N + n) * L;
      for (let l = 0; l < L; l++) {
        const k = index[r * L + l];
        out[o + l] = k < 0 ? 0 : data[base + k];
      }
    }
  }
  return record(Tensor.fromStorage(out, [rows, N * L]), 'im2col', [x], (g) => {
    const grad = g.denseData();
    const dx = backend().alloc(g.dtype, x.size);
    for (let r = 0; r < rows; r++) {
      for (let n = 0; n < N; n++) {
        const base = n * image;
        const o = (r * N + n) * L;
        for (let l = 0; l < L; l++) {
          const k = index[r * L + l];
          if (k >= 0) dx[base + k] += grad[o + l];
        }
      }
    }
    return [Tensor.fromStorage(dx, x.shape)];
  });
});

/** F.unfold: (N, C, H, W) -> (N, C*kh*kw, L) sliding patches, zero outside the padded image: im2col's columns per image. */
export const unfold = defineOp('unfold', true, (x: Tensor, kernelSize: Size2, options: WindowOptions = {}): Tensor => {
  const cols = im2col(x, kernelSize, options);
  const N = x.shape[0];
  return cols.view(cols.shape[0], N, cols.shape[1] / N).permute(1, 0, 2);
});

/**
 * F.conv2d: x (N, C, H, W) with weight (O, C, kh, kw) and an optional bias (O) -> (N, O, Ho, Wo), as one matrix
 * product: weight viewed (O, C*kh*kw) times the batch's patches (C*kh*kw, N*Ho*Wo).
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: WindowOptions = {}): Tensor {
  if (weight.ndim !== 4 || x.ndim !== 4 || weight.shape[1] !== x.shape[1]) {
    throw new ZerogradError('conv2d', `weight ${fmtShape(weight.shape)} must be (out, ${x.ndim === 4 ? x.shape[1] : 'C'}, kh, kw) for input ${fmtShape(x.shape)}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new ZerogradError('conv2d', `bias ${fmtShape(bias.shape)} must be [${weight.shape[0]}]`);
  }
  const [O, , kh, kw] = weight.shape;
  const w = window('conv2d', x, [kh, kw], options);
  let out = weight.reshape(O, -1).matmul(im2col(x, [kh, kw], options)); // (O, N*L)
  if (bias) out = out.add(bias.view(O, 1));
  return out.view(O, x.shape[0], w.out[0], w.out[1]).permute(1, 0, 2, 3);
}

/**
 * F.max_pool2d: the largest element of each window, padding counting as -infinity. The gradient goes to
 * that element only (the first one, on ties, as PyTorch's CPU kernel picks).
 */
export const maxPool2d = defineOp('maxPool2d', true, (x: Tensor, kernelSize: Size2, options: WindowOptions = {}): Tensor => {
  const w = window('maxPool2d', x, kernelSize, options, kernelSize);
  for (const d of [0, 1]) {
    if (w.padding[d] > w.kernel[d] / 2) throw new ZerogradError('maxPool2d', `padding ${w.padding[d]} must be at most half the kernel size ${w.kernel[d]}`);
  }
  const [N, C, H, W] = x.shape;
  const [Ho, Wo] = w.out;
  const data = x.denseData();
  const out = backend().alloc(x.dtype, N * C * Ho * Wo);
  const argmax = new Int32Array(out.length);
  let o = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++, o++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < w.kernel[0]; i++) {
          const h = oh * w.stride[0] - w.padding[0] + i * w.dilation[0];
          if (h < 0 || h >= H) continue;
          for (let j = 0; j < w.kernel[1]; j++) {
            const col = ow * w.stride[1] - w.padding[1] + j * w.dilation[1];
            if (col < 0 || col >= W) continue;
            const index = plane * H * W + h * W + col;
            const v = data[index];
            if (v > best || Number.isNaN(v) || at < 0) {
              best = v;
              at = index;
              if (Number.isNaN(v)) break;
            }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
  return record(Tensor.fromStorage(out, [N, C, Ho, Wo]), 'maxPool2d', [x], (g) => {
    const grad = g.denseData();
    const dx = backend().alloc(g.dtype, x.size);
    for (let k = 0; k < argmax.length; k++) dx[argmax[k]] += grad[k];
    return [Tensor.fromStorage(dx, x.shape)];
  });
});

/**
 * F.avg_pool2d with count_include_pad (PyTorch's default): the mean of each window, zero padding counted,
 * as the unfolded windows' mean.
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: Omit<WindowOptions, 'dilation'> = {}): Tensor {
  const w = window('avgPool2d', x, kernelSize, options, kernelSize);
  const [N, C] = x.shape;
  const cols = unfold(x, kernelSize, { stride: w.stride, padding: w.padding });
  return cols.reshape(N, C, w.kernel[0] * w.kernel[1], w.out[0] * w.out[1]).mean(2).view(N, C, w.out[0], w.out[1]);
}
