/// <reference types="@webgpu/types" />
import type { Backend, ScratchRegion } from '../backend.js';
import { mapStorage } from '../kernel.js';
import { KERNELS, type KernelName } from '../kernels/index.js';
import { type DType, type HostStorage, type Storage, isDevice } from '../../core/dtype.js';
import { ZerogradError } from '../../core/errors.js';
import { type GPUDType, GPUTensor } from './buffers.js';
import { GPU_KERNELS, type WebGPUKernels } from './kernels.js';

interface Region { made: Map<GPUTensor, number>; count: number }

function gpuDType(dtype: DType): GPUDType {
  if (dtype === 'float32' || dtype === 'int32') return dtype;
  throw new ZerogradError('webgpu', `a ${dtype} tensor: WebGPU computes in float32 and int32 (WGSL has no float64, and 16-bit floats are an optional feature); convert it with .float() before moving it to the GPU`);
}

/**
 * `table`'s kernels, each replaced by `adapt(name)`: the result has the table's names, as its type says (which
 * Object.fromEntries cannot say), so a forward kernel missing from GPU_KERNELS is missing from the backend's type too.
 */
function eachKernel<T extends Partial<Record<KernelName, unknown>>, R>(table: T, adapt: (name: KernelName) => R): { [K in keyof T]: R } {
  return Object.fromEntries(Object.keys(table).map((name) => [name, adapt(name as KernelName)])) as { [K in keyof T]: R };
}

/**
 * The Backend on WebGPU: tensors are GPUTensors in GPU buffers and every kernel is a WebGPUKernels dispatch (one
 * adapter for all of them: host inputs uploaded, outputs required on the device, as each declaration says), so a
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
  /** Runs a kernel, then gives back the uploads it read (the queue runs the kernel first). */
  const run = <T>(call: () => T): T => {
    try {
      return call();
    } finally {
      for (const t of temporaries.splice(0)) gpu.release(t);
    }
  };
  // One adapter for every kernel the GPU has, derived from the declarations.
  const kernels = eachKernel(GPU_KERNELS, (name) => (args: Record<string, unknown>) => run(() => gpu.run(name, mapStorage(KERNELS[name], args, input, output) as never)));

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
    ...kernels,
  };
}
