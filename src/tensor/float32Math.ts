// float32 arithmetic as PyTorch's x86 AVX2 CPU kernels do it, so zerograd's torch-stream samples agree bit for bit:
// a fused multiply-add rounded once, and the float32 log and sincos of avx_mathfun.h that torch.randn's vectorised
// Box-Muller uses (GCC contracts their multiply-adds into FMAs; which ones was found by matching PyTorch 1.13).
const f = Math.fround;
const bits = new Float32Array(1);
const word = new Uint32Array(bits.buffer);

/** The float32 next to `x` (a float32) in the direction of `toward`. */
function nextFloat32(x: number, toward: number): number {
  if (x === toward) return x;
  bits[0] = x;
  if (x === 0) word[0] = 1 | (toward < 0 ? 0x80000000 : 0);
  else if ((x < toward) === (x > 0)) word[0]++;
  else word[0]--;
  return bits[0];
}

/**
 * a·b + c for float32 a, b, c, rounded once to float32 (fmaf). a·b is exact in float64; the float64 sum may round,
 * and then a second rounding to float32 can only go wrong when that sum lies exactly halfway between two float32s,
 * where the sum's own rounding error decides.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s || !Number.isFinite(s)) return r;
  const other = nextFloat32(r, s);
  if (s - r !== other - s) return r;
  const v = s - p;
  const err = (p - (s - v)) + (c - v);
  if (err === 0) return r;
  return (err > 0) === (other > r) ? other : r;
}

const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);

/** avx_mathfun's log256_ps for one positive float32 (Cephes' polynomial, after splitting off the exponent). */
export function logf(input: number): number {
  bits[0] = Math.max(f(input), 1.17549435e-38);
  const exponent = (word[0] >>> 23) - 0x7f;
  word[0] = (word[0] & ~0x7f800000) | 0x3f000000;
  let x = bits[0];
  let e = f(exponent + 1);
  const small = x < f(0.707106781186547524);
  const tmp = small ? x : 0;
  x = f(x - 1);
  if (small) e = f(e - 1);
  x = f(x + tmp);
  const z = f(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = fmaf(y, x, LOG_P[i]);
  y = f(y * x);
  y = f(y * z);
  y = fmaf(e, f(-2.12194440e-4), y);
  y = f(y - f(z * 0.5));
  x = f(x + y);
  return fmaf(e, 0.693359375, x);
}

/** avx_mathfun's sincos256_ps for one float32 angle: [sin, cos]. */
export function sincosf(input: number): [number, number] {
  let signSin = input < 0;
  let x = f(Math.abs(input));
  let j = Math.trunc(f(x * f(1.27323954473516)));
  j = (j + 1) & ~1;
  const y = f(j);
  const swap = (j & 4) !== 0;
  const sinPoly = (j & 2) === 0;
  x = fmaf(y, -0.78515625, x);
  x = fmaf(y, f(-2.4187564849853515625e-4), x);
  x = fmaf(y, f(-3.77489497744594108e-8), x);
  const signCos = (~(j - 2) & 4) !== 0;
  signSin = signSin !== swap;
  const z = f(x * x);
  let c = fmaf(f(2.443315711809948e-5), z, f(-1.388731625493765e-3));
  c = fmaf(c, z, f(4.166664568298827e-2));
  c = f(c * z);
  c = fmaf(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = fmaf(f(-1.9515295891e-4), z, f(8.3321608736e-3));
  s = fmaf(s, z, f(-1.6666654611e-1));
  s = f(s * z);
  s = fmaf(s, x, x);
  let sin = sinPoly ? s : c;
  let cos = sinPoly ? c : s;
  if (signSin) sin = -sin;
  if (signCos) cos = -cos;
  return [sin, cos];
}
