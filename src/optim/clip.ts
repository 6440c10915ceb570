import { noGrad } from '../tensor/autograd.js';
import { isDevice } from '../core/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales all gradients down together so their global L2 norm is at most maxNorm; returns the norm before clipping.
 * Gradients in GPU memory are scaled there, by a factor computed there, and the norm is NaN (reading it would
 * wait for the GPU): clipGradNormTensor returns it as a tensor.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  const grads = gradsOf(params);
  if (grads.some((g) => isDevice(g.data))) {
    scaleOnDevice(grads, maxNorm);
    return Number.NaN;
  }
  let squares = 0;
  for (const g of grads) for (const v of g.hostData()) squares += v * v;
  const norm = Math.sqrt(squares);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const g of grads) {
      const data = g.hostData();
      // Leaf gradients are dense tensors owned by their parameter, so scaling in place is safe.
      for (let i = 0; i < data.length; i++) data[i] *= scale;
    }
  }
  return norm;
}

/** clipGradNorm with every number a tensor, for gradients in device memory: returns the norm as a 0-d tensor. */
export function clipGradNormTensor(params: Iterable<Tensor>, maxNorm: number): Tensor {
  return scaleOnDevice(gradsOf(params), maxNorm);
}

/** Each parameter's gradient once (a parameter listed twice, as tied weights are, counts once). */
const gradsOf = (params: Iterable<Tensor>) => [...new Set(params)].map((p) => p.grad).filter((g): g is Tensor => g !== null);

function scaleOnDevice(grads: Tensor[], maxNorm: number): Tensor {
  return noGrad(() => {
    const norm = grads.map((g) => g.square().sum()).reduce((a, b) => a.add(b)).sqrt();
    const factor = norm.add(1e-6).reciprocal().mul(maxNorm).minimum(1);
    for (const g of grads) g.copy_(g.mul(factor));
    return norm;
  });
}
