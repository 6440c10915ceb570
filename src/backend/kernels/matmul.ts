// The batched matrix product.
import { attribute, declareKernel, input, output } from '../kernel.js';

/** Shape of a batched matrix product: `batch` independent (M x K) @ (K x N) products. */
export interface MatmulSpec {
  readonly batch: number;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** Element offset of each batch's A and B matrix inside their arrays. */
  readonly aOffsets: ArrayLike<number>;
  readonly bOffsets: ArrayLike<number>;
  /** A is stored as its transpose (K x M, row-major); the backward pass uses this to avoid copies. */
  readonly transA: boolean;
  readonly transB: boolean;
  /**
   * Row strides of A and B as stored (BLAS's leading dimensions): K (or M if transA) when dense, larger
   * for a matrix cut out of a wider one, like one head's columns of a fused qkv projection.
   */
  readonly lda: number;
  readonly ldb: number;
}

/** Batched matrix product into dense `out` of shape (batch, M, N). */
export const matmul = declareKernel({ spec: attribute<MatmulSpec>(), a: input, b: input, out: output });
