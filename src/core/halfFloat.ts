/**
 * The two 16-bit float formats PyTorch stores weights in, as bit patterns: IEEE half (torch.float16: 5 exponent
 * bits, 10 fraction bits) and bfloat16 (torch.bfloat16: float32's 8 exponent bits, 7 fraction bits). Values are
 * computed in float32 and rounded to the nearest representable one, ties to even, as c10::Half and
 * c10::BFloat16 do, so a tensor converted here has PyTorch's bits.
 */

/** float16 storage: each element is the bit pattern of one IEEE half. */
export class HalfStorage extends Uint16Array {}
/** bfloat16 storage: each element is the top 16 bits of a float32. */
export class BFloat16Storage extends Uint16Array {}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 nearest to `value` (first rounded to float32, as a torch float64 tensor's .half() does). */
export function floatToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa ? 0x7e00 : 0x7c00);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A half subnormal counts units of 2^-24; below half of one unit the value rounds to zero.
    if (e < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(full, shift);
  }
  // A carry out of the fraction moves into the exponent, up to infinity, which is the correct rounding.
  return sign | ((e << 10) + roundShift(mantissa, 13));
}

/** value >>> shift rounded to nearest, ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1)) ? kept + 1 : kept;
}

export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -24 * fraction;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The bfloat16 nearest to `value`; every NaN becomes 0xffff, as PyTorch's vectorised tensor conversion makes it. */
export function floatToBFloat16Bits(value: number): number {
  f32[0] = value;
  if (Number.isNaN(f32[0])) return 0xffff;
  const x = u32[0];
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bfloat16BitsToFloat(b: number): number {
  u32[0] = b << 16;
  return f32[0];
}

/** Each value of `values` rounded into 16-bit `bits` of one format. */
export function encode16(values: ArrayLike<number>, bits: Uint16Array, bfloat: boolean): void {
  const round = bfloat ? floatToBFloat16Bits : floatToHalfBits;
  for (let i = 0; i < values.length; i++) bits[i] = round(values[i]);
}

/** The values of 16-bit `bits` of one format, exactly (every float16 and bfloat16 is a float32). */
export function decode16(bits: Uint16Array, values: { [i: number]: number; length: number }, bfloat: boolean): void {
  const widen = bfloat ? bfloat16BitsToFloat : halfBitsToFloat;
  for (let i = 0; i < bits.length; i++) values[i] = widen(bits[i]);
}
