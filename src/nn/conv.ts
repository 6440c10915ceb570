import { rand } from '../tensor/creation.js';
import { type Size2, type WindowOptions, avgPool2d, conv2d, maxPool2d } from '../tensor/ops/conv.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, parameter } from './module.js';

export interface Conv2dOptions extends WindowOptions {
  bias?: boolean;
  generator?: Generator;
}

/**
 * A 2-D convolution layer, torch.nn.Conv2d: weight (out, in, kh, kw) and bias (out), both initialised as
 * PyTorch does, uniform in +-1/sqrt(in * kh * kw).
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size2, readonly options: Conv2dOptions = {}) {
    super();
    const { bias = true, generator = defaultGenerator } = options;
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    const bound = 1 / Math.sqrt(inChannels * kh * kw);
    const uniform = (shape: number[]) => parameter(rand(shape, { generator }).mul(2 * bound).sub(bound).detach());
    this.weight = uniform([outChannels, inChannels, kh, kw]);
    this.bias = bias ? uniform([outChannels]) : null;
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }
}

/** torch.nn.MaxPool2d: the stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Size2, readonly options: WindowOptions = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool2d (padding counted in the mean): the stride defaults to the kernel size. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Size2, readonly options: Omit<WindowOptions, 'dilation'> = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

