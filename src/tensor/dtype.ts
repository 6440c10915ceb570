/** Element types a tensor can hold: float32 for training, float64 for precise checks, int32 for indices. */
export type DType = 'float32' | 'float64' | 'int32';

export type Storage = Float32Array | Float64Array | Int32Array;

export function allocStorage(dtype: DType, size: number): Storage {
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
