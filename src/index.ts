// zerograd's public API: the tensor first (so its op modules load in dependency order), then the rest.
export { Tensor, type NestedArray } from './tensor/tensor.js';
export { noGrad, isGradEnabled, type GradFn } from './tensor/autograd.js';
export { type DType, type Storage } from './tensor/dtype.js';
export { ZerogradError } from './tensor/errors.js';
export { registeredOps, type OpInfo } from './tensor/registry.js';
export { Generator, manualSeed, defaultGenerator } from './tensor/random.js';
export {
  tensor, zeros, ones, full, arange, linspace, eye, randn, rand, randint, randperm,
  type TensorOptions, type RandomOptions,
} from './tensor/creation.js';
export * from './tensor/ops/elementwise.js';
export * from './tensor/ops/reduce.js';
export * from './tensor/ops/view.js';
export * from './tensor/ops/matmul.js';
export * from './tensor/ops/indexing.js';
export * from './tensor/ops/join.js';
export * from './tensor/ops/softmax.js';
export * from './tensor/ops/normalization.js';
export * from './tensor/ops/sampling.js';
export { backend, setBackend } from './backend/registry.js';
export type { Backend, StridedView, UnaryOp, BinaryOp, ReduceOp, MatmulSpec } from './backend/backend.js';
export { referenceBackend } from './backend/reference/index.js';
export { Value } from './scalar/value.js';
export { ScalarModule, Neuron, Layer, MLP as ScalarMLP, type Nonlinearity } from './scalar/nn.js';
export { toDot, toSvg } from './scalar/graph.js';
