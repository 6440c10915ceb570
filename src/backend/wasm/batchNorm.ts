// The WebAssembly batch normalisation kernels, running averages staged in and copied back.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const batchNorm = ({ staging, exports: wasm, kernel, address }: WasmContext): WasmKernels => ({
  batchNorm: kernel('batchNorm',
    ({ x, weight, bias, out, runningMean, runningVariance }) => f32s(x, out, weight, bias, runningMean, runningVariance)
      && staging.held(x, out) && staging.stageable(out.length, weight, bias),
    ({ x, outer, C, inner, weight, bias, eps, out, mean, rstd, runningMean, runningVariance, momentum }) => {
      const [meanAt, rstdAt] = [staging.float64Block(mean, false), staging.float64Block(rstd, false)];
      const running = runningMean && runningVariance;
      const [meanRunAt, varianceRunAt] = running ? [address(runningMean), address(runningVariance)] : [0, 0];
      wasm.batchNorm(x.byteOffset, outer, C, inner, address(weight), address(bias), eps, out.byteOffset, meanAt, rstdAt,
        meanRunAt, varianceRunAt, running ? momentum ?? 0 : 0, staging.borrow(12 * C));
      staging.copyBackFloat64(mean, meanAt);
      staging.copyBackFloat64(rstd, rstdAt);
      if (running) {
        staging.copyBack(runningMean as Float32Array, meanRunAt);
        staging.copyBack(runningVariance as Float32Array, varianceRunAt);
      }
    }),
  batchNormBackward: kernel('batchNormBackward',
    ({ x, g, weight, dx, dweight, dbias }) => f32s(x, g, dx, weight, dweight, dbias)
      && staging.held(x, g, dx, dweight, dbias) && staging.stageable(dx.length, weight),
    ({ x, g, outer, C, inner, weight, mean, rstd, dx, dweight, dbias }) =>
      wasm.batchNormBackward(x.byteOffset, g.byteOffset, outer, C, inner, address(weight), staging.float64Block(mean, true),
        staging.float64Block(rstd, true), dx.byteOffset, dweight?.byteOffset ?? 0, dbias?.byteOffset ?? 0, staging.borrow(32 * C))),
});
