// The WebGPU optimizer updates, a thread per parameter.
import type { GPUFamily } from '../kernels.js';
import { bindings, elementEntry, f32, grid } from './common.js';

/**
 * One AdamW update per element, in place, as the reference backend's: p = [n, beta1, beta2, eps, decayFactor,
 * stepSize, correction2] (floats bit-cast).
 */
export function adamwShader(): string {
  return `${bindings('param: f32!', 'grad: f32', 'm: f32!', 'v: f32!')}
${elementEntry('p[0]')}
  let beta1 = pf(1u);
  let beta2 = pf(2u);
  let g = grad[i];
  let mi = beta1 * m[i] + (1.0 - beta1) * g;
  let vi = beta2 * v[i] + (1.0 - beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] * pf(4u) - pf(5u) * mi / (sqrt(vi / pf(6u)) + pf(3u));
}`;
}

/** One SGD update in place, with a velocity buffer when momentum is used; p = [n, lr, momentum, weightDecay]. */
export function sgdShader(withVelocity: boolean): string {
  return `${bindings('param: f32!', 'grad: f32', ...(withVelocity ? ['velocity: f32!'] : []))}
${elementEntry('p[0]')}
  var g = grad[i] + pf(3u) * param[i];
  ${withVelocity ? 'velocity[i] = pf(2u) * velocity[i] + g;\n  g = velocity[i];' : ''}
  param[i] = param[i] - pf(1u) * g;
}`;
}

export const optim = {
  adamw(gpu, { param, grad, m, v, step }) {
    if (!param.length) return;
    gpu.dispatch('adamw', adamwShader, [param.length, f32(step.beta1), f32(step.beta2), f32(step.eps), f32(step.decayFactor),
      f32(step.stepSize), f32(step.correction2)], [param, grad, m, v], grid(param.length));
  },
  sgd(gpu, { param, grad, velocity, lr, momentum, weightDecay }) {
    if (!param.length) return;
    gpu.dispatch(`sgd:${!!velocity}`, () => sgdShader(!!velocity), [param.length, f32(lr), f32(momentum), f32(weightDecay)],
      velocity ? [param, grad, velocity] : [param, grad], grid(param.length));
  },
} satisfies GPUFamily;
