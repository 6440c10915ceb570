import type { Tensor } from './tensor.js';

const EDGE_ITEMS = 3;
const SUMMARIZE_ABOVE = 1000;

/** PyTorch-style printing: aligned columns, 4 decimals, long dims summarised with '...'. */
export function formatTensor(t: Tensor): string {
  const flat = t.toFlatArray();
  const integral = t.dtype === 'int32' || flat.every((v) => Number.isInteger(v));
  const fmt = (v: number) => {
    if (!Number.isFinite(v)) return String(v).replace('Infinity', 'inf');
    if (t.dtype === 'int32') return String(v);
    return integral ? `${v}.` : v.toFixed(4);
  };
  const summarize = flat.length > SUMMARIZE_ABOVE;
  const width = Math.max(1, ...flat.map((v) => fmt(v).length));
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((p, s) => p * s, 1));
  const render = (axis: number, start: number, indent: string): string => {
    if (axis === t.ndim) return fmt(flat[start]).padStart(width);
    const n = t.shape[axis];
    const shown = summarize && n > 2 * EDGE_ITEMS
      ? [...Array(EDGE_ITEMS).keys(), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)]
      : [...Array(n).keys()];
    const parts = shown.map((i) => (i < 0 ? '...' : render(axis + 1, start + i * strides[axis], `${indent} `)));
    const separator = axis === t.ndim - 1 ? ', ' : `,${'\n'.repeat(t.ndim - axis - 1)}${indent} `;
    return `[${parts.join(separator)}]`;
  };
  const extras = [
    t.dtype !== 'float32' ? `dtype=${t.dtype}` : '',
    t.gradFn ? `gradFn=${t.gradFn.op}` : t.requiresGrad ? 'requiresGrad=true' : '',
  ].filter(Boolean);
  return `tensor(${render(0, 0, '       ')}${extras.map((e) => `, ${e}`).join('')})`;
}
