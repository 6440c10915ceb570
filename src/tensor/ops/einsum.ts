// torch.einsum for products the course writes with it ('bij,bjk->bik', 'bhqd,bhkd->bhqk', 'ij->ji', 'i,j->ij'):
// each operand is laid out on one shared list of letters, the operands are multiplied with broadcasting, and the
// letters missing from the output are summed away. Gradients come from those ops.
import { ZerogradError } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import type { Tensor } from '../tensor.js';

export const einsum = defineOp('einsum', true, (equation: string, ...operands: Tensor[]): Tensor => {
  const spec = equation.replace(/\s+/g, '');
  const [lhs, given] = spec.split('->');
  const inputs = lhs.split(',');
  if (inputs.length !== operands.length) throw new ZerogradError('einsum', `'${equation}' names ${inputs.length} operands, got ${operands.length}`);
  if (!/^[a-zA-Z,]+(->[a-zA-Z]*)?$/.test(spec)) throw new ZerogradError('einsum', `'${equation}': only letters, commas and one -> are supported (no ellipsis)`);
  inputs.forEach((letters, k) => {
    if (letters.length !== operands[k].ndim) throw new ZerogradError('einsum', `operand ${k} has ${operands[k].ndim} dims but '${letters}' names ${letters.length}`);
    if (new Set(letters).size !== letters.length) throw new ZerogradError('einsum', `'${letters}' repeats a letter (diagonals and traces are not supported)`);
  });
  // Without '->', the output is every letter used once, in alphabetical order, as in PyTorch.
  const counts = new Map<string, number>();
  for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output = given ?? [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  for (const c of output) if (!counts.has(c)) throw new ZerogradError('einsum', `output letter '${c}' is in no operand`);
  const letters = [...output, ...[...counts.keys()].filter((c) => !output.includes(c))];
  const sizes = new Map<string, number>();
  inputs.forEach((ls, k) => [...ls].forEach((c, d) => {
    const size = operands[k].shape[d];
    const known = sizes.get(c);
    if (known !== undefined && known !== size && known !== 1 && size !== 1) throw new ZerogradError('einsum', `letter '${c}' is ${known} in one operand and ${size} in another`);
    sizes.set(c, Math.max(known ?? 1, size));
  }));
  // Each operand: its dims permuted into `letters` order, with size-1 dims for the letters it lacks.
  const aligned = operands.map((t, k) => {
    const own = [...inputs[k]];
    const order = letters.filter((c) => own.includes(c)).map((c) => own.indexOf(c));
    return t.permute(...order).reshape(...letters.map((c) => (own.includes(c) ? t.shape[own.indexOf(c)] : 1)));
  });
  const product = aligned.reduce((a, b) => a.mul(b));
  const summed = letters.slice(output.length).map((_, i) => output.length + i);
  return summed.length ? product.sum(summed) : product;
});
