// Problem 11, the transformer block: x + attention(norm(x)), then x + feed-forward(norm(x)) (pre-norm, residual).
import { Dropout, LayerNorm, Linear, Module, ModuleList, ReLU, type Tensor, cat, manualSeed, ones } from '../practice/library.js';

export class TransformerBlock extends Module {
  readonly attention: MultiHeadedSelfAttention;
  readonly linearNetwork: VanillaNeuralNetwork;
  readonly firstNorm: LayerNorm;
  readonly secondNorm: LayerNorm;

  constructor(modelDim: number, numHeads: number) {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.attention = new MultiHeadedSelfAttention(modelDim, modelDim, numHeads);
    this.linearNetwork = new VanillaNeuralNetwork(modelDim);
    this.firstNorm = new LayerNorm(modelDim);
    this.secondNorm = new LayerNorm(modelDim);
  }

  /** embedded (B, T, modelDim) → (B, T, modelDim), rounded to 4 decimals. */
  forward(embedded: Tensor): Tensor {
    let x = embedded.add(this.attention.forward(this.firstNorm.forward(embedded)));
    x = x.add(this.linearNetwork.forward(this.secondNorm.forward(x)));
    return x.round(4);
  }
}

/** The feed-forward part: Linear(d, 4d) → ReLU → Linear(4d, d) → Dropout(0.2). */
class VanillaNeuralNetwork extends Module {
  readonly firstLinearLayer: Linear;
  readonly relu = new ReLU();
  readonly secondLinearLayer: Linear;
  readonly dropout = new Dropout(0.2);

  constructor(modelDim: number) {
    super();
    this.firstLinearLayer = new Linear(modelDim, modelDim * 4);
    this.secondLinearLayer = new Linear(modelDim * 4, modelDim);
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.secondLinearLayer.forward(this.relu.forward(this.firstLinearLayer.forward(x))));
  }
}

/** Problem 10's attention, without the rounding. */
class MultiHeadedSelfAttention extends Module {
  readonly attHeads: ModuleList<SingleHeadAttention>;

  constructor(embeddingDim: number, attentionDim: number, numHeads: number) {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.attHeads = new ModuleList(Array.from({ length: numHeads }, () => new SingleHeadAttention(embeddingDim, attentionDim / numHeads)));
  }

  forward(embedded: Tensor): Tensor {
    return cat([...this.attHeads].map((head) => head.forward(embedded)), 2);
  }
}

/** Problem 9's head, without the rounding. */
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
