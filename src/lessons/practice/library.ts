// What a practice file gets from `import ... from 'zerograd'`: the tensor library, its modules and optimizers,
// without the file-reading and corpus parts, so the same code runs in the terminal judge and in the browser.
export { Tensor, type NestedArray } from '../../tensor/tensor.js';
export { noGrad, isGradEnabled } from '../../tensor/autograd.js';
export { type DType } from '../../core/dtype.js';
export { Generator, manualSeed, defaultGenerator } from '../../core/random.js';
export {
  tensor, zeros, ones, full, arange, linspace, eye, randn, rand, randint, randperm, type TensorOptions, type RandomOptions,
} from '../../tensor/creation.js';
export * from '../../tensor/ops/elementwise.js';
export * from '../../tensor/ops/reduce.js';
export * from '../../tensor/ops/view.js';
export * from '../../tensor/ops/matmul.js';
export * from '../../tensor/ops/indexing.js';
export * from '../../tensor/ops/join.js';
export * from '../../tensor/ops/softmax.js';
export * from '../../tensor/ops/normalization.js';
export * from '../../tensor/ops/losses.js';
export * from '../../tensor/ops/rearrange.js';
export * from '../../tensor/ops/ordering.js';
export * from '../../tensor/ops/linalg.js';
export * from '../../tensor/ops/sampling.js';
export * from '../../tensor/ops/rounding.js';
export * from '../../tensor/ops/scatter.js';
export * from '../../tensor/ops/pad.js';
export * from '../../tensor/ops/einsum.js';
export { Module, parameter, type Layer } from '../../nn/module.js';
export { Linear } from '../../nn/linear.js';
export { Embedding } from '../../nn/embedding.js';
export { LayerNorm } from '../../nn/layernorm.js';
export { Dropout } from '../../nn/dropout.js';
export { Tanh, ReLU, GELU, Sigmoid, Softmax, LogSoftmax } from '../../nn/activations.js';
export { Sequential } from '../../nn/sequential.js';
export { ModuleList, ModuleDict, Identity } from '../../nn/containers.js';
export * as init from '../../nn/init.js';
export { SGD } from '../../optim/sgd.js';
export { Adam } from '../../optim/adam.js';
export { AdamW } from '../../optim/adamw.js';
export { padSequence } from '../../data/wordTokenizer.js';
export { DataLoader, TensorDataset, type Dataset } from '../../data/dataLoader.js';
