// The WebAssembly optimizer updates. Parameters, gradients and optimizer state live in JavaScript arrays (they outlive
// every step), so they are copied in and out: the memcpys still cost less than the update as a JavaScript loop.
import { type WasmContext, type WasmKernels, f32s } from './context.js';

export const optim = ({ staging, exports: wasm, kernel, address }: WasmContext): WasmKernels => ({
  adamw: kernel('adamw', ({ param, grad, m, v }) => f32s(param, grad, m, v),
    ({ param, grad, m, v, step }) => {
      const [p, g, mAt, vAt] = [param, grad, m, v].map(address);
      wasm.adamw(p, g, mAt, vAt, param.length, step.beta1, step.beta2, step.eps, step.decayFactor, step.stepSize, step.correction2);
      staging.copyBack(param as Float32Array, p);
      staging.copyBack(m as Float32Array, mAt);
      staging.copyBack(v as Float32Array, vAt);
    }),
  sgd: kernel('sgd', ({ param, grad, velocity }) => f32s(param, grad, velocity),
    ({ param, grad, velocity, lr, momentum, weightDecay }) => {
      const [p, g, v] = [param, grad, velocity].map(address);
      wasm.sgd(p, g, v, param.length, lr, momentum, weightDecay);
      staging.copyBack(param as Float32Array, p);
      if (velocity) staging.copyBack(velocity as Float32Array, v);
    }),
});
