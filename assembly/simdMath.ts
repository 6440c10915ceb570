// AssemblyScript: transcendental functions on four float32 lanes at once. WebAssembly has no vector
// exp, and the scalar one costs ~5 ns an element here, more than everything else in GELU or softmax.

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two so that x - n ln 2 keeps its low bits (Cody and Waite's range reduction).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
/** exp overflows float32 above this and is 0 below EXP_MIN (the smallest normal result). */
export const EXP_MAX: f32 = 88.72283;
export const EXP_MIN: f32 = -87.33654;

/**
 * e^x for x in [EXP_MIN, EXP_MAX] (clamped), within 2 ulp: Cephes' expf, e^r by a degree-6 polynomial on
 * r = x - n ln 2 in [-ln2/2, ln2/2], times 2^n put straight into the exponent bits.
 */
@inline
export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const n = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(0.5)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(y, scale);
}

/**
 * P(X > |x|) for X ~ N(0, 1), that is erfc(|x| / sqrt 2) / 2, within about 1e-7 relative: the Chebyshev
 * fit of erfc in Numerical Recipes (fractional error below 1.2e-7 for every argument). GELU needs it
 * relative, not absolute, because for negative x it is the whole of x * Phi(x).
 */
@inline
export function upperTail4(x: v128): v128 {
  const z = f32x4.mul(f32x4.abs(x), f32x4.splat(<f32>Math.SQRT1_2));
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(f32x4.splat(0.5), z)));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const erfc = f32x4.mul(t, exp4(f32x4.sub(p, f32x4.mul(z, z))));
  return f32x4.mul(erfc, f32x4.splat(0.5));
}

/** Phi(x), the standard normal CDF, from the upper tail without cancellation on the side where it is small. */
@inline
export function normalCdf4(x: v128): v128 {
  const tail = upperTail4(x);
  return v128.bitselect(f32x4.sub(f32x4.splat(1), tail), tail, f32x4.ge(x, f32x4.splat(0)));
}

/**
 * tanh within 2 ulp, Cephes' tanhf: an odd polynomial below |x| = 0.625, where 1 - 2 / (e^2|x| + 1)
 * would lose the low bits to cancellation, that formula (with the sign put back) above it.
 */
@inline
export function tanh4(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const a = f32x4.abs(x);
  const e = exp4(f32x4.add(a, a));
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  // The sign bit of x onto the large-|x| result.
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.625)));
}
