import { ReLU, Sigmoid } from '../../nn/activations.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * The course's digit classifier: flattened pixels -> Linear(inputs, 512) -> ReLU -> Dropout(0.2) -> Linear(512, 10)
 * -> sigmoid, one output per digit, its layers named as the course names them. With `sigmoid: false` the last
 * Linear's logits come out instead: the course feeds the sigmoid's outputs to cross-entropy, which squeezes
 * every "logit" into (0, 1), so the softmax inside the loss can never be confident and learning is slow.
 */
export class DigitClassifier extends Module {
  readonly first_linear: Linear;
  readonly relu = new ReLU();
  readonly dropout: Dropout;
  readonly projection: Linear;
  readonly sigmoid: Sigmoid | null;

  constructor(readonly inputs: number, { hidden = 512, classes = 10, dropout = 0.2, sigmoid = true, generator }:
    { hidden?: number; classes?: number; dropout?: number; sigmoid?: boolean; generator?: Generator } = {}) {
    super();
    this.first_linear = new Linear(inputs, hidden, { generator });
    this.dropout = new Dropout(dropout, generator);
    this.projection = new Linear(hidden, classes, { generator });
    this.sigmoid = sigmoid ? new Sigmoid() : null;
  }

  /** (B, inputs) or (B, 1, H, W) images -> (B, classes). */
  forward(images: Tensor): Tensor {
    const x = images.reshape(images.shape[0], -1);
    const out = this.projection.forward(this.dropout.forward(this.relu.forward(this.first_linear.forward(x))));
    return this.sigmoid ? this.sigmoid.forward(out) : out;
  }
}
