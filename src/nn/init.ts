// torch.nn.init: fill a weight in place with the distributions PyTorch's initialisers use.
import { noGrad } from '../tensor/autograd.js';
import { full, rand, randn, tensor } from '../tensor/creation.js';
import { ZerogradError, fmtShape } from '../core/errors.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { fillNormal, fillUniform } from '../tensor/torchRandom.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** torch.nn.init.calculate_gain: the factor that keeps activations' variance steady through this nonlinearity. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
    case 'selu': return 3 / 4;
    default: throw new ZerogradError('calculateGain', `unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** fan_in and fan_out as PyTorch computes them: (out, in, *kernel) with the kernel's size multiplying both. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ZerogradError('init', `fan in and fan out need a tensor of 2 or more dims, got ${fmtShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((p, s) => p * s, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

const fill = (t: Tensor, values: Tensor): Tensor => noGrad(() => t.copy_(values.to(t.dtype)));

/** The values a torch-stream generator fills a tensor of t's shape and dtype with (PyTorch's own arithmetic). */
function torchFilled(t: Tensor, draw: (out: Float32Array | Float64Array) => void): Tensor {
  const values = t.dtype === 'float64' ? new Float64Array(t.size) : new Float32Array(t.size);
  draw(values);
  return tensor(values, { shape: t.shape });
}

export const normal_ = (t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor =>
  fill(t, generator.stream === 'torch' ? torchFilled(t, (out) => fillNormal(generator, out, mean, std)) : randn(t.shape, { generator }).mul(std).add(mean));

export const uniform_ = (t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor =>
  fill(t, generator.stream === 'torch' ? torchFilled(t, (out) => fillUniform(generator, out, a, b)) : rand(t.shape, { generator }).mul(b - a).add(a));

export const constant_ = (t: Tensor, value: number): Tensor => fill(t, full(t.shape, value));
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export interface KaimingOptions {
  /** The negative slope of a leaky ReLU (PyTorch's `a`). */
  a?: number;
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/** Kaiming (He) normal: N(0, std^2) with std = gain / sqrt(fan). */
export const kaimingNormal_ = (t: Tensor, options: KaimingOptions = {}): Tensor => normal_(t, 0, kaimingStd(t, options), options.generator);

/** Kaiming (He) uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export const kaimingUniform_ = (t: Tensor, options: KaimingOptions = {}): Tensor => {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options.generator);
};

/** Xavier (Glorot) uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)). */
export const xavierUniform_ = (t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor => {
  const { fanIn, fanOut } = fans(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, generator);
};

/** Xavier (Glorot) normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export const xavierNormal_ = (t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor => {
  const { fanIn, fanOut } = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
};
