// AssemblyScript: embedding rows and their scatter-add.
import { f, put } from './rowMath';

/** out[i, :] = src[indices[i], :] for `count` rows of `rowSize` floats. */
export function indexSelect(src: usize, rowSize: i32, indices: usize, count: i32, out: usize): void {
  const bytes = <usize>rowSize << 2;
  for (let i = 0; i < count; i++) {
    memory.copy(out + <usize>i * bytes, src + <usize>load<i32>(indices + (<usize>i << 2)) * bytes, bytes);
  }
}

/** out[indices[i], :] += g[i, :], four lanes at a time. */
export function indexAdd(g: usize, rowSize: i32, indices: usize, count: i32, out: usize): void {
  const bytes = <usize>rowSize << 2;
  for (let i = 0; i < count; i++) {
    const from = g + <usize>i * bytes;
    const to = out + <usize>load<i32>(indices + (<usize>i << 2)) * bytes;
    let j = 0;
    for (; j + 4 <= rowSize; j += 4) {
      const at = <usize>j << 2;
      v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
    }
    for (; j < rowSize; j++) put(to, j, f(to, j) + f(from, j));
  }
}
