// nanoGPT's checkpoint layout (Karpathy's nanoGPT, model.py and train.py): state dict keys, the causal-mask
// buffers it registers on PyTorch < 2.0, its tied head, and the order its configure_optimizers gives AdamW.
import type { GPT, GPTConfig } from './gpt.js';
import { ones } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';

/** nanoGPT's GPTConfig fields, as train.py saves them under 'model_args'. */
export interface NanoGPTModelArgs {
  n_layer: number;
  n_head: number;
  n_embd: number;
  block_size: number;
  bias: boolean;
  vocab_size: number;
  dropout: number;
}

/** Why nanoGPT's model.py cannot hold a model of this config, or null when it can. */
export function nanoGPTIncompatibility(config: GPTConfig): string | null {
  if (!config.tieWeights) return "its output layer is separate from the token embedding, and nanoGPT always ties lm_head to wte (train with --tie-weights)";
  if (config.activation !== 'gelu') return `its MLP uses ${config.activation}, and nanoGPT's uses GELU`;
  if (config.attention !== 'fused') return "its attention keeps one module per head, and nanoGPT's fuses q, k and v into c_attn";
  return null;
}

export const toModelArgs = (c: GPTConfig): NanoGPTModelArgs => ({
  n_layer: c.nLayer, n_head: c.nHead, n_embd: c.nEmbd, block_size: c.blockSize, bias: c.bias, vocab_size: c.vocabSize, dropout: c.dropout,
});

export const fromModelArgs = (a: NanoGPTModelArgs): GPTConfig => ({
  vocabSize: a.vocab_size, blockSize: a.block_size, nEmbd: a.n_embd, nHead: a.n_head, nLayer: a.n_layer, dropout: a.dropout,
  bias: a.bias, tieWeights: true, activation: 'gelu', attention: 'fused',
});

/**
 * The model's state dict as nanoGPT's `GPT.state_dict()` has it on PyTorch < 2.0 (without flash attention):
 * with each block's causal mask buffer `transformer.h.N.attn.bias`, (1, 1, T, T) lower-triangular ones, so
 * `load_state_dict(strict=True)` accepts it there; PyTorch >= 2.0 takes it with those keys removed.
 */
export function toNanoGPTStateDict(model: GPT): Map<string, Tensor> {
  const reason = nanoGPTIncompatibility(model.config);
  if (reason) throw new Error(`nanoGPT cannot represent this model: ${reason}`);
  const T = model.config.blockSize;
  const mask = ones([T, T]).tril().view(1, 1, T, T);
  const state = model.stateDict();
  for (let i = 0; i < model.config.nLayer; i++) state.set(`transformer.h.${i}.attn.bias`, mask);
  return state;
}

/** A nanoGPT state dict for zerograd's GPT: torch.compile's `_orig_mod.` prefix and the mask buffers removed. */
export function fromNanoGPTStateDict(state: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [rawName, tensor] of state) {
    const name = rawName.replace(/^_orig_mod\./, '');
    if (/^transformer\.h\.\d+\.attn\.bias$/.test(name) && tensor.ndim === 4) continue;
    out.set(name, tensor);
  }
  return out;
}

/**
 * The parameter names in the order nanoGPT's configure_optimizers hands them to AdamW: PyTorch's
 * named_parameters (the tied lm_head.weight counted once, as transformer.wte.weight), matrices and
 * embeddings first (weight-decayed), then vectors (not decayed). Optimizer state is indexed in this order.
 */
export function nanoGPTParameterOrder(model: GPT): { names: string[]; decayed: number } {
  const named = model.namedParameters().filter(([name]) => name !== 'lm_head.weight');
  const decay = named.filter(([, p]) => p.ndim >= 2).map(([n]) => n);
  const rest = named.filter(([, p]) => p.ndim < 2).map(([n]) => n);
  return { names: [...decay, ...rest], decayed: decay.length };
}
