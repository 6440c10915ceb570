// makemore's recurrent name models (Karpathy's makemore.py, `--type rnn` and `--type gru`): a learned start
// state, then one cell per character of the context, and a linear head on the last hidden state.
import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import { Module, parameter } from '../../nn/module.js';
import { zeros } from '../../tensor/creation.js';
import { cat } from '../../tensor/ops/join.js';
import { type Generator, defaultGenerator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface RecurrentCharConfig {
  vocabSize: number;
  blockSize: number;
  /** Character embedding size (makemore's n_embd). */
  nEmbd: number;
  /** Hidden state size (makemore's n_embd2). */
  nHidden: number;
}

/** One step of a recurrent cell: the character's embedding (B, nEmbd) and the previous state (B, nHidden). */
interface Cell extends Module {
  forward(xt: Tensor, hprev: Tensor): Tensor;
}

/** h' = tanh(W [x, h] + b): makemore's RNNCell, the Elman network in one matrix. */
export class RNNCell extends Module implements Cell {
  readonly xh_to_h: Linear;

  constructor(nEmbd: number, nHidden: number, generator: Generator) {
    super();
    this.xh_to_h = new Linear(nEmbd + nHidden, nHidden, { generator });
  }

  forward(xt: Tensor, hprev: Tensor): Tensor {
    return this.xh_to_h.forward(cat([xt, hprev], 1)).tanh();
  }
}

/**
 * makemore's GRUCell: a reset gate r decides how much of the old state the candidate hbar sees, an update gate z
 * how much of hbar replaces the old state: h' = (1 - z) * h + z * hbar.
 */
export class GRUCell extends Module implements Cell {
  readonly xh_to_z: Linear;
  readonly xh_to_r: Linear;
  readonly xh_to_hbar: Linear;

  constructor(nEmbd: number, nHidden: number, generator: Generator) {
    super();
    this.xh_to_z = new Linear(nEmbd + nHidden, nHidden, { generator });
    this.xh_to_r = new Linear(nEmbd + nHidden, nHidden, { generator });
    this.xh_to_hbar = new Linear(nEmbd + nHidden, nHidden, { generator });
  }

  forward(xt: Tensor, hprev: Tensor): Tensor {
    const xh = cat([xt, hprev], 1);
    const r = this.xh_to_r.forward(xh).sigmoid();
    const hbar = this.xh_to_hbar.forward(cat([xt, r.mul(hprev)], 1)).tanh();
    const z = this.xh_to_z.forward(xh).sigmoid();
    return z.neg().add(1).mul(hprev).add(z.mul(hbar));
  }
}

/** makemore's RNN model with either cell, reading a (B, blockSize) context and predicting the next character. */
export class RecurrentCharModel extends Module {
  readonly start: Tensor;
  readonly wte: Embedding;
  readonly cell: RNNCell | GRUCell;
  readonly lm_head: Linear;

  constructor(readonly config: RecurrentCharConfig, cellType: 'rnn' | 'gru', generator: Generator = defaultGenerator) {
    super();
    const { vocabSize, nEmbd, nHidden } = config;
    this.start = parameter(zeros([1, nHidden]));
    this.wte = new Embedding(vocabSize, nEmbd, { generator });
    this.cell = cellType === 'rnn' ? new RNNCell(nEmbd, nHidden, generator) : new GRUCell(nEmbd, nHidden, generator);
    this.lm_head = new Linear(nHidden, vocabSize, { generator });
  }

  /** (B, T) int32 contexts -> (B, vocabSize) logits for the character after them. */
  forward(X: Tensor): Tensor {
    const [B, T] = X.shape;
    const emb = this.wte.forward(X); // (B, T, nEmbd)
    let h = this.start.expand(B, this.config.nHidden);
    for (let t = 0; t < T; t++) h = this.cell.forward(emb.slice(1, t, t + 1).view(B, -1), h);
    return this.lm_head.forward(h);
  }
}
