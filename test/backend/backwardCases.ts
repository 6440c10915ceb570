// The ops whose gradients each backward kernel computes: the Node tests and the WebGPU page run each with the fused
// kernel and without it (the op's gradient rule) and compare. It imports modules, not src/index.js, which the page cannot load.
import type { Backend, BackwardKernelName } from '../../src/backend/backend.js';
import { UNARY_OPS, type UnaryOp } from '../../src/backend/kernels/unaryOps.js';
import { Generator } from '../../src/core/random.js';
import { randn, tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { maxPool2d } from '../../src/tensor/ops/conv.js';
import * as elementwise from '../../src/tensor/ops/elementwise.js';
import { batchNorm, layerNorm } from '../../src/tensor/ops/normalization.js';
import { attentionSoftmax, crossEntropy, logSoftmax, softmax } from '../../src/tensor/ops/softmax.js';

/** A case: inputs of the given shapes (positive where asked) and a function of them whose backward uses the kernel. */
export interface BackwardCase {
  label: string;
  shapes: number[][];
  positive?: boolean;
  fn: (...xs: Tensor[]) => Tensor;
}
const unary = (op: UnaryOp): BackwardCase => ({
  label: op, shapes: [[5, 7]], positive: op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal' || op === 'powScalar',
  fn: op === 'powScalar' ? (x) => elementwise.powScalar(x, 2.5) : (x) => (elementwise[op] as (x: Tensor) => Tensor)(x),
});
const targets = () => tensor([0, 4, -100, 2, 1, 3], { dtype: 'int32' });

/** For each backward kernel, ops whose gradient it computes. */
export const BACKWARD_CASES: Record<BackwardKernelName, BackwardCase[]> = {
  unaryBackward: (Object.keys(UNARY_OPS) as UnaryOp[]).filter((op) => UNARY_OPS[op].df).map(unary),
  softmaxBackward: [{ label: 'softmax', shapes: [[4, 6]], fn: (x) => softmax(x, -1) }, { label: 'logSoftmax along dim 0', shapes: [[4, 6]], fn: (x) => logSoftmax(x, 0) }],
  attentionSoftmaxBackward: [{ label: 'causal', shapes: [[2, 5, 5]], fn: (x) => attentionSoftmax(x, 0.4, true) }],
  crossEntropyBackward: [{ label: 'one row ignored', shapes: [[6, 5]], fn: (x) => crossEntropy(x, targets()) },
    { label: 'summed', shapes: [[6, 5]], fn: (x) => crossEntropy(x, targets(), { reduction: 'sum' }) }],
  layerNormBackward: [{ label: 'weight and bias', shapes: [[4, 6], [6], [6]], fn: (x, w, b) => layerNorm(x, w, b) },
    { label: 'no weight', shapes: [[3, 2, 5]], fn: (x) => layerNorm(x) }],
  batchNormBackward: [{ label: 'channels', shapes: [[5, 3, 4], [3], [3]], fn: (x, w, b) => batchNorm(x, 1, w, b) },
    { label: 'features last, no weight', shapes: [[6, 4]], fn: (x) => batchNorm(x, 1) }],
  maxPool2dBackward: [{ label: '2x2 windows', shapes: [[2, 3, 6, 6]], fn: (x) => maxPool2d(x, 2) }],
};

/** `backend` without some backward kernels: the ops then use their gradient rules. */
export function withoutKernels(backend: Backend, kernels: readonly BackwardKernelName[]): Backend {
  const stripped: Backend = { ...backend, name: `${backend.name} without ${kernels.join(', ')}` };
  for (const kernel of kernels) delete stripped[kernel];
  return stripped;
}

/**
 * The case's output and its inputs' gradients, for an upstream gradient of fixed random values, on the current
 * backend: the caller reads them (at once on a CPU backend, asynchronously on WebGPU).
 */
export function backwardOutputs(c: BackwardCase): Tensor[] {
  const g = new Generator(7);
  const inputs = c.shapes.map((shape) => {
    const x = randn(shape, { generator: g, dtype: 'float32' });
    return (c.positive ? x.abs().add(0.5) : x).detach().requiresGrad_();
  });
  const y = c.fn(...inputs);
  y.backward(randn(y.shape, { generator: g, dtype: 'float32' }));
  return [y, ...inputs.map((x) => x.grad!)];
}
