// The WebAssembly LayerNorm kernels; the float64 row statistics pass through borrowed blocks.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const layerNorm = ({ s, exports: wasm, kernel, address }: WasmContext): WasmKernels => ({
  layerNorm: kernel('layerNorm',
    ({ x, weight, bias, out }) => f32s(x, out, weight, bias) && s.held(x, out) && s.stageable(out.length, weight, bias),
    ({ x, rows, cols, weight, bias, eps, out, mean, rstd }) => {
      const meanAt = s.float64Block(mean, false);
      const rstdAt = s.float64Block(rstd, false);
      wasm.layerNorm(x.byteOffset, rows, cols, address(weight), address(bias), eps, out.byteOffset, meanAt, rstdAt);
      s.copyBackFloat64(mean, meanAt);
      s.copyBackFloat64(rstd, rstdAt);
    }),
  layerNormBackward: kernel('layerNormBackward',
    ({ x, g, weight, dx, dweight, dbias }) => f32s(x, g, dx, weight, dweight, dbias)
      && s.held(x, g, dx, dweight, dbias) && s.stageable(dx.length, weight),
    ({ x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias }) =>
      wasm.layerNormBackward(x.byteOffset, g.byteOffset, rows, cols, address(weight), s.float64Block(mean, true),
        s.float64Block(rstd, true), dx.byteOffset, dweight?.byteOffset ?? 0, dbias?.byteOffset ?? 0)),
});
