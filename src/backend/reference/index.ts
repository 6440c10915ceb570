import type { Backend, ScratchRegion } from '../backend.js';
import { type DType, type HostStorage, allocStorage } from '../../core/dtype.js';
import * as batchNorm from './batchNorm.js';
import * as crossEntropy from './crossEntropy.js';
import * as elementwise from './elementwise.js';
import * as indexing from './indexing.js';
import * as layerNorm from './layerNorm.js';
import * as matmul from './matmul.js';
import * as optim from './optim.js';
import * as reduce from './reduce.js';
import * as softmax from './softmax.js';
import * as window from './window.js';

/** A region that holds nothing: for backends whose arrays the garbage collector frees. */
export const noScratch: ScratchRegion<HostStorage> = { holds: () => false, close: () => {}, mark: () => 0, recycle: () => false };

/**
 * The reference backend's regions reuse nothing (the garbage collector frees its arrays), but they hold what
 * they allocate as the WebAssembly arena does (float32 and int32 tensor storage), so a tensor that escapes
 * arenaStep fails on every backend alike, not only on the one with its own memory.
 */
const open: Set<HostStorage>[] = [];

function scratch(): ScratchRegion<HostStorage> {
  const made = new Set<HostStorage>();
  open.push(made);
  return {
    holds: (storage) => made.has(storage),
    mark: () => 0,
    recycle: () => false,
    close: () => {
      if (open.at(-1) !== made) throw new Error('scratch regions must close innermost first');
      open.pop();
    },
  };
}

/** Storage for a tensor; inside a scratch region, float32 and int32 storage belongs to it. */
function alloc(dtype: DType, size: number): HostStorage {
  const storage = allocStorage(dtype, size);
  if (dtype !== 'float64') open.at(-1)?.add(storage);
  return storage;
}

/** The plain TypeScript backend: every kernel written to be read, the yardstick other backends are tested against. */
export const referenceBackend: Backend<HostStorage> = {
  name: 'reference',
  alloc,
  empty: alloc,
  scratch,
  ...elementwise, ...reduce, ...matmul, ...softmax, ...crossEntropy, ...layerNorm, ...batchNorm, ...indexing, ...window, ...optim,
};
