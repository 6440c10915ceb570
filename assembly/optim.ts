// AssemblyScript: the optimizers' updates (AdamW, SGD), four parameters at a time.

/** m, v <- moments of the gradient; param <- param * decayFactor - stepSize * m / (sqrt(v / correction2) + eps). */
export function adamw(param: usize, grad: usize, m: usize, v: usize, n: i32, beta1: f32, beta2: f32, eps: f32,
  decayFactor: f32, stepSize: f32, correction2: f32): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2);
  const epsV = f32x4.splat(eps), decay = f32x4.splat(decayFactor), step = f32x4.splat(stepSize);
  const invCorrection = f32x4.splat(1 / correction2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const g = v128.load(grad + at);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + at)), f32x4.mul(c1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + at)), f32x4.mul(c2, f32x4.mul(g, g)));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const denominator = f32x4.add(f32x4.sqrt(f32x4.mul(vi, invCorrection)), epsV);
    v128.store(param + at, f32x4.sub(f32x4.mul(v128.load(param + at), decay), f32x4.div(f32x4.mul(step, mi), denominator)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const g = load<f32>(grad + at);
    const mi = beta1 * load<f32>(m + at) + (1 - beta1) * g;
    const vi = beta2 * load<f32>(v + at) + (1 - beta2) * g * g;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(param + at, load<f32>(param + at) * decayFactor - (stepSize * mi) / (Mathf.sqrt(vi / correction2) + eps));
  }
}

/** g = grad + weightDecay * param; with velocity (0 = none) v = momentum * v + g, g = v; param -= lr * g. */
export function sgd(param: usize, grad: usize, velocity: usize, n: i32, lr: f32, momentum: f32, weightDecay: f32): void {
  const lrV = f32x4.splat(lr), momentumV = f32x4.splat(momentum), decayV = f32x4.splat(weightDecay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const p = v128.load(param + at);
    let g = f32x4.add(v128.load(grad + at), f32x4.mul(decayV, p));
    if (velocity) {
      g = f32x4.add(f32x4.mul(momentumV, v128.load(velocity + at)), g);
      v128.store(velocity + at, g);
    }
    v128.store(param + at, f32x4.sub(p, f32x4.mul(lrV, g)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const p = load<f32>(param + at);
    let g = load<f32>(grad + at) + weightDecay * p;
    if (velocity) {
      g = momentum * load<f32>(velocity + at) + g;
      store<f32>(velocity + at, g);
    }
    store<f32>(param + at, p - lr * g);
  }
}
