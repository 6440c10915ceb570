// The training worker's kernels: WebAssembly SIMD, on several threads when the page is cross-origin isolated, with
// fused multiply-adds (the relaxed-SIMD build) where the browser has relaxed SIMD (Chromium 114 and later).
import kernelsUrl from '../dist/wasm/kernels.wasm?url';
import fmaKernelsUrl from '../dist/wasm/kernels-fma.wasm?url';
import sharedKernelsUrl from '../dist/wasm/kernels-shared.wasm?url';
import sharedFmaKernelsUrl from '../dist/wasm/kernels-shared-fma.wasm?url';
import type { Backend } from '../src/backend/backend.js';
import { instantiateWasmBackend } from '../src/backend/wasm/backend.js';
import { createControl, createSharedMemory, kernelPool } from '../src/backend/wasm/kernelPool.js';

const fetchBytes = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());

/** The relaxed-SIMD build's bytes when this browser validates them, else the SIMD128 build's. */
async function kernelBytes(fmaUrl: string, plainUrl: string): Promise<{ bytes: Uint8Array<ArrayBuffer>; build: string }> {
  const fma = await fetchBytes(fmaUrl);
  return WebAssembly.validate(fma) ? { bytes: fma, build: 'relaxed SIMD' } : { bytes: await fetchBytes(plainUrl), build: 'SIMD128' };
}

/** Starts `count` pool workers and resolves once each has its share of the setup. */
function startWorkers(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, control: SharedArrayBuffer): Promise<unknown[]> {
  return Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./poolWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = resolve;
    worker.onerror = (event) => reject(new Error(`kernel pool worker: ${event.message}`));
    worker.postMessage({ module, memory, control });
  })));
}

/**
 * When SharedArrayBuffer is allowed (the page is cross-origin isolated) and `threads` is not false (a page's main
 * thread may not block, which the pool's waits do): the kernels on a shared memory,
 * which keeps arenaStep's tensors, and one thread per core (at most four). Otherwise, or if that fails,
 * the single-threaded kernels on a memory of their own.
 */
export async function createPageBackend({ threads: allowThreads = true } = {}): Promise<{ backend: Backend; threads: number; build: string }> {
  if (globalThis.crossOriginIsolated && allowThreads) {
    const threads = Math.min(4, navigator.hardwareConcurrency || 1);
    try {
      const { bytes, build } = await kernelBytes(sharedFmaKernelsUrl, sharedKernelsUrl);
      const module = await WebAssembly.compile(bytes);
      const memory = createSharedMemory();
      const control = createControl();
      await startWorkers(threads - 1, module, memory, control);
      return { backend: instantiateWasmBackend(module, { memory, pool: threads > 1 ? kernelPool(control, threads) : undefined }), threads, build };
    } catch (error) {
      console.warn(`zerograd: one thread (${(error as Error).message})`);
    }
  }
  const { bytes, build } = await kernelBytes(fmaKernelsUrl, kernelsUrl);
  return { backend: instantiateWasmBackend(bytes), threads: 1, build };
}
