// The WebAssembly window kernels. They split by rows of the patch matrix (im2col), by channel (col2im: the rows of one
// channel add into the same pixels) and by image plane (pooling).
import type { WindowGeometry } from '../kernels/window.js';
import { type WasmContext, type WasmKernels, f32s } from './context.js';

const windowNumbers = (g: WindowGeometry) => [g.N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.Ho, g.Wo];

export const window = (context: WasmContext): WasmKernels => {
  const { staging, exports: wasm, kernel, address } = context;
  return {
    im2col: kernel('im2col', ({ x, out }) => f32s(x, out) && staging.held(out) && staging.stageable(out.length, x),
      ({ x, geometry: g, out }) => {
        const [geometry, xAt] = [staging.int32Block(windowNumbers(g)), address(x)];
        const rows = g.C * g.kh * g.kw;
        context.split(() => ({ kind: 'im2col', args: [geometry, xAt, out.byteOffset] }), rows, out.length, 1,
          () => wasm.im2col(geometry, xAt, out.byteOffset, 0, rows));
      }),
    col2im: kernel('col2im', ({ cols, dx }) => f32s(cols, dx) && staging.held(cols, dx),
      ({ cols, geometry: g, dx }) => {
        const geometry = staging.int32Block(windowNumbers(g));
        context.split(() => ({ kind: 'col2im', args: [geometry, cols.byteOffset, dx.byteOffset] }), g.C, cols.length, 1,
          () => wasm.col2im(geometry, cols.byteOffset, dx.byteOffset, 0, g.C));
      }),
    maxPool2d: kernel('maxPool2d', ({ x, out, argmax }) => f32s(x, out) && staging.held(out, argmax) && staging.stageable(4 * out.length, x),
      ({ x, geometry: g, out, argmax }) => {
        const [geometry, xAt] = [staging.int32Block(windowNumbers(g)), address(x)];
        const planes = g.N * g.C;
        context.split(() => ({ kind: 'maxPool2d', args: [geometry, xAt, out.byteOffset, argmax.byteOffset] }), planes, x.length, 1,
          () => wasm.maxPool2d(geometry, xAt, out.byteOffset, argmax.byteOffset, 0, planes));
      }),
    maxPool2dBackward: kernel('maxPool2dBackward', ({ g, argmax, dx }) => f32s(g, dx) && staging.held(g, argmax, dx),
      ({ g: grad, argmax, geometry: g, dx }) => {
        const geometry = staging.int32Block(windowNumbers(g));
        const planes = g.N * g.C;
        context.split(() => ({ kind: 'maxPool2dBackward', args: [geometry, grad.byteOffset, argmax.byteOffset, dx.byteOffset] }), planes, dx.length, 1,
          () => wasm.maxPool2dBackward(geometry, grad.byteOffset, argmax.byteOffset, dx.byteOffset, 0, planes));
      }),
  };
};
