/**
 * WGSL shared by the kernels: the workgroup size, the flat index of a thread in a dispatch that may be split
 * over two grid dimensions (one holds at most 65,535 workgroups), the parameter block every kernel reads,
 * and the float functions WGSL lacks (erf) or defines differently from PyTorch (pow of a negative base, NaN in
 * max and min, tanh far from 0).
 */

/** Threads per workgroup of the elementwise kernels, and of the row kernels' cooperative reductions. */
export const WORKGROUP = 256;

/** Parameters arrive as one read-only array of u32 at binding 0; floats are bit-cast. */
export const PARAMS = '@group(0) @binding(0) var<storage, read> p: array<u32>;';

/**
 * The parameter block, then the kernel's arrays at bindings 1, 2, ...: each 'name: type' is read-only, and
 * 'name: type!' is written.
 */
export function bindings(...arrays: string[]): string {
  return [PARAMS, ...arrays.map((declaration, i) => {
    const written = declaration.endsWith('!');
    const [name, type] = (written ? declaration.slice(0, -1) : declaration).split(':').map((part) => part.trim());
    return `@group(0) @binding(${i + 1}) var<storage, ${written ? 'read_write' : 'read'}> ${name}: array<${type}>;`;
  })].join('\n');
}

/** The entry point of a kernel with one thread per element: `i` is its element; threads at or past `count` return. */
export const elementEntry = (count: string) => `${FLAT_INDEX}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= ${count}) { return; }`;

/** `flat(gid, nwg)`: the thread's index over a grid (x, y) of WORKGROUP-thread groups. */
export const FLAT_INDEX = `
fn flat(gid: vec3u, nwg: vec3u) -> u32 { return gid.y * nwg.x * ${WORKGROUP}u + gid.x; }
fn pf(i: u32) -> f32 { return bitcast<f32>(p[i]); }
fn pi(i: u32) -> i32 { return bitcast<i32>(p[i]); }`;

/**
 * exp in float32 to about 1 ulp (Cephes' expf: x = n ln 2 + r with ln 2 in two parts, a degree-6 polynomial for
 * e^r, then ldexp), where WGSL allows its built-in exp an error growing with |x|; softmax, cross-entropy and the
 * exponential activations all go through it.
 */
export const EXP = `
fn exp_(x: f32) -> f32 {
  if (x > 88.7228394) { return x * 3.4028234e38f; }
  if (x < -103.972084) { return 0.0; }
  let n = round(x * 1.44269504088896341);
  let r = (x - n * 0.693359375) - n * -2.12194440e-4;
  let y = ((((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * r * r + r) + 1.0;
  return ldexp(y, i32(n));
}`;

export const FLOAT_FUNCTIONS = `${EXP}
fn erf_(x: f32) -> f32 {
  // Numerical Recipes' erfc by a Chebyshev fit, fractional error below 1.2e-7 everywhere.
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp_(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
fn tanh_(x: f32) -> f32 {
  // tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|), which never divides infinity by infinity.
  let e = exp_(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn pow_(x: f32, y: f32) -> f32 {
  // WGSL's pow is undefined for x < 0; PyTorch's is defined for an integer exponent and NaN otherwise.
  if (y == 0.0) { return 1.0; }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (x >= 0.0) { return pow(x, y); }
  if (floor(y) != y) { return (x - x) / (x - x); }
  let m = pow(-x, y);
  return select(m, -m, (i32(abs(y)) & 1) == 1);
}
fn sincos_(x: f32, wantCos: bool) -> f32 {
  // WGSL promises sin and cos only to 2^-11 absolute. Reduce by multiples of pi/2 in three parts (Cody and Waite,
  // exact products for |x| up to about 1e5), then the float32 minimax polynomials of Cephes' sinf and cosf.
  let k = round(x * 0.63661977236758134);
  let r = ((x - k * 1.5703125) - k * 4.837512969970703125e-4) - k * 7.54978995489188216e-8;
  let r2 = r * r;
  let s = r + r * r2 * (-1.6666654611e-1 + r2 * (8.3321608736e-3 + r2 * -1.9515295891e-4));
  let c = 1.0 - 0.5 * r2 + r2 * r2 * (4.166664568298827e-2 + r2 * (-1.388731625493765e-3 + r2 * 2.443315711809948e-5));
  let q = (i32(k) + select(0, 1, wantCos)) & 3;
  if (q == 0) { return s; }
  if (q == 1) { return c; }
  if (q == 2) { return -s; }
  return -c;
}
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn max_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return a + b; } return max(a, b); }
fn min_(a: f32, b: f32) -> f32 { if (isnan_(a) || isnan_(b)) { return a + b; } return min(a, b); }`;

/** Dispatch size for `threads` threads in WORKGROUP-thread groups, split over (x, y) within the 65,535 limit. */
export function grid(threads: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/** Grid for one workgroup per row: (x, y) with x * y >= rows. */
export function rowGrid(rows: number): [number, number] {
  if (rows <= 65535) return [Math.max(1, rows), 1];
  const y = Math.ceil(rows / 65535);
  return [Math.ceil(rows / y), y];
}

const scratch = new DataView(new ArrayBuffer(4));
/** A float's bits as the u32 a shader bit-casts back. */
export function f32(value: number): number {
  scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}
/** An int's two's-complement bits as u32 (negative strides, ignoreIndex -100). */
export const i32 = (value: number) => value >>> 0;
export const wgslType = (dtype: 'float32' | 'int32'): 'f32' | 'i32' => (dtype === 'float32' ? 'f32' : 'i32');
