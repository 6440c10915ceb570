import { GELU, ReLU } from '../../nn/activations.js';
import { Dropout } from '../../nn/dropout.js';
import { LayerNorm } from '../../nn/layernorm.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { LayerKV } from './kvCache.js';
import { CausalSelfAttention, MultiHeadAttention } from './attention.js';

export interface BlockOptions {
  dropout?: number;
  bias?: boolean;
  activation?: 'gelu' | 'relu';
  /** 'fused' is nanoGPT's CausalSelfAttention; 'heads' the lecture's list of Head modules. */
  attention?: 'fused' | 'heads';
  /** Bidirectional attention (encoders) instead of causal. */
  causal?: boolean;
  /** Post-norm (the original Transformer, BERT) instead of pre-norm (GPT-2). */
  postNorm?: boolean;
  std?: number;
  projStd?: number;
  generator?: Generator;
}

/** The position-wise MLP: expand 4x, nonlinearity, project back (nanoGPT's names c_fc / c_proj). */
export class FeedForward extends Module {
  readonly c_fc: Linear;
  readonly act: Module & { forward(x: Tensor): Tensor };
  readonly c_proj: Linear;
  readonly dropout: Dropout;

  constructor(nEmbd: number, { dropout = 0, bias = true, activation = 'gelu', std, projStd = std, generator }: BlockOptions = {}) {
    super();
    this.c_fc = new Linear(nEmbd, 4 * nEmbd, { bias, std, generator });
    this.act = activation === 'gelu' ? new GELU() : new ReLU();
    this.c_proj = new Linear(4 * nEmbd, nEmbd, { bias, std: projStd, generator });
    this.dropout = new Dropout(dropout, generator);
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(this.act.forward(this.c_fc.forward(x))));
  }
}

/** Communication (attention) then computation (MLP), each in a residual branch with a LayerNorm. */
export class Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: CausalSelfAttention | MultiHeadAttention;
  readonly ln_2: LayerNorm;
  readonly mlp: FeedForward;
  private readonly postNorm: boolean;

  constructor(nEmbd: number, numHeads: number, options: BlockOptions = {}) {
    super();
    const { bias = true, attention = 'fused', postNorm = false } = options;
    this.ln_1 = new LayerNorm(nEmbd, { bias });
    this.attn = attention === 'fused' ? new CausalSelfAttention(nEmbd, numHeads, options) : new MultiHeadAttention(nEmbd, numHeads, options);
    this.ln_2 = new LayerNorm(nEmbd, { bias });
    this.mlp = new FeedForward(nEmbd, options);
    this.postNorm = postNorm;
  }

  /** x (B, T, C) -> (B, T, C); `cache` holds this block's keys and values of earlier positions (generation). */
  forward(x: Tensor, keyPaddingMask?: Tensor, cache?: LayerKV): Tensor {
    if (cache && !(this.attn instanceof CausalSelfAttention)) throw new Error('Block: a KV cache needs the fused attention');
    const attend = (h: Tensor) => (this.attn instanceof CausalSelfAttention ? this.attn.forward(h, keyPaddingMask, cache) : this.attn.forward(h));
    if (this.postNorm) {
      const h = this.ln_1.forward(x.add(attend(x)));
      return this.ln_2.forward(h.add(this.mlp.forward(h)));
    }
    const h = x.add(attend(this.ln_1.forward(x)));
    return h.add(this.mlp.forward(this.ln_2.forward(h)));
  }
}
