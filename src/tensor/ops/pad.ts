// torch.nn.functional.pad: a border around the last dims, filled with a constant, or by reflecting or repeating the
// edge. `pads` lists (before, after) pairs from the last dim backwards, as PyTorch's does.
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { tensor } from '../creation.js';
import { hostStorage, isDevice } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { contiguousStrides } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { where } from './elementwise.js';

export type PadMode = 'constant' | 'reflect' | 'replicate';

/** The source index along a dim of `size` for padded position p (−1: the constant fill). */
function source(p: number, size: number, mode: PadMode): number {
  if (p >= 0 && p < size) return p;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return p < 0 ? 0 : size - 1;
  return p < 0 ? -p : 2 * (size - 1) - p;
}

export const pad = defineOp('pad', true, (x: Tensor, pads: readonly number[], mode: PadMode = 'constant', value = 0): Tensor => {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) throw new ZerogradError('pad', `pads must be (before, after) pairs for at most ${x.ndim} dims, got [${pads.join(', ')}]`);
  const before = x.shape.map(() => 0);
  const after = x.shape.map(() => 0);
  for (let k = 0; k < pads.length / 2; k++) [before[x.ndim - 1 - k], after[x.ndim - 1 - k]] = [pads[2 * k], pads[2 * k + 1]];
  x.shape.forEach((size, d) => {
    if (before[d] < 0 || after[d] < 0) throw new ZerogradError('pad', 'negative padding (cropping) is not supported; slice instead');
    if ((before[d] || after[d]) && mode !== 'constant' && size === 0) throw new ZerogradError('pad', `cannot ${mode}-pad an empty dim of ${fmtShape(x.shape)}`);
    if (mode === 'reflect' && Math.max(before[d], after[d]) > size - 1) throw new ZerogradError('pad', `reflect padding of ${Math.max(before[d], after[d])} needs dim ${d} of ${fmtShape(x.shape)} to be longer than that`);
  });
  const shape = x.shape.map((s, d) => s + before[d] + after[d]);
  const inStrides = contiguousStrides(x.shape);
  const size = shape.reduce((a, b) => a * b, 1);
  // For every output element, the input element it copies (−1: the fill value).
  const from = new Int32Array(size);
  const position = new Array(shape.length).fill(0);
  for (let o = 0; o < size; o++) {
    let at = 0;
    for (let d = 0; d < shape.length && at >= 0; d++) {
      const s = source(position[d] - before[d], x.shape[d], mode);
      at = s < 0 ? -1 : at + s * inStrides[d];
    }
    from[o] = at;
    for (let d = shape.length - 1; d >= 0 && ++position[d] === shape[d]; d--) position[d] = 0;
  }
  // In device memory the copy is a gather by `from` (the shapes alone made it) and the fill a select; the gather's
  // backward adds each output's gradient back to its source, as the loop below does.
  if (isDevice(x.data)) {
    const gathered = x.reshape(-1).index(tensor(from.map((f) => Math.max(f, 0)), { shape }));
    return mode === 'constant' ? where(tensor(from.map((f) => +(f >= 0)), { shape }), gathered, value) : gathered;
  }
  const data = x.hostData();
  const out = hostStorage(backend().alloc(x.dtype, size));
  for (let o = 0; o < size; o++) out[o] = from[o] < 0 ? value : data[from[o]];
  return record(Tensor.fromStorage(out, shape), 'pad', [x], (g) => {
    const grad = g.hostData();
    const dx = hostStorage(backend().alloc(g.dtype, x.size));
    for (let o = 0; o < size; o++) if (from[o] >= 0) dx[from[o]] += grad[o];
    return [Tensor.fromStorage(dx, x.shape)];
  });
});
