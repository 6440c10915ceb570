// The reference optimizer updates, in place.
import type { HostArgs } from '../kernels/index.js';

export function adamw({ param, grad, m, v, step }: HostArgs<'adamw'>): void {
  const { beta1, beta2, eps, decayFactor, stepSize, correction2 } = step;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] = param[i] * decayFactor - (stepSize * m[i]) / (Math.sqrt(v[i] / correction2) + eps);
  }
}

export function sgd({ param, grad, velocity, lr, momentum, weightDecay }: HostArgs<'sgd'>): void {
  for (let i = 0; i < param.length; i++) {
    let g = grad[i] + weightDecay * param[i];
    if (velocity) g = velocity[i] = momentum * velocity[i] + g;
    param[i] -= lr * g;
  }
}
