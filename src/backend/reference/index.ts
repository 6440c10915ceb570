import type { Backend, ScratchRegion } from '../backend.js';
import { type DType, type HostStorage, allocStorage } from '../../core/dtype.js';
import { adamw, sgd } from './optim.js';
import { binary, copy, unary, unaryBackward, where } from './elementwise.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import { batchNorm, batchNormBackward } from './batchNorm.js';
import { layerNorm, layerNormBackward } from './layerNorm.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';
import { col2im, im2col, maxPool2d, maxPool2dBackward } from './window.js';
import {
  attentionSoftmax, attentionSoftmaxBackward, crossEntropy, crossEntropyBackward, softmax, softmaxBackward,
} from './softmax.js';

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
  copy,
  unary,
  unaryBackward,
  binary,
  where,
  reduce,
  matmul,
  softmax,
  softmaxBackward,
  attentionSoftmax,
  attentionSoftmaxBackward,
  crossEntropy,
  crossEntropyBackward,
  layerNorm,
  layerNormBackward,
  batchNorm,
  batchNormBackward,
  indexSelect,
  indexAdd,
  gather,
  scatterAdd,
  im2col,
  col2im,
  maxPool2d,
  maxPool2dBackward,
  adamw,
  sgd,
};
