// Rows and elements picked by integer indices (embeddings, gather), and the adjoint scatter-adds.
import { attribute, declareKernel, indices, input, output } from '../kernel.js';

const rowSize = attribute<number>();
/** x (outer, n, inner) and index (outer, m, inner), with index values in [0, n). */
const outer = attribute<number>();
const n = attribute<number>();
const m = attribute<number>();
const inner = attribute<number>();

/** out[i, :] = src[indices[i], :] for rows of length rowSize (embedding lookup). */
export const indexSelect = declareKernel({ src: input, rowSize, indices, out: output });
/** out[indices[i], :] += g[i, :] (embedding backward); `out` is pre-zeroed by the caller. */
export const indexAdd = declareKernel({ g: input, rowSize, indices, out: output });

/** Gather along the middle axis: out[o, j, i] = x[o, index[o, j, i], i]. */
export const gather = declareKernel({ x: input, index: indices, outer, n, m, inner, out: output });
/** Its adjoint: out[o, index[o, j, i], i] += g[o, j, i]; `out` is pre-zeroed (or holds the values scattered into). */
export const scatterAdd = declareKernel({ g: input, index: indices, outer, n, m, inner, out: output });
