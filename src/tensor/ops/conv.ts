// Convolution and pooling over (N, C, H, W) images, as torch.nn.functional's conv2d, unfold, max_pool2d and
// avg_pool2d. A convolution is im2col (unfold) followed by one matrix product on the existing kernels.
import type { WindowGeometry } from '../../backend/backend.js';
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import type { DeviceStorage } from '../../core/dtype.js';
import { isFloat } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
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

/** The window over x's (N, C, H, W) as the backend's kernels take it. */
const geometry = (shape: readonly number[], w: Window): WindowGeometry => ({
  N: shape[0], C: shape[1], H: shape[2], W: shape[3],
  kh: w.kernel[0], kw: w.kernel[1], sh: w.stride[0], sw: w.stride[1],
  ph: w.padding[0], pw: w.padding[1], dh: w.dilation[0], dw: w.dilation[1],
  Ho: w.out[0], Wo: w.out[1],
});

/**
 * The patches of the whole batch side by side, (C*kh*kw, N*L): F.unfold's columns with the images' next to each
 * other, so a convolution is one large matrix product rather than N small ones.
 */
export const im2col = defineOp('im2col', true, (x: Tensor, kernelSize: Size2, options: WindowOptions = {}): Tensor => {
  const w = window('im2col', x, kernelSize, options);
  const g = geometry(x.shape, w);
  const rows = g.C * g.kh * g.kw;
  const columns = g.N * g.Ho * g.Wo;
  const out = backend().empty(x.dtype, rows * columns);
  backend().im2col({ x: x.denseData(), geometry: g, out });
  return record(Tensor.fromStorage(out, [rows, columns]), 'im2col', [x], (grad) => {
    const dx = backend().empty(grad.dtype, x.size);
    backend().col2im({ cols: grad.denseData(), geometry: g, dx });
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
  const g = geometry(x.shape, w);
  const out = backend().empty(x.dtype, g.N * g.C * g.Ho * g.Wo);
  const argmax = backend().empty('int32', out.length) as Int32Array | DeviceStorage;
  backend().maxPool2d({ x: x.denseData(), geometry: g, out, argmax });
  return record(Tensor.fromStorage(out, [g.N, g.C, g.Ho, g.Wo]), 'maxPool2d', [x], (grad) => {
    const fused = backend().maxPool2dBackward;
    const dx = fused ? backend().empty(grad.dtype, x.size) : backend().alloc(grad.dtype, x.size);
    if (fused) fused({ g: grad.denseData(), argmax, geometry: g, dx });
    // The rule: each output's gradient added at its argmax, a scatter-add over every (N, C) plane.
    else backend().scatterAdd({ g: grad.denseData(), index: argmax, outer: g.N * g.C, n: g.H * g.W, m: g.Ho * g.Wo, inner: 1, out: dx });
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
