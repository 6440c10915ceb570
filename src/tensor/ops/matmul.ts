import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { isFloat, isHalf, promote } from '../../core/dtype.js';
import { ZerogradError, fmtShape } from '../../core/errors.js';
import { defineOp } from '../registry.js';
import { broadcastShapes, broadcastStrides, numel } from '../../core/shape.js';
import { Tensor } from '../tensor.js';
import { contiguous, squeeze, transpose, unsqueeze } from './view.js';

/**
 * How the kernel should read the trailing (rows, cols) matrix of x: rows stored with unit column
 * stride ('normal'), columns stored with unit row stride ('transposed': what `transpose(-2, -1)`
 * produces, exactly what backward needs), or neither ('copy', made dense first). Either stored form
 * may have any leading dimension, so slices of wider matrices are read in place.
 */
function matrixLayout(x: Tensor): { layout: 'normal' | 'transposed' | 'copy'; leading: number } {
  const [rows, cols] = x.shape.slice(-2);
  const [rowStride, colStride] = x.strides.slice(-2);
  // Rows must not overlap (a broadcast operand has row stride 0), so the leading dim is at least the row length.
  if ((cols === 1 || colStride === 1) && (rows === 1 || rowStride >= cols)) return { layout: 'normal', leading: rows === 1 ? cols : rowStride };
  if ((rows === 1 || rowStride === 1) && (cols === 1 || colStride >= rows)) return { layout: 'transposed', leading: cols === 1 ? rows : colStride };
  return { layout: 'copy', leading: 0 };
}

/** Element offset of each matrix of x when its batch dims are broadcast to `batchShape`. */
function batchOffsets(x: Tensor, batchShape: readonly number[]): Int32Array {
  const strides = broadcastStrides(x.shape.slice(0, -2), x.strides.slice(0, -2), batchShape);
  const count = numel(batchShape);
  const offsets = new Int32Array(count);
  for (let p = 0; p < count; p++) {
    let rest = p;
    let offset = x.offset;
    for (let axis = batchShape.length - 1; axis >= 0; axis--) {
      offset += (rest % batchShape[axis]) * strides[axis];
      rest = Math.floor(rest / batchShape[axis]);
    }
    offsets[p] = offset;
  }
  return offsets;
}

function batchedMatmul(aIn: Tensor, bIn: Tensor): Tensor {
  const [M, K] = aIn.shape.slice(-2);
  const [K2, N] = bIn.shape.slice(-2);
  if (K !== K2) {
    throw new ZerogradError('matmul', `shapes ${fmtShape(aIn.shape)} and ${fmtShape(bIn.shape)} cannot be multiplied (${M}x${K} and ${K2}x${N}): a.shape[-1]=${K} must equal b.shape[-2]=${K2}`);
  }
  const dtype = promote(aIn.dtype, bIn.dtype);
  // A 16-bit product accumulates in float32 and rounds once at the end, as PyTorch's bfloat16 matmul does.
  if (isHalf(dtype)) return batchedMatmul(aIn.float(), bIn.float()).to(dtype);
  const prepare = (x: Tensor) => {
    const cast = x.dtype === dtype ? x : x.to(dtype);
    return matrixLayout(cast).layout === 'copy' ? contiguous(cast) : cast;
  };
  const a = prepare(aIn);
  const b = prepare(bIn);
  const batchShape = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = numel(batchShape);
  // With K = 0 no product writes C, which must then be zeros.
  const out = K === 0 ? backend().alloc(dtype, batch * M * N) : backend().empty(dtype, batch * M * N);
  const aLayout = matrixLayout(a);
  const bLayout = matrixLayout(b);
  const spec = {
    batch, M, N, K,
    aOffsets: batchOffsets(a, batchShape),
    bOffsets: batchOffsets(b, batchShape),
    transA: aLayout.layout === 'transposed',
    transB: bLayout.layout === 'transposed',
    lda: aLayout.leading,
    ldb: bLayout.leading,
  };
  backend().matmul({ spec, a: a.data, b: b.data, out });
  const result = Tensor.fromStorage(out, [...batchShape, M, N]);
  return record(result, 'matmul', [aIn, bIn], (g) => [
    aIn.requiresGrad ? batchedMatmul(g, transpose(b, -2, -1)) : null,
    bIn.requiresGrad ? rightGradient(a, bIn, g) : null,
  ]);
}

/**
 * d(a @ b)/db = a^T @ g. When b is a transposed matrix (Linear's weight.T), its gradient is made as (g^T @ a)^T
 * instead: the same product, with the result laid out as the weight is stored, so the gradient the weight
 * keeps is a dense copy rather than a gather of a transposed view.
 */
function rightGradient(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (a.ndim === 2 && b.ndim === 2 && matrixLayout(b).layout === 'transposed') return transpose(batchedMatmul(transpose(g, 0, 1), a), 0, 1);
  return batchedMatmul(transpose(a, -2, -1), g);
}

/** Matrix product with PyTorch's rules: 1-D operands are promoted to matrices, batch dims broadcast. */
export const matmul = defineOp('matmul', true, (a: Tensor, b: Tensor): Tensor => {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ZerogradError('matmul', `both arguments need at least 1 dim, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  if (!isFloat(a.dtype) || !isFloat(b.dtype)) {
    throw new ZerogradError('matmul', `expected floating-point tensors, got ${a.dtype} and ${b.dtype}`);
  }
  const left = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const right = b.ndim === 1 ? unsqueeze(b, -1) : b;
  let out = batchedMatmul(left, right);
  if (b.ndim === 1) out = squeeze(out, -1);
  if (a.ndim === 1) out = squeeze(out, a.ndim === 1 && b.ndim === 1 ? -1 : -2);
  return out;
});
