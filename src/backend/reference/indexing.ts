// The reference indexing kernels: rows and elements picked by index, and their scatter-adds.
import type { HostArgs } from '../kernels/index.js';

export function indexSelect({ src, rowSize, indices, out }: HostArgs<'indexSelect'>): void {
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * rowSize;
    out.set(src.subarray(from, from + rowSize), i * rowSize);
  }
}

export function indexAdd({ g, rowSize, indices, out }: HostArgs<'indexAdd'>): void {
  for (let i = 0; i < indices.length; i++) {
    const to = indices[i] * rowSize;
    const from = i * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] += g[from + j];
  }
}

export function gather({ x, index, outer, n, m, inner, out }: HostArgs<'gather'>): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[at + i] = x[(o * n + index[at + i]) * inner + i];
    }
  }
}

export function scatterAdd({ g, index, outer, n, m, inner, out }: HostArgs<'scatterAdd'>): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[(o * n + index[at + i]) * inner + i] += g[at + i];
    }
  }
}
