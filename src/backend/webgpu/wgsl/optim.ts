import { FLAT_INDEX, PARAMS, WORKGROUP } from './common.js';

/**
 * One AdamW update per element, in place, as the reference backend's: p = [n, beta1, beta2, eps, decayFactor,
 * stepSize, correction2] (floats bit-cast).
 */
export function adamwShader(): string {
  return `${PARAMS}
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
${FLAT_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= p[0]) { return; }
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
  return `${PARAMS}
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
${withVelocity ? '@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;' : ''}
${FLAT_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= p[0]) { return; }
  var g = grad[i] + pf(3u) * param[i];
  ${withVelocity ? 'velocity[i] = pf(2u) * velocity[i] + g;\n  g = velocity[i];' : ''}
  param[i] = param[i] - pf(1u) * g;
}`;
}
