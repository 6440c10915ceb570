// Recurrent layers as torch.nn.RNN, LSTM and GRU: the same parameter names (weight_ih_l0, weight_hh_l0,
// bias_ih_l0, bias_hh_l0, ...), shapes and gate order, so a PyTorch state dict loads as it is.
import { rand, zeros } from '../tensor/creation.js';
import { ZerogradError, fmtShape } from '../core/errors.js';
import { stack } from '../tensor/ops/join.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './dropout.js';
import { Module, parameter } from './module.js';

export interface RecurrentOptions {
  /** Stacked layers; each reads the outputs of the one below. */
  numLayers?: number;
  bias?: boolean;
  /** Inputs and outputs are (batch, time, features) instead of (time, batch, features). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training. */
  dropout?: number;
  generator?: Generator;
}

/** One layer's weights, as PyTorch names them. */
interface LayerWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** One time step: the input's projection for this step (B, G*H), the state before it, the state after it. */
type Cell = (inputGates: Tensor, hiddenGates: Tensor, state: Tensor[]) => Tensor[];

/**
 * What the three layers share: the weights of `gates` stacked blocks of `hiddenSize` rows per layer, drawn from
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)) as PyTorch draws them, and the loop over layers and time steps.
 * Each layer projects the whole sequence's inputs in one matrix product before stepping through time, where
 * only the hidden state's product remains.
 */
abstract class Recurrent extends Module {
  // The first layer's weights under PyTorch's names, typed (every layer's are properties: weight_ih_l1, ...).
  declare readonly weight_ih_l0: Tensor;
  declare readonly weight_hh_l0: Tensor;
  /** Absent when built with bias: false. */
  declare readonly bias_ih_l0: Tensor;
  declare readonly bias_hh_l0: Tensor;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  private readonly between: Dropout | null;

  constructor(readonly inputSize: number, readonly hiddenSize: number, gates: number, options: RecurrentOptions) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout = 0, generator = defaultGenerator } = options;
    const kind = this.constructor.name;
    for (const [name, value] of [['inputSize', inputSize], ['hiddenSize', hiddenSize], ['numLayers', numLayers]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new ZerogradError(kind, `${name} must be a positive integer, got ${value}`);
    }
    this.numLayers = numLayers;
    this.batchFirst = batchFirst;
    this.between = dropout > 0 && numLayers > 1 ? new Dropout(dropout, generator) : null;
    const bound = 1 / Math.sqrt(hiddenSize);
    const uniform = (shape: number[]) => parameter(rand(shape, { generator }).mul(2 * bound).sub(bound).detach());
    const self = this as unknown as Record<string, Tensor>;
    for (let l = 0; l < numLayers; l++) {
      self[`weight_ih_l${l}`] = uniform([gates * hiddenSize, l === 0 ? inputSize : hiddenSize]);
      self[`weight_hh_l${l}`] = uniform([gates * hiddenSize, hiddenSize]);
      if (bias) {
        self[`bias_ih_l${l}`] = uniform([gates * hiddenSize]);
        self[`bias_hh_l${l}`] = uniform([gates * hiddenSize]);
      }
    }
  }

  private layer(l: number): LayerWeights {
    const self = this as unknown as Record<string, Tensor | undefined>;
    return { weightIh: self[`weight_ih_l${l}`]!, weightHh: self[`weight_hh_l${l}`]!, biasIh: self[`bias_ih_l${l}`] ?? null, biasHh: self[`bias_hh_l${l}`] ?? null };
  }

  /** The sequence (time, batch, features) whether the input is batch-first, time-first or unbatched (time, features). */
  private timeMajor(x: Tensor): { sequence: Tensor; batched: boolean } {
    const kind = this.constructor.name;
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ZerogradError(kind, `expected input (${this.batchFirst ? 'batch, time' : 'time, batch'}, ${this.inputSize}) or (time, ${this.inputSize}), got ${fmtShape(x.shape)}`);
    }
    if (x.ndim === 2) return { sequence: x.unsqueeze(1), batched: false };
    return { sequence: this.batchFirst ? x.transpose(0, 1) : x, batched: true };
  }

  /** Checks an initial state (numLayers, batch, hiddenSize) (or unbatched (numLayers, hiddenSize)), or makes zeros. */
  private initial(state: Tensor | undefined, name: string, batch: number, batched: boolean, like: Tensor): Tensor {
    const shape = batched ? [this.numLayers, batch, this.hiddenSize] : [this.numLayers, this.hiddenSize];
    if (state === undefined) return zeros([this.numLayers, batch, this.hiddenSize], { dtype: like.dtype });
    if (state.shape.length !== shape.length || state.shape.some((s, i) => s !== shape[i])) {
      throw new ZerogradError(this.constructor.name, `${name} must be ${fmtShape(shape)}, got ${fmtShape(state.shape)}`);
    }
    return batched ? state : state.unsqueeze(1);
  }

  /**
   * Runs every layer over the sequence. `states` are the initial states (h, and c for the LSTM); returns the
   * last layer's outputs and each state's final value per layer, shaped as the input came.
   */
  protected run(x: Tensor, states: (Tensor | undefined)[], names: string[], cell: Cell): { output: Tensor; final: Tensor[] } {
    const { sequence, batched } = this.timeMajor(x);
    const [T, B] = sequence.shape;
    const initial = states.map((s, i) => this.initial(s, names[i], B, batched, x));
    const finals: Tensor[][] = names.map(() => []);
    let input = sequence;
    for (let l = 0; l < this.numLayers; l++) {
      const w = this.layer(l);
      // (T*B, in) @ (in, G*H): every step's input projection at once.
      let projected = input.reshape(T * B, -1).matmul(w.weightIh.T);
      if (w.biasIh) projected = projected.add(w.biasIh);
      projected = projected.view(T, B, -1);
      let state = initial.map((s) => s.slice(0, l, l + 1).view(B, this.hiddenSize));
      const outputs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        let hidden = state[0].matmul(w.weightHh.T);
        if (w.biasHh) hidden = hidden.add(w.biasHh);
        state = cell(projected.slice(0, t, t + 1).view(B, -1), hidden, state);
        outputs.push(state[0]);
      }
      input = stack(outputs, 0); // (T, B, H)
      if (this.between && l < this.numLayers - 1) input = this.between.forward(input);
      state.forEach((s, i) => finals[i].push(s));
    }
    const final = finals.map((layers) => (batched ? stack(layers, 0) : stack(layers, 0).squeeze(1)));
    const output = !batched ? input.squeeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    return { output, final };
  }
}

/** Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or ReLU), as torch.nn.RNN. */
export class RNN extends Recurrent {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(inputSize, hiddenSize, 1, options);
    this.nonlinearity = options.nonlinearity ?? 'tanh';
  }

  /** x (T, B, I), (B, T, I) if batchFirst, or (T, I) -> [outputs (.., H), final h (numLayers, B, H)]. */
  forward(x: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { output, final } = this.run(x, [h0], ['h0'], (xg, hg) => {
      const pre = xg.add(hg);
      return [this.nonlinearity === 'tanh' ? pre.tanh() : pre.relu()];
    });
    return [output, final[0]];
  }
}

/**
 * Long short-term memory, as torch.nn.LSTM: gates i, f, g, o in that order along the weights' rows;
 * c' = f * c + i * g and h' = o * tanh(c'), with i, f, o sigmoids and g a tanh.
 */
export class LSTM extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 4, options);
  }

  /** x as RNN's, optional [h0, c0] -> [outputs, [h_n, c_n]]. */
  forward(x: Tensor, state?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const { output, final } = this.run(x, [state?.[0], state?.[1]], ['h0', 'c0'], (xg, hg, [, c]) => {
      const [i, f, g, o] = xg.add(hg).chunk(4, 1);
      const next = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
      return [o.sigmoid().mul(next.tanh()), next];
    });
    return [output, [final[0], final[1]]];
  }
}

/**
 * Gated recurrent unit, as torch.nn.GRU: gates r, z, n in that order; r = sigmoid, z = sigmoid,
 * n = tanh(x_n + r * (h W_hn^T + b_hn)), h' = (1 - z) * n + z * h.
 */
export class GRU extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 3, options);
  }

  /** x as RNN's, optional h0 -> [outputs, h_n]. */
  forward(x: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const { output, final } = this.run(x, [h0], ['h0'], (xg, hg, [h]) => {
      const [xr, xz, xn] = xg.chunk(3, 1);
      const [hr, hz, hn] = hg.chunk(3, 1);
      const r = xr.add(hr).sigmoid();
      const z = xz.add(hz).sigmoid();
      const n = xn.add(r.mul(hn)).tanh();
      return [z.neg().add(1).mul(n).add(z.mul(h))];
    });
    return [output, final[0]];
  }
}
