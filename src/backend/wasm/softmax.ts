// The WebAssembly softmax kernels, row by row in the arena.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const softmax = ({ staging, exports: wasm, kernel }: WasmContext): WasmKernels => ({
  softmax: kernel('softmax', ({ x, out }) => f32s(x, out) && staging.held(x, out),
    ({ x, rows, cols, out, log }) => wasm.softmax(x.byteOffset, rows, cols, out.byteOffset, log)),
  softmaxBackward: kernel('softmaxBackward', ({ y, g, out }) => f32s(y, g, out) && staging.held(y, g, out),
    ({ y, g, rows, cols, out, log }) => wasm.softmaxBackward(y.byteOffset, g.byteOffset, rows, cols, out.byteOffset, log)),
  attentionSoftmax: kernel('attentionSoftmax', ({ x, out }) => f32s(x, out) && staging.held(x, out),
    ({ x, rows, cols, scale, causal, out }) => wasm.attentionSoftmax(x.byteOffset, rows, cols, scale, causal, out.byteOffset)),
  attentionSoftmaxBackward: kernel('attentionSoftmaxBackward', ({ y, g, out }) => f32s(y, g, out) && staging.held(y, g, out),
    ({ y, g, rows, cols, scale, out }) => wasm.attentionSoftmaxBackward(y.byteOffset, g.byteOffset, rows, cols, scale, out.byteOffset)),
});
