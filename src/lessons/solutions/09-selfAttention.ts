// Problem 9, one head of causal self-attention: each position mixes the values of itself and the positions before
// it, weighted by softmax(q·k / √d).
import { Linear, Module, type Tensor, manualSeed, ones } from '../practice/library.js';

export class SingleHeadAttention extends Module {
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

  /** embedded (B, T, embeddingDim) → (B, T, attentionDim), rounded to 4 decimals. */
  forward(embedded: Tensor): Tensor {
    const k = this.keyGen.forward(embedded);
    const q = this.queryGen.forward(embedded);
    const v = this.valueGen.forward(embedded);
    const [contextLength, attentionDim] = [k.shape[1], k.shape[2]];
    let scores = q.matmul(k.transpose(1, 2)).div(attentionDim ** 0.5); // (B, T, T)
    const lowerTriangular = ones([contextLength, contextLength]).tril();
    scores = scores.maskedFill(lowerTriangular.eq(0), -Infinity);
    return scores.softmax(2).matmul(v).round(4);
  }
}
