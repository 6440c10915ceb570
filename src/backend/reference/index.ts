import type { Backend, ScratchRegion } from '../backend.js';
import { allocStorage } from '../../tensor/dtype.js';
import { adamw, sgd } from './optim.js';
import { binary, copy, unary, unaryBackward, where } from './elementwise.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import { layerNorm, layerNormBackward } from './layerNorm.js';
import { matmul } from './matmul.js';
import { reduce } from './reduce.js';
import {
  attentionSoftmax, attentionSoftmaxBackward, crossEntropy, crossEntropyBackward, softmax, softmaxBackward,
} from './softmax.js';

/** JavaScript arrays are collected by the garbage collector, so a scratch region has nothing to do. */
export const noScratch: ScratchRegion = { holds: () => false, close: () => {}, mark: () => 0, recycle: () => false };

/** The plain TypeScript backend: every kernel written to be read, the yardstick other backends are tested against. */
export const referenceBackend: Backend = {
  name: 'reference',
  alloc: allocStorage,
  empty: allocStorage,
  scratch: () => noScratch,
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
  indexSelect,
  indexAdd,
  gather,
  scatterAdd,
  adamw,
  sgd,
};
