// The WebAssembly elementwise kernels: unary functions (split across threads when large), binary ops with
// broadcasting, strided copies.
import type { HostStorage } from '../../core/dtype.js';
import { isContiguousRun } from '../../core/shape.js';
import type { StridedView } from '../kernel.js';
import { ERF_TABLE } from '../reference/erf.js';
import { type WasmContext, type WasmKernels, f32s } from './context.js';
import { BINARY_CODES, UNARY_CODES } from './exports.js';

type FourByte = Float32Array | Int32Array;
const positive = (v: StridedView<HostStorage>) => v.strides.every((s) => s >= 0);

export function elementwise(context: WasmContext): WasmKernels {
  const { staging, exports: wasm, arena, address } = context;
  const tableAt = arena.block(ERF_TABLE.byteLength);
  new Float64Array(arena.view().buffer, tableAt, ERF_TABLE.length).set(ERF_TABLE);

  /**
   * Shape and two operands' strides in the i32 layout assembly/elementwise.ts walks (0-d as [1]), followed by
   * the room its walk keeps ndim counters and two row starts in.
   */
  function layout(shape: readonly number[], first: readonly number[], second: readonly number[]): { at: number; ndim: number } {
    const dims = shape.length === 0 ? [1] : shape;
    const ndim = dims.length;
    return { at: staging.int32Block([...dims, ...(shape.length ? first : [0]), ...(shape.length ? second : [0])], ndim + 2), ndim };
  }

  const unary = context.kernel('unary',
    ({ op, x, out }) => UNARY_CODES[op] !== undefined && f32s(x, out) && staging.held(out) && staging.stageable(out.length, x),
    ({ op, x, out, scalar }) => {
      const [code, p] = [UNARY_CODES[op]!, scalar ?? 0];
      const xAt = address(x);
      context.elementwise(() => ({ kind: 'unary', args: [code, xAt, out.byteOffset, tableAt], scalar: p }), out.length,
        () => wasm.unary(code, xAt, out.byteOffset, out.length, p, tableAt));
    });

  const unaryBackward = context.kernel('unaryBackward',
    ({ op, x, y, g, out }) => UNARY_CODES[op] !== undefined && f32s(x, y, g, out) && staging.held(out) && staging.stageable(out.length, x, y, g),
    ({ op, x, y, g, out, scalar }) => {
      const [code, p] = [UNARY_CODES[op]!, scalar ?? 0];
      const [xAt, yAt, gAt] = [x, y, g].map(address);
      context.elementwise(() => ({ kind: 'unaryBackward', args: [code, xAt, yAt, gAt, out.byteOffset, tableAt], scalar: p }), out.length,
        () => wasm.unaryBackward(code, xAt, yAt, gAt, out.byteOffset, out.length, p, tableAt));
    });

  const binary = context.kernel('binary',
    ({ op, a, b, out }) => BINARY_CODES[op] !== undefined && f32s(a.data, b.data, out) && staging.held(out)
      && staging.stageable(out.length, a.data, b.data) && positive(a) && positive(b),
    ({ op, shape, a, b, out }) => {
      const { at, ndim } = layout(shape, a.strides, b.strides);
      wasm.binary(BINARY_CODES[op]!, ndim, at, address(a.data) + 4 * a.offset, address(b.data) + 4 * b.offset, out.byteOffset);
    });

  // A strided view out of the arena into a dense JavaScript array (a weight's gradient, which matmul's
  // backward makes as a transposed view, leaving the step) is gathered in a borrowed block and copied out in one go.
  const gathersOut = (shape: readonly number[], src: StridedView<HostStorage>, dst: StridedView<HostStorage>) =>
    !staging.held(dst.data) && staging.held(src.data) && isContiguousRun(shape, dst.strides);
  const copy = context.kernel('copy',
    ({ shape, src, dst }) => src.data.constructor === dst.data.constructor && src.data.BYTES_PER_ELEMENT === 4
      && (staging.held(dst.data) || gathersOut(shape, src, dst)) && staging.stageable(shape.reduce((p, n) => p * n, 1), src.data)
      && positive(src) && positive(dst),
    ({ shape, src, dst }) => {
      const count = shape.reduce((p, n) => p * n, 1);
      const gather = gathersOut(shape, src, dst);
      if (gather && isContiguousRun(shape, src.strides)) {
        // Already dense in the arena: one memcpy out.
        const out = dst.data as FourByte;
        out.set(new (out.constructor as Float32ArrayConstructor)(arena.view().buffer, src.data.byteOffset + 4 * src.offset, count), dst.offset);
        return;
      }
      const { at, ndim } = layout(shape, src.strides, dst.strides);
      const staged = gather ? staging.borrow(4 * count) : 0;
      wasm.copyStrided(ndim, at, address(src.data) + 4 * src.offset, gather ? staged : dst.data.byteOffset + 4 * dst.offset);
      if (gather) {
        const out = dst.data as FourByte;
        out.set(new (out.constructor as Float32ArrayConstructor)(arena.view().buffer, staged, count), dst.offset);
      }
    });

  return { unary, unaryBackward, binary, copy };
}
