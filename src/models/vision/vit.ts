import { Conv2d } from '../../nn/conv.js';
import { LayerNorm } from '../../nn/layernorm.js';
import { Linear } from '../../nn/linear.js';
import { Module, parameter } from '../../nn/module.js';
import { randn } from '../../tensor/creation.js';
import { ZerogradError } from '../../core/errors.js';
import { cat } from '../../tensor/ops/join.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Block } from '../gpt/block.js';

export interface ViTConfig {
  height: number;
  width: number;
  /** Patches are patch x patch pixels; the image's sides must be multiples of it. */
  patch: number;
  nEmbd: number;
  nHead: number;
  nLayer: number;
  dropout: number;
  classes: number;
}

/**
 * A vision transformer (Dosovitskiy et al., 2020): the image cut into patches, each patch embedded like a token by
 * a strided convolution, a learned CLS token in front, learned positions added, bidirectional encoder blocks, and
 * a head reading the CLS output.
 */
export class VisionTransformer extends Module {
  readonly patch_embed: Conv2d;
  readonly cls_token: Tensor;
  readonly pos_embed: Tensor;
  readonly blocks: Block[];
  readonly ln_f: LayerNorm;
  readonly head: Linear;

  constructor(readonly config: ViTConfig, generator?: Generator) {
    super();
    const { height, width, patch, nEmbd, nHead, nLayer, dropout, classes } = config;
    if (height % patch !== 0 || width % patch !== 0) {
      throw new ZerogradError('VisionTransformer', `${patch}x${patch} patches do not tile ${height}x${width} images`);
    }
    const patches = (height / patch) * (width / patch);
    this.patch_embed = new Conv2d(1, nEmbd, patch, { stride: patch, generator });
    this.cls_token = parameter(randn([1, 1, nEmbd], { generator }).mul(0.02).detach());
    this.pos_embed = parameter(randn([1, patches + 1, nEmbd], { generator }).mul(0.02).detach());
    this.blocks = Array.from({ length: nLayer }, () => new Block(nEmbd, nHead, { causal: false, dropout, std: 0.02, generator }));
    this.ln_f = new LayerNorm(nEmbd);
    this.head = new Linear(nEmbd, classes, { generator });
  }

  /** (B, 1, H, W) -> (B, patches + 1, nEmbd): the CLS token, then each patch embedded, positions added. */
  tokens(images: Tensor): Tensor {
    const B = images.shape[0];
    const patches = this.patch_embed.forward(images).flatten(2).transpose(1, 2); // (B, patches, C)
    return cat([this.cls_token.expand(B, 1, this.config.nEmbd), patches], 1).add(this.pos_embed);
  }

  /** (B, 1, H, W) -> (B, patches + 1, nEmbd): the CLS vector and each patch's after the encoder. */
  encode(images: Tensor): Tensor {
    let x = this.tokens(images);
    for (const block of this.blocks) x = block.forward(x);
    return this.ln_f.forward(x);
  }

  /** (B, 1, H, W) -> (B, classes) logits from the CLS position. */
  forward(images: Tensor): Tensor {
    return this.head.forward(this.encode(images).slice(1, 0, 1).squeeze(1));
  }
}
