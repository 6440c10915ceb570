// The WebAssembly cross-entropy kernels: the loss summed in the module, the counted rows here.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const crossEntropy = ({ staging, exports: wasm, kernel, address }: WasmContext): WasmKernels => ({
  crossEntropy: kernel('crossEntropy', ({ logits, lse }) => f32s(logits, lse) && staging.held(logits, lse),
    ({ logits, targets, rows, cols, ignoreIndex, lse, totals }) => {
      totals[0] = wasm.crossEntropy(logits.byteOffset, address(targets), rows, cols, ignoreIndex, lse.byteOffset);
      let count = 0;
      for (let r = 0; r < rows; r++) if (targets[r] !== ignoreIndex) count++;
      totals[1] = count;
    }),
  crossEntropyBackward: kernel('crossEntropyBackward', ({ logits, lse, out }) => f32s(logits, lse, out) && staging.held(logits, lse, out),
    ({ logits, targets, lse, rows, cols, ignoreIndex, scale, out }) =>
      wasm.crossEntropyBackward(logits.byteOffset, address(targets), lse.byteOffset, rows, cols, ignoreIndex, scale, out.byteOffset)),
});
