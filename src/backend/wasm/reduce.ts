// The WebAssembly axis sum (max and min stay the reference kernel's).
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const reduce = ({ staging, exports: wasm, kernel }: WasmContext): WasmKernels => ({
  reduce: kernel('reduce', ({ op, x, out }) => op === 'sum' && f32s(x, out) && staging.held(x, out),
    ({ x, outer, n, inner, out }) => wasm.reduceSum(x.byteOffset, outer, n, inner, out.byteOffset, staging.borrow(8 * inner))),
});
