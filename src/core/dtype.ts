import { ZerogradError } from './errors.js';
import { BFloat16Storage, HalfStorage } from './halfFloat.js';

/**
 * Element types a tensor can hold: float32 for training, float64 for precise checks, int32 for indices, and
 * float16 / bfloat16 for storing weights at half the size (elementwise ops compute them in float32).
 */
export type DType = 'float32' | 'float64' | 'int32' | 'float16' | 'bfloat16';

/** Elements in this process's memory, which JavaScript reads and writes directly. */
export type HostStorage = Float32Array | Float64Array | Int32Array | HalfStorage | BFloat16Storage;

/**
 * Elements in an accelerator's memory (a WebGPU buffer): the backend that made it computes on it, and its values
 * reach JavaScript only through the backend's asynchronous read.
 */
export interface DeviceStorage {
  readonly device: true;
  readonly dtype: DType;
  readonly length: number;
  /** The values, once the work queued on the device before this call has run. */
  read(): Promise<HostStorage>;
  /**
   * A copy of the values on the host, while the device has not changed them: a small tensor made from host values
   * (indices, a mask, a constant) keeps one, so ops that must read such values (bounds checks, masked_select) can.
   */
  readonly known?: HostStorage | null;
}

export type Storage = HostStorage | DeviceStorage;

export function isDevice(storage: Storage): storage is DeviceStorage {
  return (storage as DeviceStorage).device === true;
}

/** `storage` as an array JavaScript can read; device storage is an error that says how to read it. */
export function hostStorage(storage: Storage): HostStorage {
  if (isDevice(storage)) {
    throw new ZerogradError('tensor', `its ${storage.length} values are in GPU memory; read them with await t.toArrayAsync() or await t.itemAsync()`);
  }
  return storage;
}

/** `storage`'s values to read: host storage itself, or a device tensor's known host copy (else the same error). */
export function readableStorage(storage: Storage): HostStorage {
  return isDevice(storage) && storage.known ? storage.known : hostStorage(storage);
}

/** Bytes per element of each dtype. */
export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, float16: 2, bfloat16: 2 };

/** The most bytes one tensor may take: past it a size is a mistake (a mistyped option), not a model. */
export const MAX_TENSOR_BYTES = 2 ** 33;

/** Zeroed storage for `size` elements; a size that is not a count, or too large to hold, is an error naming it. */
export function allocStorage(dtype: DType, size: number): HostStorage {
  if (!Number.isSafeInteger(size) || size < 0 || size * BYTES[dtype] > MAX_TENSOR_BYTES) {
    throw new ZerogradError('alloc', `cannot allocate ${size} ${dtype} elements (${size * BYTES[dtype]} bytes; one tensor may take at most ${MAX_TENSOR_BYTES} bytes)`);
  }
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'float16': return new HalfStorage(size);
    case 'bfloat16': return new BFloat16Storage(size);
  }
}

export function dtypeOf(storage: Storage): DType {
  if (isDevice(storage)) return storage.dtype;
  if (storage instanceof Float32Array) return 'float32';
  if (storage instanceof Float64Array) return 'float64';
  if (storage instanceof HalfStorage) return 'float16';
  if (storage instanceof BFloat16Storage) return 'bfloat16';
  return 'int32';
}

export const isFloat = (dtype: DType): boolean => dtype !== 'int32';

/** True for the 16-bit float dtypes, whose storage holds bit patterns rather than numbers. */
export const isHalf = (dtype: DType): boolean => dtype === 'float16' || dtype === 'bfloat16';

/** The dtype a kernel computes `dtype` in: the 16-bit floats widen to float32, as PyTorch's CPU kernels do. */
export const computeDtype = (dtype: DType): DType => (isHalf(dtype) ? 'float32' : dtype);

/** The dtype of an op on two operands, following PyTorch's promotion (float16 with bfloat16 gives float32). */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'int32') return b;
  if (b === 'int32') return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
