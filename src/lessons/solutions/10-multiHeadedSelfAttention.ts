// Problem 10, multi-headed self-attention: numHeads causal heads of attentionDim / numHeads each, side by side.
import { Linear, Module, ModuleList, type Tensor, cat, manualSeed, ones } from '../practice/library.js';

export class MultiHeadedSelfAttention extends Module {
  readonly attHeads: ModuleList<SingleHeadAttention>;

  constructor(embeddingDim: number, attentionDim: number, numHeads: number) {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.attHeads = new ModuleList(Array.from({ length: numHeads }, () => new SingleHeadAttention(embeddingDim, attentionDim / numHeads)));
  }

  /** embedded (B, T, embeddingDim) → (B, T, attentionDim): the heads' outputs concatenated, rounded to 4 decimals. */
  forward(embedded: Tensor): Tensor {
    return cat([...this.attHeads].map((head) => head.forward(embedded)), 2).round(4);
  }
}

/** Problem 9's head, without the rounding: (B, T, embeddingDim) → (B, T, attentionDim). */
class SingleHeadAttention extends Module {
  readonly keyGen: Linear;
  readonly queryGen: Linear;
  readonly valueGen: Linear;

  constructor(embeddingDim: number, attentionDim: number) {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.keyGen = new Linear(embeddingDim, attentionDim, { bias: false });
    this.queryGen = new Linear(embeddingDim, attentionDim, { bias: false });
    this.valueGen = new Linear(embeddingDim, attentionDim, { bias: false });
  }

  forward(embedded: Tensor): Tensor {
    const k = this.keyGen.forward(embedded);
    const q = this.queryGen.forward(embedded);
    const v = this.valueGen.forward(embedded);
    const [contextLength, attentionDim] = [k.shape[1], k.shape[2]];
    const scores = q.matmul(k.transpose(1, 2)).div(attentionDim ** 0.5);
    const future = ones([contextLength, contextLength]).tril().eq(0);
    return scores.maskedFill(future, -Infinity).softmax(2).matmul(v);
  }
}
