import type { AdamWStep } from '../backend.js';
import type { HostStorage } from '../../core/dtype.js';

export function adamw(param: HostStorage, grad: HostStorage, m: Float32Array | Float64Array, v: Float32Array | Float64Array,
  { beta1, beta2, eps, decayFactor, stepSize, correction2 }: AdamWStep): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] = param[i] * decayFactor - (stepSize * m[i]) / (Math.sqrt(v[i] / correction2) + eps);
  }
}

export function sgd(param: HostStorage, grad: HostStorage, velocity: Float32Array | Float64Array | null, lr: number, momentum: number, weightDecay: number): void {
  for (let i = 0; i < param.length; i++) {
    let g = grad[i] + weightDecay * param[i];
    if (velocity) g = velocity[i] = momentum * velocity[i] + g;
    param[i] -= lr * g;
  }
}
