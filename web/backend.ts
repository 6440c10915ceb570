// The training worker's kernels: WebAssembly SIMD, on several threads when the page is cross-origin isolated.
import kernelsUrl from '../dist/wasm/kernels.wasm?url';
import sharedKernelsUrl from '../dist/wasm/kernels-shared.wasm?url';
import type { Backend } from '../src/backend/backend.js';
import { instantiateWasmBackend } from '../src/backend/wasm/backend.js';
import { createControl, createSharedMemory, sgemmPool } from '../src/backend/wasm/sgemmPool.js';

const fetchBytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

/** Starts `count` pool workers and resolves once each has its share of the setup. */
function startWorkers(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, control: SharedArrayBuffer): Promise<unknown[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./sgemmWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = resolve;
    worker.onerror = (event) => reject(new Error(`sgemm worker: ${event.message}`));
    worker.postMessage({ module, memory, control, index });
  })));
}

/**
 * One thread per core (at most four) when SharedArrayBuffer is allowed, i.e. the page is cross-origin
 * isolated; otherwise, or if starting the pool fails, the single-threaded kernels.
 */
export async function createPageBackend(): Promise<{ backend: Backend; threads: number }> {
  const threads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  if (threads > 1) {
    try {
      const module = await WebAssembly.compile(await fetchBytes(sharedKernelsUrl));
      const memory = createSharedMemory();
      const control = createControl(threads);
      await startWorkers(threads - 1, module, memory, control);
      return { backend: instantiateWasmBackend(module, { memory, pool: sgemmPool(control, threads) }), threads };
    } catch (error) {
      console.warn(`zerograd: one thread (${(error as Error).message})`);
    }
  }
  return { backend: instantiateWasmBackend(await fetchBytes(kernelsUrl)), threads: 1 };
}
