import { readFileSync } from 'node:fs';
import type { Backend } from '../backend.js';
import { instantiateWasmBackend } from './backend.js';
import { createSharedMemory } from './kernelPool.js';
import { createKernelPool, threadCount } from './threadPool.js';

/**
 * Where `npm run build:wasm` puts the kernels compiled from assembly/ built on an imported shared memory,
 * which worker threads instantiate too (dist/wasm/kernels.wasm, on a memory of its own, is the browser's
 * fallback for pages that are not cross-origin isolated).
 */
export const SHARED_KERNELS_URL = new URL('../../../wasm/kernels-shared.wasm', import.meta.url);

/**
 * The WebAssembly backend in Node, from the compiled kernels on disk (a browser fetches them instead).
 * With more than one thread (ZEROGRAD_THREADS, by default the machine's cores) large matrix products are
 * and elementwise functions are split across a worker_threads pool sharing the kernels' memory; results do
 * not depend on the count.
 */
export function createWasmBackend({ threads = threadCount() }: { threads?: number } = {}): Backend {
  // Always the shared build: only a shared memory can grow under the tensors arenaStep keeps in it.
  const module = new WebAssembly.Module(readFileSync(SHARED_KERNELS_URL));
  const memory = createSharedMemory();
  return instantiateWasmBackend(module, { memory, pool: threads > 1 ? createKernelPool(module, memory, threads) : undefined });
}
