import { ReLU } from '../../nn/activations.js';
import { Conv2d, MaxPool2d } from '../../nn/conv.js';
import { Flatten } from '../../nn/flatten.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * A LeNet-style network: two convolution + ReLU + 2x2 max-pool stages, then two Linear layers. The kernels
 * are 5x5 with padding 2 for images of 16 pixels or more (28x28 -> 14x14 -> 7x7), 3x3 with padding 1 for
 * smaller ones (8x8 -> 4x4 -> 2x2), so the feature maps keep their size through each convolution.
 */
export class LeNet extends Module {
  readonly conv1: Conv2d;
  readonly conv2: Conv2d;
  readonly relu = new ReLU();
  readonly pool = new MaxPool2d(2);
  readonly flatten = new Flatten();
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(readonly height: number, readonly width: number, { channels = [6, 16], hidden = 120, classes = 10, generator }:
    { channels?: [number, number]; hidden?: number; classes?: number; generator?: Generator } = {}) {
    super();
    const kernel = Math.min(height, width) >= 16 ? 5 : 3;
    const padding = (kernel - 1) / 2;
    this.conv1 = new Conv2d(1, channels[0], kernel, { padding, generator });
    this.conv2 = new Conv2d(channels[0], channels[1], kernel, { padding, generator });
    const features = channels[1] * Math.floor(Math.floor(height / 2) / 2) * Math.floor(Math.floor(width / 2) / 2);
    this.fc1 = new Linear(features, hidden, { generator });
    this.fc2 = new Linear(hidden, classes, { generator });
  }

  /** (B, 1, H, W) -> (B, channels[1] * H/4 * W/4): the convolutional features the classifier reads. */
  features(images: Tensor): Tensor {
    const x = this.pool.forward(this.relu.forward(this.conv1.forward(images)));
    return this.flatten.forward(this.pool.forward(this.relu.forward(this.conv2.forward(x))));
  }

  /** (B, 1, H, W) -> (B, hidden): the penultimate layer, the learned embedding the K-means lesson clusters. */
  embed(images: Tensor): Tensor {
    return this.relu.forward(this.fc1.forward(this.features(images)));
  }

  /** (B, 1, H, W) -> (B, classes) logits. */
  forward(images: Tensor): Tensor {
    return this.fc2.forward(this.embed(images));
  }
}
