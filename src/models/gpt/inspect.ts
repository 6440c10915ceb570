import { noGrad } from '../../tensor/autograd.js';
import { arange, tensor } from '../../tensor/creation.js';
import { ZerogradError } from '../../core/errors.js';
import { stack } from '../../tensor/ops/join.js';
import type { Tensor } from '../../tensor/tensor.js';
import { CausalSelfAttention, futureMask } from './attention.js';
import type { GPT } from './gpt.js';

/**
 * The attention weights of every head of block `layer` on one sequence of token ids: (nHead, T, T),
 * row t holding how much position t attends to each earlier position. Recomputed from the block's
 * inputs because the fused attention kernel never materialises them.
 */
export function attentionWeights(model: GPT, ids: readonly number[], layer: number): number[][][] {
  const { h, wte, wpe } = model.transformer;
  if (layer < 0 || layer >= h.length) throw new ZerogradError('attentionWeights', `layer ${layer} is outside 0..${h.length - 1}`);
  if (ids.length === 0 || ids.length > model.config.blockSize) {
    throw new ZerogradError('attentionWeights', `expected 1..${model.config.blockSize} tokens, got ${ids.length}`);
  }
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const T = ids.length;
      let x = wte.forward(tensor(Int32Array.from(ids), { shape: [1, T] })).add(wpe.forward(arange(T)));
      for (let i = 0; i < layer; i++) x = h[i].forward(x);
      const block = h[layer];
      const normed = block.ln_1.forward(x);
      const { q, k } = queriesAndKeys(block.attn, normed, model.config.nHead);
      const scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(q.shape[2]));
      return scores.maskedFill(futureMask(T), -Infinity).softmax(-1).tolist() as number[][][];
    });
  } finally {
    model.train(wasTraining);
  }
}

/** Per-head queries and keys (nHead, T, headSize) from either attention layout. */
function queriesAndKeys(attn: GPT['transformer']['h'][number]['attn'], x: Tensor, nHead: number): { q: Tensor; k: Tensor } {
  const [, T, C] = x.shape;
  if (attn instanceof CausalSelfAttention) {
    const [q, k] = attn.c_attn.forward(x).split(C, 2).map((t) => t.view(T, nHead, C / nHead).transpose(0, 1));
    return { q, k };
  }
  return {
    q: stack(attn.heads.map((head) => head.query.forward(x).squeeze(0))),
    k: stack(attn.heads.map((head) => head.key.forward(x).squeeze(0))),
  };
}
