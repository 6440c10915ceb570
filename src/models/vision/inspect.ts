// What the vision lessons show of a trained model: a CNN's first-layer filters and feature maps, and where a
// vision transformer's CLS token looks.
import { noGrad } from '../../tensor/autograd.js';
import type { Tensor } from '../../tensor/tensor.js';
import { CausalSelfAttention } from '../gpt/attention.js';
import type { LeNet } from './cnn.js';
import type { VisionTransformer } from './vit.js';

/** A small grey picture: `pixels` row by row, with a caption. */
export interface Picture {
  pixels: number[];
  height: number;
  width: number;
  caption: string;
}

/** The first convolution's filters, and what each makes of `image` (1, 1, H, W) before ReLU and pooling. */
export function cnnFirstLayer(model: LeNet, image: Tensor): { filters: Picture[]; maps: Picture[] } {
  return noGrad(() => {
    const [out, , kh, kw] = model.conv1.weight.shape;
    const weights = model.conv1.weight.toFlatArray();
    const filters = Array.from({ length: out }, (_, o) => ({ pixels: weights.slice(o * kh * kw, (o + 1) * kh * kw), height: kh, width: kw, caption: `filter ${o}` }));
    const maps = model.conv1.forward(image);
    const [, , H, W] = maps.shape;
    const values = maps.toFlatArray();
    return { filters, maps: filters.map((_, o) => ({ pixels: values.slice(o * H * W, (o + 1) * H * W), height: H, width: W, caption: `map ${o}` })) };
  });
}

/**
 * How much the CLS token attends to each patch, per head, in block `layer`, for `image` (1, 1, H, W): one
 * patch-grid picture a head. Recomputed from the block's input, as the fused kernel never keeps the weights.
 */
export function clsAttention(model: VisionTransformer, image: Tensor, layer: number): Picture[] {
  const { patch, height, width, nHead, nEmbd } = model.config;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const rows = height / patch;
      const cols = width / patch;
      // The block's input: the tokens after the earlier blocks.
      let x = model.tokens(image);
      for (let i = 0; i < layer; i++) x = model.blocks[i].forward(x);
      const block = model.blocks[layer];
      if (!(block.attn instanceof CausalSelfAttention)) throw new Error('clsAttention: expected fused attention');
      const T = x.shape[1];
      const [q, k] = block.attn.c_attn.forward(block.ln_1.forward(x)).split(nEmbd, 2).map((t) => t.view(T, nHead, nEmbd / nHead).transpose(0, 1));
      const weights = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(nEmbd / nHead)).softmax(-1).tolist() as number[][][];
      return weights.map((head, h) => ({ pixels: head[0].slice(1), height: rows, width: cols, caption: `head ${h}` }));
    });
  } finally {
    model.train(wasTraining);
  }
}
