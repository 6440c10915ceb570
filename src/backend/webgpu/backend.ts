/// <reference types="@webgpu/types" />
import type { Backend, ScratchRegion, StridedView } from '../backend.js';
import { type DType, type HostStorage, type Storage, isDevice } from '../../core/dtype.js';
import { ZerogradError } from '../../core/errors.js';
import { type GPUDType, GPUTensor } from './buffers.js';
import type { GPUView, WebGPUKernels } from './kernels.js';

interface Region { made: Map<GPUTensor, number>; count: number }

function gpuDType(dtype: DType): GPUDType {
  if (dtype === 'float32' || dtype === 'int32') return dtype;
  throw new ZerogradError('webgpu', `a ${dtype} tensor: WebGPU computes in float32 and int32 (WGSL has no float64, and 16-bit floats are an optional feature); convert it with .float() before moving it to the GPU`);
}

/**
 * The Backend on WebGPU: tensors are GPUTensors in GPU buffers and every kernel is a WebGPUKernels dispatch, so a
 * model's code runs unchanged and nothing returns to the CPU until an async read (`await loss.itemAsync()`).
 * Host arrays an op still makes (a dropout mask, one-hot rows) are uploaded for the one kernel that reads them.
 * Inside `arenaStep` the step's tensors return to the buffer pool when it ends, so memory stays flat across steps.
 */
