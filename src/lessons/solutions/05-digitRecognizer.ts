// Problem 5, the digit recogniser: 784 pixels → Linear(784, 512) → ReLU → Dropout(0.2) → Linear(512, 10) → sigmoid,
// and the loop that trains it with cross-entropy and Adam.
import { Adam, Dropout, type Layer, Linear, Module, ReLU, Sigmoid, type Tensor, crossEntropyLoss, manualSeed } from '../practice/library.js';

export class DigitRecognizer extends Module {
  readonly firstLinear: Linear;
  readonly relu = new ReLU();
  readonly dropout = new Dropout(0.2);
  readonly projection: Linear;
  readonly sigmoid = new Sigmoid();

  constructor() {
    super();
    manualSeed(0, { stream: 'torch' }); // the course's torch.manual_seed(0): PyTorch's initial weights
    this.firstLinear = new Linear(784, 512);
    this.projection = new Linear(512, 10);
  }

  /** images (B, 784) → ten scores in (0, 1) per image, (B, 10). */
  forward(images: Tensor): Tensor {
    return this.sigmoid.forward(this.projection.forward(this.dropout.forward(this.relu.forward(this.firstLinear.forward(images)))));
  }
}

/** `epochs` passes over the batches, one Adam step (default learning rate) each; the losses rounded to 4 decimals. */
export function trainDigitRecognizer(model: Module & Layer, batches: { images: Tensor; labels: Tensor }[], epochs: number): number[] {
  const optimizer = new Adam(model.parameters());
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const { images, labels } of batches) {
      const prediction = model.forward(images);
      optimizer.zeroGrad();
      const loss = crossEntropyLoss(prediction, labels);
      loss.backward();
      optimizer.step();
      losses.push(Math.round(loss.item() * 1e4) / 1e4);
    }
  }
  return losses;
}
