import type { HostStorage } from '../../core/dtype.js';

export function indexSelect(src: HostStorage, rowSize: number, indices: Int32Array, out: HostStorage): void {
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * rowSize;
    out.set(src.subarray(from, from + rowSize), i * rowSize);
  }
}

export function indexAdd(g: HostStorage, rowSize: number, indices: Int32Array, out: HostStorage): void {
  for (let i = 0; i < indices.length; i++) {
    const to = indices[i] * rowSize;
    const from = i * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] += g[from + j];
  }
}

export function gather(x: HostStorage, index: Int32Array, outer: number, n: number, m: number, inner: number, out: HostStorage): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[at + i] = x[(o * n + index[at + i]) * inner + i];
    }
  }
}

export function scatterAdd(g: HostStorage, index: Int32Array, outer: number, n: number, m: number, inner: number, out: HostStorage): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const at = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[(o * n + index[at + i]) * inner + i] += g[at + i];
    }
  }
}