export function createWebGPUBackend(gpu: WebGPUKernels): Backend<GPUTensor> {
  const regions: Region[] = [];
  const track = (t: GPUTensor) => {
    const region = regions.at(-1);
    if (region) region.made.set(t, region.count++);
    return t;
  };
  const temporaries: GPUTensor[] = [];
  /** A kernel input as a GPU tensor: host values are uploaded for this call and given back after it. */
  const input = (s: Storage): GPUTensor => {
    if (isDevice(s)) return s as GPUTensor;
    const values = s instanceof Float32Array || s instanceof Int32Array ? s : s instanceof Float64Array ? Float32Array.from(s) : null;
    if (!values) throw new ZerogradError('webgpu', 'a 16-bit float tensor reached a WebGPU kernel; convert it with .float() first');
    const t = gpu.upload(values);
    temporaries.push(t);
    return t;
  };
  const output = (s: Storage): GPUTensor => {
    if (isDevice(s)) {
      // The kernel changes the buffer, so values kept from its upload no longer hold.
      (s as GPUTensor).known = null;
      return s as GPUTensor;
    }
    throw new ZerogradError('webgpu', `a kernel's output is a ${s.constructor.name} in host memory; on WebGPU, outputs are allocated by the backend`);
  };
  const view = (v: StridedView<Storage>): GPUView => ({ data: input(v.data), offset: v.offset, strides: v.strides });
  /** Runs a kernel, then gives back the uploads it read (the queue runs the kernel first). */
  const run = <T>(call: () => T): T => {
    try {
      return call();
    } finally {
      for (const t of temporaries.splice(0)) gpu.release(t);
    }
  };
  const optional = (s: Storage | null) => (s ? input(s) : null);

  return {
    name: 'webgpu',
    alloc: (dtype, size) => track(gpu.alloc(gpuDType(dtype), size)),
    empty: (dtype, size) => track(gpu.empty(gpuDType(dtype), size)),
    upload: (values: HostStorage) => run(() => {
      if (values instanceof Float32Array || values instanceof Int32Array) return track(gpu.upload(values));
      if (values instanceof Float64Array) throw new ZerogradError('webgpu', 'a float64 tensor: WebGPU computes in float32; convert it with .float() before moving it to the GPU');
      throw new ZerogradError('webgpu', 'a 16-bit float tensor: convert it with .float() before moving it to the GPU');
    }),
    persistent: (dtype, size) => gpu.empty(gpuDType(dtype), size),
    free: (s) => gpu.release(s),
    write: (s, values) => {
      if (values instanceof Float32Array || values instanceof Int32Array) gpu.write(output(s), values);
      else throw new ZerogradError('webgpu', `a ${values.constructor.name} written to GPU memory; WebGPU holds float32 and int32`);
    },
    memoryInUse: () => gpu.pool.allocatedBytes,
    scratch(): ScratchRegion<GPUTensor> {
      const region: Region = { made: new Map(), count: 0 };
      regions.push(region);
      return {
        holds: (s) => region.made.has(s),
        mark: () => region.count,
        recycle: (s, since) => {
          const serial = region.made.get(s);
          if (serial === undefined || serial < since) return false;
          region.made.delete(s);
          gpu.release(s);
          return true;
        },
        close: () => {
          regions.splice(regions.indexOf(region), 1);
          for (const t of region.made.keys()) gpu.release(t);
          region.made.clear();
        },
      };
    },
    copy: (shape, src, dst) => run(() => gpu.copy(shape, view(src), { ...dst, data: output(dst.data) })),
    unary: (op, x, out, scalar) => run(() => gpu.unary(op, input(x), output(out), scalar)),
    unaryBackward: (op, x, y, g, out, scalar) => run(() => gpu.unaryBackward(op, input(x), input(y), input(g), output(out), scalar)),
    binary: (op, shape, a, b, out) => run(() => gpu.binary(op, shape, view(a), view(b), output(out))),
    where: (shape, cond, a, b, out) => run(() => gpu.where(shape, view(cond), view(a), view(b), output(out))),
    reduce: (op, x, outer, n, inner, out, argOut) => run(() => gpu.reduce(op, input(x), outer, n, inner, output(out), argOut ? output(argOut) : undefined)),
    matmul: (spec, a, b, out) => run(() => gpu.matmul(spec, input(a), input(b), output(out))),
    softmax: (x, rows, cols, out, log) => run(() => gpu.softmax(input(x), rows, cols, output(out), log)),
    softmaxBackward: (y, g, rows, cols, out, log) => run(() => gpu.softmaxBackward(input(y), input(g), rows, cols, output(out), log)),
    attentionSoftmax: (x, rows, cols, scale, causal, out) => run(() => gpu.attentionSoftmax(input(x), rows, cols, scale, causal, output(out))),
    attentionSoftmaxBackward: (y, g, rows, cols, scale, out) => run(() => gpu.attentionSoftmaxBackward(input(y), input(g), rows, cols, scale, output(out))),
    crossEntropy: (logits, targets, rows, cols, ignoreIndex, lse, totals) =>
      run(() => gpu.crossEntropy(input(logits), input(targets), rows, cols, ignoreIndex, output(lse), output(totals))),
    crossEntropyBackward: (logits, targets, lse, rows, cols, ignoreIndex, scale, out) =>
      run(() => gpu.crossEntropyBackward(input(logits), input(targets), input(lse), rows, cols, ignoreIndex, scale, output(out))),
    layerNorm: (x, rows, cols, weight, bias, eps, out, mean, rstd) =>
      run(() => gpu.layerNorm(input(x), rows, cols, optional(weight), optional(bias), eps, output(out), output(mean), output(rstd))),
    layerNormBackward: (x, g, rows, cols, weight, mean, rstd, dx, dweight, dbias) =>
      run(() => gpu.layerNormBackward(input(x), input(g), rows, cols, optional(weight), input(mean), input(rstd), output(dx),
        dweight ? output(dweight) : null, dbias ? output(dbias) : null)),
    batchNorm: (x, outer, C, inner, weight, bias, eps, out, mean, rstd, running) =>
      run(() => gpu.batchNorm(input(x), outer, C, inner, optional(weight), optional(bias), eps, output(out), output(mean), output(rstd),
        running && { mean: output(running.mean), variance: output(running.variance), momentum: running.momentum })),
    batchNormBackward: (x, g, outer, C, inner, weight, mean, rstd, dx, dweight, dbias) =>
      run(() => gpu.batchNormBackward(input(x), input(g), outer, C, inner, optional(weight), input(mean), input(rstd), output(dx),
        dweight ? output(dweight) : null, dbias ? output(dbias) : null)),
    indexSelect: (src, rowSize, indices, out) => run(() => gpu.indexSelect(input(src), rowSize, input(indices), output(out))),
    indexAdd: (g, rowSize, indices, out) => run(() => gpu.indexAdd(input(g), rowSize, input(indices), output(out))),
    gather: (x, index, outer, n, m, inner, out) => run(() => gpu.gather(input(x), input(index), outer, n, m, inner, output(out))),
    scatterAdd: (g, index, outer, n, m, inner, out) => run(() => gpu.scatterAdd(input(g), input(index), outer, n, m, inner, output(out))),
    adamw: (param, grad, m, v, step) => run(() => gpu.adamw(output(param), input(grad), output(m), output(v), step)),
    sgd: (param, grad, velocity, lr, momentum, weightDecay) => run(() => gpu.sgd(output(param), input(grad), velocity ? output(velocity) : null, lr, momentum, weightDecay)),
    im2col: (x, geometry, out) => run(() => gpu.im2col(input(x), geometry, output(out))),
    col2im: (cols, geometry, dx) => run(() => gpu.col2im(input(cols), geometry, output(dx))),
    maxPool2d: (x, geometry, out, argmax) => run(() => gpu.maxPool2d(input(x), geometry, output(out), output(argmax))),
    maxPool2dBackward: (g, argmax, geometry, dx) => run(() => gpu.maxPool2dBackward(input(g), input(argmax), geometry, output(dx))),
  };
}
