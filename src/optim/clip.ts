import type { Tensor } from '../tensor/tensor.js';

/** Scales all gradients down together so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  const grads = [...new Set(params)].map((p) => p.grad).filter((g): g is Tensor => g !== null);
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
