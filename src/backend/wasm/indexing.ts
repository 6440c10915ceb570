// The WebAssembly embedding rows; an embedding table outside the arena is staged when it is no larger than the rows
// looked up. Gather and scatter-add stay the reference kernels'.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const indexing = ({ staging, exports: wasm, kernel, address }: WasmContext): WasmKernels => ({
  indexSelect: kernel('indexSelect', ({ src, out }) => f32s(src, out) && staging.held(out) && staging.stageable(out.length, src),
    ({ src, rowSize, indices, out }) => wasm.indexSelect(address(src), rowSize, address(indices), indices.length, out.byteOffset)),
  indexAdd: kernel('indexAdd', ({ g, out }) => f32s(g, out) && staging.held(g, out),
    ({ g, rowSize, indices, out }) => wasm.indexAdd(g.byteOffset, rowSize, address(indices), indices.length, out.byteOffset)),
});
