import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { cat } from '../../tensor/ops/join.js';
import { attentionSoftmax } from '../../tensor/ops/softmax.js';
import { triangleMask } from '../../tensor/ops/indexing.js';
import { ZerogradError } from '../../core/errors.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LayerKV } from './kvCache.js';

/** Masks of shape (T, T), 1 above the diagonal: the future positions a token may not attend to. */
const futureMasks = new Map<number, Tensor>();
export function futureMask(T: number): Tensor {
  let mask = futureMasks.get(T);
  if (!mask) futureMasks.set(T, (mask = triangleMask(T, T, 1, false)));
  return mask;
}

export interface AttentionMasking {
  /** Hide future positions (decoder); off for a bidirectional encoder. */
  causal?: boolean;
  /** Extra positions to hide, broadcastable to (..., T, T): 1 where attention is not allowed (padding). */
  mask?: Tensor;
  dropout?: Dropout;
}

/**
 * softmax(q k^T / sqrt(head size)) v, with masked positions set to -inf before the softmax: the heart
 * of attention. Works on (..., T, hs) for any leading dims (one head, or all heads batched).
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, { causal = true, mask, dropout }: AttentionMasking = {}): Tensor {
  const T = q.shape[q.ndim - 2];
  const scale = 1 / Math.sqrt(k.shape[k.ndim - 1]);
  const scores = q.matmul(k.transpose(-2, -1));
  let wei: Tensor;
  if (mask) {
    // A padding mask varies per sequence, so this path masks explicitly before the softmax.
    wei = scores.mul(scale);
    if (causal) wei = wei.maskedFill(futureMask(T), -Infinity);
    wei = wei.maskedFill(mask, -Infinity).softmax(-1);
  } else {
    wei = attentionSoftmax(scores, scale, causal);
  }
  if (dropout) wei = dropout.forward(wei);
  return wei.matmul(v);
}

/** One head of causal self-attention, as built in the lecture: key, query, value projections without bias. */
export class Head extends Module {
  readonly key: Linear;
  readonly query: Linear;
  readonly value: Linear;
  readonly dropout: Dropout;

  constructor(nEmbd: number, readonly headSize: number, { dropout = 0, generator }: { dropout?: number; generator?: Generator } = {}) {
    super();
    this.key = new Linear(nEmbd, headSize, { bias: false, generator });
    this.query = new Linear(nEmbd, headSize, { bias: false, generator });
    this.value = new Linear(nEmbd, headSize, { bias: false, generator });
    this.dropout = new Dropout(dropout, generator);
  }

  forward(x: Tensor): Tensor {
    return scaledDotProductAttention(this.query.forward(x), this.key.forward(x), this.value.forward(x), { dropout: this.dropout });
  }
}

/** Several heads in parallel, concatenated and projected back: the lecture's MultiHeadAttention. */
export class MultiHeadAttention extends Module {
  readonly heads: Head[];
  readonly proj: Linear;
  readonly dropout: Dropout;

  constructor(nEmbd: number, numHeads: number, { dropout = 0, generator }: { dropout?: number; generator?: Generator } = {}) {
    super();
    checkHeads(nEmbd, numHeads);
    this.heads = Array.from({ length: numHeads }, () => new Head(nEmbd, nEmbd / numHeads, { dropout, generator }));
    this.proj = new Linear(nEmbd, nEmbd, { generator });
    this.dropout = new Dropout(dropout, generator);
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.proj.forward(cat(this.heads.map((h) => h.forward(x)), -1)));
  }
}

export function checkHeads(nEmbd: number, numHeads: number): void {
  if (!Number.isInteger(numHeads) || numHeads < 1 || nEmbd % numHeads !== 0) {
    throw new ZerogradError('attention', `embedding size ${nEmbd} must be divisible by the number of heads ${numHeads}`);
  }
}

export interface AttentionOptions {
  dropout?: number;
  bias?: boolean;
  generator?: Generator;
  /** Standard deviation of the projection weights (nanoGPT: 0.02, and 0.02/sqrt(2 n_layer) for c_proj). */
  std?: number;
  projStd?: number;
  causal?: boolean;
}

/**
 * All heads at once, as nanoGPT computes them: one projection to q, k, v for every head (c_attn),
 * heads as a batch dim, one output projection (c_proj). Equal to MultiHeadAttention with the
 * per-head weights stacked, and named like nanoGPT so checkpoints load in PyTorch.
 */
export class CausalSelfAttention extends Module {
  readonly c_attn: Linear;
  readonly c_proj: Linear;
  readonly attn_dropout: Dropout;
  readonly resid_dropout: Dropout;
  readonly causal: boolean;

  constructor(readonly nEmbd: number, readonly numHeads: number, options: AttentionOptions = {}) {
    super();
    checkHeads(nEmbd, numHeads);
    const { dropout = 0, bias = true, generator, std, projStd = std, causal = true } = options;
    this.c_attn = new Linear(nEmbd, 3 * nEmbd, { bias, generator, std });
    this.c_proj = new Linear(nEmbd, nEmbd, { bias, generator, std: projStd });
    this.attn_dropout = new Dropout(dropout, generator);
    this.resid_dropout = new Dropout(dropout, generator);
    this.causal = causal;
  }

  /**
   * x (B, T, C) -> (B, T, C). With a `cache`, x holds only positions after the cached ones: their keys and values
   * join the cache, and they attend to everything in it (a first pass is causal as usual; later ones add one
   * position, which may read all that came before).
   */
  forward(x: Tensor, keyPaddingMask?: Tensor, cache?: LayerKV): Tensor {
    const [B, T, C] = x.shape;
    const hs = C / this.numHeads;
    // (B, T, 3C) -> three (B, nh, T, hs) views of the same buffer: no copies until the matmuls.
    let [q, k, v] = this.c_attn.forward(x).split(C, 2).map((t) => t.view(B, T, this.numHeads, hs).transpose(1, 2));
    let causal = this.causal;
    if (cache) {
      if (cache.k && cache.v) {
        if (T !== 1) throw new ZerogradError('CausalSelfAttention', `a cached pass adds one position at a time, got ${T}`);
        [k, v] = [cat([cache.k, k], 2), cat([cache.v, v], 2)];
        causal = false;
      }
      [cache.k, cache.v] = [k, v];
    }
    // keyPaddingMask (B, T): 1 at padding positions, which no query may attend to.
    const y = scaledDotProductAttention(q, k, v, { causal, mask: keyPaddingMask?.view(B, 1, 1, T), dropout: this.attn_dropout });
    return this.resid_dropout.forward(this.c_proj.forward(y.transpose(1, 2).reshape(B, T, C)));
  }
}
