// The keys and values of the positions a GPT has read, kept per layer, so that generating a token reads only that
// token: attention needs every earlier position's key and value, and those do not change as the text grows.
import type { Tensor } from '../../tensor/tensor.js';

/** One attention layer's cached keys and values, (B, n_head, T, head size) each. */
export interface LayerKV {
  k: Tensor | null;
  v: Tensor | null;
}

export class KVCache {
  readonly layers: LayerKV[];
  /** Positions cached so far (the next token's position). */
  length = 0;

  constructor(nLayer: number) {
    this.layers = Array.from({ length: nLayer }, () => ({ k: null, v: null }));
  }
}
