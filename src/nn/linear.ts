import { Generator, defaultGenerator } from '../core/random.js';
import { randn, zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { Module, parameter } from './module.js';

export interface LinearOptions {
  bias?: boolean;
  generator?: Generator;
  /**
   * Weight standard deviation; default gain / sqrt(inFeatures), Kaiming's rule (gain 5/3 before a tanh). With a
   * torch-stream generator and neither std nor gain given, the weights and bias are PyTorch's nn.Linear's instead.
   */
  std?: number;
  gain?: number;
}

/** y = x W^T + b, with W stored (out, in) as in PyTorch so checkpoints map one to one. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    const { bias = true, generator = defaultGenerator, gain = 1 } = options;
    if (generator.stream === 'torch' && options.std === undefined && options.gain === undefined) {
      // nn.Linear.reset_parameters: kaiming_uniform_(a=√5) for the weight, then U(±1/√in) for the bias.
      this.weight = parameter(kaimingUniform_(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5), generator }));
      this.bias = bias ? parameter(uniform_(zeros([outFeatures]), -1 / Math.sqrt(inFeatures), 1 / Math.sqrt(inFeatures), generator)) : null;
      return;
    }
    const std = options.std ?? gain / Math.sqrt(inFeatures);
    this.weight = parameter(randn([outFeatures, inFeatures], { generator }).mul(std).detach());
    this.bias = bias ? parameter(zeros([outFeatures])) : null;
  }

  forward(x: Tensor): Tensor {
    // Folding leading dims into one makes a single large matrix product (and a single one in backward).
    const flat = x.ndim > 2 ? x.reshape(-1, this.inFeatures) : x;
    let out = flat.matmul(this.weight.T);
    if (this.bias) out = out.add(this.bias);
    return x.ndim > 2 ? out.view(...x.shape.slice(0, -1), this.outFeatures) : out;
  }
}
