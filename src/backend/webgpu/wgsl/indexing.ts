// The WebGPU indexing kernels: embedding rows and gather, with their scatter-adds (float adds by compare-and-swap).
import type { GPUFamily } from '../kernels.js';
import { bindings, elementEntry, grid, wgslType } from './common.js';

/**
 * Adds v into a float stored as u32 bits by compare-and-swap, WGSL having no atomic float add: two threads
 * adding to one element (an embedding row used twice in a batch) both land, in either order.
 */
const ATOMIC_ADD = `
@group(0) @binding(3) var<storage, read_write> out: array<atomic<u32>>;
fn atomicAddF32(at: u32, v: f32) {
  var old = atomicLoad(&out[at]);
  loop {
    let swapped = atomicCompareExchangeWeak(&out[at], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (swapped.exchanged) { break; }
    old = swapped.old_value;
  }
}`;

/** Element i of the output of a gather over (outer, n, inner) picking (outer, m, inner): its source element. */
const GATHERED = `
fn source(i: u32) -> u32 {
  let inner = p[3];
  return ((i / (p[2] * inner)) * p[1] + u32(index[i])) * inner + i % inner;
}`;

/** out[i, :] = src[indices[i], :]; p = [count, rowSize]. */
export function indexSelectShader(type: 'f32' | 'i32'): string {
  return `${bindings(`src: ${type}`, 'indices: i32', `out: ${type}!`)}
${elementEntry('p[0] * p[1]')}
  out[i] = src[u32(indices[i / p[1]]) * p[1] + i % p[1]];
}`;
}

/** out[indices[i], :] += g[i, :]; p = [count, rowSize]. */
export function indexAddShader(): string {
  return `${bindings('gs: f32', 'indices: i32')}
${ATOMIC_ADD}
${elementEntry('p[0] * p[1]')}
  atomicAddF32(u32(indices[i / p[1]]) * p[1] + i % p[1], gs[i]);
}`;
}

/** out[o, j, i] = x[o, index[o, j, i], i] over (outer, m, inner); p = [outer, n, m, inner]. */
export function gatherShader(type: 'f32' | 'i32'): string {
  return `${bindings(`xs: ${type}`, 'index: i32', `out: ${type}!`)}
${GATHERED}
${elementEntry('p[0] * p[2] * p[3]')}
  out[i] = xs[source(i)];
}`;
}

/** out[o, index[o, j, i], i] += g[o, j, i]; p = [outer, n, m, inner]. */
export function scatterAddShader(): string {
  return `${bindings('gs: f32', 'index: i32')}
${ATOMIC_ADD}
${GATHERED}
${elementEntry('p[0] * p[2] * p[3]')}
  atomicAddF32(source(i), gs[i]);
}`;
}

export const indexing = {
  indexSelect(gpu, { src, rowSize, indices, out }) {
    if (!out.length) return;
    const type = wgslType(src.dtype);
    gpu.dispatch(`indexSelect:${type}`, () => indexSelectShader(type), [indices.length, rowSize], [src, indices, out], grid(out.length));
  },
  indexAdd(gpu, { g, rowSize, indices, out }) {
    if (!indices.length || !rowSize) return;
    gpu.dispatch('indexAdd', indexAddShader, [indices.length, rowSize], [g, indices, out], grid(indices.length * rowSize));
  },
  gather(gpu, { x, index, outer, n, m, inner, out }) {
    if (!out.length) return;
    const type = wgslType(x.dtype);
    gpu.dispatch(`gather:${type}`, () => gatherShader(type), [outer, n, m, inner], [x, index, out], grid(out.length));
  },
  scatterAdd(gpu, { g, index, outer, n, m, inner, out }) {
    if (!g.length) return;
    gpu.dispatch('scatterAdd', scatterAddShader, [outer, n, m, inner], [g, index, out], grid(g.length));
  },
} satisfies GPUFamily;
