// Vector products and norms the course's code calls: torch.outer and torch.norm / torch.linalg.vector_norm.
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import type { Tensor } from '../tensor.js';

/** torch.outer: a (n,) and b (m,) -> (n, m), a_i b_j. */
export const outer = defineOp('outer', true, (a: Tensor, b: Tensor): Tensor => {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ZerogradError('outer', `expected two vectors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
});

/**
 * torch.norm: the p-norm over `dim` (all elements when absent): p = 2 (the default, or 'fro'), 1, or Infinity
 * (the largest magnitude).
 */
export const norm = defineOp('norm', true, (x: Tensor, p: number | 'fro' = 2, dim?: number | number[], keepdim = false): Tensor => {
  const dims = dim === undefined ? [...Array(x.ndim).keys()] : dim;
  if (p === 2 || p === 'fro') return x.square().sum(dims, keepdim).sqrt();
  if (p === 1) return x.abs().sum(dims, keepdim);
  if (p === Infinity) {
    const all = (Array.isArray(dims) ? dims : [dims]).map((d) => (d < 0 ? d + x.ndim : d));
    return all.sort((a, b) => b - a).reduce((t, d) => t.max(d, keepdim), x.abs());
  }
  throw new ZerogradError('norm', `p must be 1, 2, 'fro' or Infinity, got ${String(p)}`);
});
