// The playground worker's engines: WebGPU trains when the browser gives it an adapter; WebAssembly answers
// everything that reads values (samples, attention, drawings, saving) and takes over training if the GPU fails.
import type { Backend } from '../src/backend/backend.js';
import { setBackend } from '../src/backend/registry.js';
import { createWebGPUBackend } from '../src/backend/webgpu/backend.js';
import { type GPUContext, adapterName, requestGPUDevice } from '../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../src/backend/webgpu/kernels.js';

export interface GPUEngine {
  backend: Backend;
  context: GPUContext;
  name: string;
  /** Why the GPU can no longer be trusted (device lost, a validation error, a failed step), once it cannot. */
  fault: string | null;
}

/**
 * The WebGPU backend on the browser's adapter, or null where there is none (no navigator.gpu, no adapter, or the
 * page asked for WebAssembly). A lost device or an uncaptured WebGPU error marks it faulty rather than throwing,
 * since both arrive asynchronously; the training loop checks after every step.
 */
export async function startGPU(): Promise<GPUEngine | null> {
  if (!globalThis.navigator?.gpu) return null;
  let context: GPUContext;
  try {
    context = await requestGPUDevice();
  } catch (error) {
    console.warn(`zerograd: WebAssembly only (${(error as Error).message})`);
    return null;
  }
  const engine: GPUEngine = {
    backend: createWebGPUBackend(new WebGPUKernels(context.device)), context, name: `WebGPU on ${adapterName(context.adapter)}`, fault: null,
  };
  void context.device.lost.then((info) => { engine.fault ??= `the GPU device was lost (${info.message || info.reason})`; });
  context.device.addEventListener('uncapturederror', (event) => {
    engine.fault ??= `a WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`;
  });
  return engine;
}

/**
 * Runs the synchronous `fn` on `backend`, then restores the worker's default (the CPU). Work that awaits is
 * split so that only its synchronous parts run here: a message handled during an await then finds the CPU active.
 */
export function on<T>(backend: Backend, fn: () => T): T {
  const previous = setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}
