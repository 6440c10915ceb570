// The WebAssembly LayerNorm kernels; the float64 row statistics pass through borrowed blocks.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const layerNorm = ({ staging, exports: wasm, kernel, address }: WasmContext): WasmKernels => ({
  layerNorm: kernel('layerNorm',
    ({ x, weight, bias, out }) => f32s(x, out, weight, bias) && staging.held(x, out) && staging.stageable(out.length, weight, bias),
    ({ x, rows, cols, weight, bias, eps, out, mean, rstd }) => {
      const meanAt = staging.float64Block(mean, false);
      const rstdAt = staging.float64Block(rstd, false);
      wasm.layerNorm(x.byteOffset, rows, cols, address(weight), address(bias), eps, out.byteOffset, meanAt, rstdAt);
      staging.copyBackFloat64(mean, meanAt);
      staging.copyBackFloat64(rstd, rstdAt);
    }),
  layerNormBackward: kernel('layerNormBackward',
    ({ x, g, weight, dx, dweight, dbias }) => f32s(x, g, dx, weight, dweight, dbias)
      && staging.held(x, g, dx, dweight, dbias) && staging.stageable(dx.length, weight),
    ({ x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias }) =>
      wasm.layerNormBackward(x.byteOffset, g.byteOffset, rows, cols, address(weight), staging.float64Block(mean, true),
        staging.float64Block(rstd, true), dx.byteOffset, dweight?.byteOffset ?? 0, dbias?.byteOffset ?? 0)),
});
