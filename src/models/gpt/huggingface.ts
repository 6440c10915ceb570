import type { GPTConfig } from './gpt.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Hugging Face's GPT-2 uses Conv1D layers, which store these weights as (in, out): the transpose of nn.Linear. */
const CONV1D_WEIGHTS = ['attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight'];

/**
 * Renames and re-lays-out a Hugging Face GPT-2 state dict (as in its model.safetensors) to nanoGPT's,
 * as nanoGPT's from_pretrained does: `transformer.` prefix added, Conv1D weights transposed, attention
 * mask buffers dropped, and the output layer tied to the token embedding.
 */
export function fromHuggingFaceGPT2(tensors: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [rawName, t] of tensors) {
    const name = rawName.replace(/^transformer\./, '');
    if (/\.attn\.(masked_)?bias$/.test(name) || name === 'lm_head.weight') continue;
    const transposed = CONV1D_WEIGHTS.some((w) => name.endsWith(w));
    out.set(`transformer.${name}`, transposed ? t.T.contiguous() : t);
  }
  const wte = out.get('transformer.wte.weight');
  if (!wte) throw new Error('fromHuggingFaceGPT2: no wte.weight tensor; is this a GPT-2 checkpoint?');
  out.set('lm_head.weight', wte);
  return out;
}

/** The GPT config a GPT-2 state dict implies (head size 64 in every GPT-2 size; weights tied; biases). */
export function gpt2Config(state: ReadonlyMap<string, Tensor>): GPTConfig {
  const wte = state.get('transformer.wte.weight');
  const wpe = state.get('transformer.wpe.weight');
  if (!wte || !wpe) throw new Error('gpt2Config: expected transformer.wte.weight and transformer.wpe.weight');
  const layers = new Set([...state.keys()].map((k) => /^transformer\.h\.(\d+)\./.exec(k)?.[1]).filter(Boolean));
  const nEmbd = wte.shape[1];
  return {
    vocabSize: wte.shape[0], blockSize: wpe.shape[0], nEmbd, nHead: nEmbd / 64, nLayer: layers.size,
    dropout: 0, bias: true, tieWeights: true, activation: 'gelu', attention: 'fused',
  };
}
