import { readFileSync } from 'node:fs';
import type { Backend } from '../backend.js';
import { instantiateWasmBackend } from './backend.js';
import { createSharedMemory } from './sgemmPool.js';
import { createSgemmPool, threadCount } from './threadPool.js';

/** Where `npm run build:wasm` puts the kernels compiled from assembly/ (dist/wasm/), for one thread... */
export const KERNELS_URL = new URL('../../../wasm/kernels.wasm', import.meta.url);
/** ...and built on an imported shared memory, which worker threads instantiate too. */
export const SHARED_KERNELS_URL = new URL('../../../wasm/kernels-shared.wasm', import.meta.url);

/**
 * The WebAssembly backend in Node, from the compiled kernels on disk (a browser fetches them instead).
 * With more than one thread (ZEROGRAD_THREADS, by default the machine's cores) large matrix products are
 * split across a worker_threads pool sharing the kernels' memory; results do not depend on the count.
 */
export function createWasmBackend({ threads = threadCount() }: { threads?: number } = {}): Backend {
  if (threads === 1) return instantiateWasmBackend(new Uint8Array(readFileSync(KERNELS_URL)));
  const module = new WebAssembly.Module(readFileSync(SHARED_KERNELS_URL));
  const memory = createSharedMemory();
  return instantiateWasmBackend(module, { memory, pool: createSgemmPool(module, memory, threads) });
}
