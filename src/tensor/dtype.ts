import { ZerogradError } from './errors.js';

/** Element types a tensor can hold: float32 for training, float64 for precise checks, int32 for indices. */
export type DType = 'float32' | 'float64' | 'int32';

export type Storage = Float32Array | Float64Array | Int32Array;

/** Bytes per element of each dtype. */
export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/** The most bytes one tensor may take: past it a size is a mistake (a mistyped option), not a model. */
export const MAX_TENSOR_BYTES = 2 ** 33;

/** Zeroed storage for `size` elements; a size that is not a count, or too large to hold, is an error naming it. */
export function allocStorage(dtype: DType, size: number): Storage {
  if (!Number.isSafeInteger(size) || size < 0 || size * BYTES[dtype] > MAX_TENSOR_BYTES) {
    throw new ZerogradError('alloc', `cannot allocate ${size} ${dtype} elements (${size * BYTES[dtype]} bytes; one tensor may take at most ${MAX_TENSOR_BYTES} bytes)`);
  }
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
  }
}

export function dtypeOf(storage: Storage): DType {
  if (storage instanceof Float32Array) return 'float32';
  if (storage instanceof Float64Array) return 'float64';
  return 'int32';
}

export const isFloat = (dtype: DType): boolean => dtype !== 'int32';

/** The dtype two operands are computed in, following PyTorch's promotion for these three types. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
