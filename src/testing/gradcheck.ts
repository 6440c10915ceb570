import { noGrad } from '../tensor/autograd.js';
import { isFloat } from '../core/dtype.js';
import { Generator } from '../core/random.js';
import { Tensor } from '../tensor/tensor.js';

export interface GradcheckOptions {
  /** Central-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface GradcheckResult {
  maxAbsError: number;
  /** Worst mismatch, described for a failure message. */
  worst: string;
}

/**
 * Compares the autograd gradient of `fn` with central finite differences, all in float64.
 * The output is projected onto a fixed random direction first, so every output element carries a
 * different upstream gradient (a plain sum would hide transposed or mis-broadcast gradients).
 * Throws with the input, element and both values when they disagree.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-4 } = options;
  const leaves = inputs.map((t) => (isFloat(t.dtype) ? Tensor.fromStorage(Float64Array.from(t.toFlatArray()), t.shape).requiresGrad_() : t));
  const first = fn(...leaves);
  const direction = new Generator(1234);
  const projection = Tensor.fromStorage(Float64Array.from({ length: first.size }, () => direction.normal()), first.shape);
  const objective = () => fn(...leaves).double().mul(projection).sum();

  objective().backward();
  let maxAbsError = 0;
  let worst = 'no float inputs';
  leaves.forEach((leaf, k) => {
    if (!leaf.requiresGrad) return;
    const analytic = leaf.grad ? leaf.grad.toFlatArray() : new Array<number>(leaf.size).fill(0);
    const data = leaf.host;
    for (let i = 0; i < leaf.size; i++) {
      const saved = data[i];
      data[i] = saved + eps;
      const plus = noGrad(() => objective().item());
      data[i] = saved - eps;
      const minus = noGrad(() => objective().item());
      data[i] = saved;
      const numeric = (plus - minus) / (2 * eps);
      const error = Math.abs(analytic[i] - numeric);
      if (error > maxAbsError) {
        maxAbsError = error;
        worst = `input ${k} element ${i}: autograd ${analytic[i]}, finite difference ${numeric}`;
      }
      if (!(error <= atol + rtol * Math.abs(numeric))) {
        throw new Error(`gradcheck failed for input ${k} (shape [${leaf.shape.join(', ')}]) element ${i}: autograd ${analytic[i]}, finite difference ${numeric}`);
      }
    }
  });
  return { maxAbsError, worst };
}
