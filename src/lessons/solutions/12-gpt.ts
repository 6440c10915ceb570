// Problem 12, the GPT: token and position embeddings, numBlocks transformer blocks, a final LayerNorm, and a
// projection to the vocabulary, whose softmax gives the next token's probabilities.
import { Dropout, Embedding, LayerNorm, Linear, Module, ModuleList, ReLU, Sequential, type Tensor, arange, cat, manualSeed, ones } from '../practice/library.js';

export class GPT extends Module {
  readonly tokenEmbedding: Embedding;
  readonly posEmbedding: Embedding;
  readonly transformerBlocks: Sequential;
  readonly finalNorm: LayerNorm;
  readonly vocabularyProjection: Linear;

  constructor(vocabSize: number, contextLength: number, modelDim: number, numBlocks: number, numHeads: number) {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.tokenEmbedding = new Embedding(vocabSize, modelDim);
    this.posEmbedding = new Embedding(contextLength, modelDim);
    this.transformerBlocks = new Sequential(Array.from({ length: numBlocks }, () => new TransformerBlock(modelDim, numHeads)));
    this.finalNorm = new LayerNorm(modelDim);
    this.vocabularyProjection = new Linear(modelDim, vocabSize);
  }

  /** context (B, T) token ids → (B, T, vocabSize) next-token probabilities, rounded to 4 decimals. */
  forward(context: Tensor): Tensor {
    const embedded = this.tokenEmbedding.forward(context).add(this.posEmbedding.forward(arange(context.shape[1])));
    const rawOutput = this.vocabularyProjection.forward(this.finalNorm.forward(this.transformerBlocks.forward(embedded)));
    return rawOutput.softmax(-1).round(4);
  }
}

/** Problem 11's block, without the rounding. */
class TransformerBlock extends Module {
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

  forward(embedded: Tensor): Tensor {
    const x = embedded.add(this.attention.forward(this.firstNorm.forward(embedded)));
    return x.add(this.linearNetwork.forward(this.secondNorm.forward(x)));
  }
}

/** Problem 11's feed-forward part: Linear(d, 4d) → ReLU → Linear(4d, d) → Dropout(0.2). */
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
