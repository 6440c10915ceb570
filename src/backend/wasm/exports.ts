// The exports of the kernels module compiled from assembly/ (addresses are byte offsets into its memory).
import type { PoolKernels } from './kernelPool.js';

export interface WasmExports extends PoolKernels {
  memory: WebAssembly.Memory;
  packPanels(src: number, dst: number, count: number, depth: number, countStep: number, depthStep: number, width: number): void;
  binary(op: number, ndim: number, layout: number, a: number, b: number, out: number): void;
  copyStrided(ndim: number, layout: number, src: number, dst: number): void;
  softmax(x: number, rows: number, cols: number, out: number, log: boolean): void;
  softmaxBackward(y: number, g: number, rows: number, cols: number, out: number, log: boolean): void;
  attentionSoftmax(x: number, rows: number, cols: number, scale: number, causal: boolean, out: number): void;
  attentionSoftmaxBackward(y: number, g: number, rows: number, cols: number, scale: number, out: number): void;
  crossEntropy(logits: number, targets: number, rows: number, cols: number, ignoreIndex: number, lse: number): number;
  crossEntropyBackward(logits: number, targets: number, lse: number, rows: number, cols: number, ignoreIndex: number, scale: number, out: number): void;
  layerNorm(x: number, rows: number, cols: number, weight: number, bias: number, eps: number, out: number, mean: number, rstd: number): void;
  layerNormBackward(x: number, g: number, rows: number, cols: number, weight: number, mean: number, rstd: number, dx: number, dweight: number, dbias: number): void;
  batchNorm(x: number, outer: number, C: number, inner: number, weight: number, bias: number, eps: number, out: number, mean: number, rstd: number,
    runningMean: number, runningVariance: number, momentum: number, acc: number): void;
  batchNormBackward(x: number, g: number, outer: number, C: number, inner: number, weight: number, mean: number, rstd: number,
    dx: number, dweight: number, dbias: number, acc: number): void;
  reduceSum(x: number, outer: number, n: number, inner: number, out: number, acc: number): void;
  indexSelect(src: number, rowSize: number, indices: number, count: number, out: number): void;
  indexAdd(g: number, rowSize: number, indices: number, count: number, out: number): void;
  zero(at: number, bytes: number): void;
  adamw(param: number, grad: number, m: number, v: number, n: number, beta1: number, beta2: number, eps: number,
    decayFactor: number, stepSize: number, correction2: number): void;
  sgd(param: number, grad: number, velocity: number, n: number, lr: number, momentum: number, weightDecay: number): void;
}

/** Op codes of assembly/elementwise.ts; ops missing here (sin, cos, comparisons...) stay in JavaScript. */
export const UNARY_CODES: Partial<Record<string, number>> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, tanh: 5, sigmoid: 6, relu: 7, gelu: 8, abs: 9, square: 10, reciprocal: 11, powScalar: 12,
};
export const BINARY_CODES: Partial<Record<string, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
