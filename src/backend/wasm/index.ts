import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { Backend } from '../backend.js';
import type { HostStorage } from '../../core/dtype.js';
import { instantiateWasmBackend } from './backend.js';
import { createSharedMemory } from './kernelPool.js';
import { createKernelPool, threadCount } from './threadPool.js';
import type { WasmModule } from './wasmTypes.js';

/**
 * Where `npm run build:wasm` puts the kernels compiled from assembly/ built on an imported shared memory,
 * which worker threads instantiate too (dist/wasm/kernels.wasm, on a memory of its own, is the browser's
 * fallback for pages that are not cross-origin isolated).
 */
export const SHARED_KERNELS_URL = new URL('../../../wasm/kernels-shared.wasm', import.meta.url);
/** The same kernels built with relaxed SIMD: the matrix products' multiply-adds fused (f32x4.relaxed_madd). */
export const SHARED_FMA_KERNELS_URL = new URL('../../../wasm/kernels-shared-fma.wasm', import.meta.url);

/** Which build of the kernels runs: fused multiply-adds where the engine has relaxed SIMD, else SIMD128. */
export type KernelBuild = 'relaxed-simd' | 'simd128';

const compiled = new Map<KernelBuild, WasmModule>();
let preferred: KernelBuild | null = null;
let relaxedSimd: boolean | null = null;

/** Whether this engine runs relaxed SIMD (Node 20 needs its experimental flag, switched on here before compiling). */
function relaxedSimdAvailable(): boolean {
  if (relaxedSimd === null) {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxedSimd = WebAssembly.validate(readFileSync(SHARED_FMA_KERNELS_URL));
  }
  return relaxedSimd;
}

/**
 * The build this process runs by default: relaxed SIMD when the engine has it (Node 22 and Chromium 114 have it
 * on), SIMD128 otherwise, or the one ZEROGRAD_KERNELS names.
 */
export function defaultKernelBuild(): KernelBuild {
  if (preferred) return preferred;
  const wanted = process.env.ZEROGRAD_KERNELS;
  if (wanted !== undefined && wanted !== 'simd128' && wanted !== 'relaxed-simd') throw new Error(`ZEROGRAD_KERNELS must be 'simd128' or 'relaxed-simd', got '${wanted}'`);
  if (wanted === 'relaxed-simd' && !relaxedSimdAvailable()) throw new Error('ZEROGRAD_KERNELS=relaxed-simd, but this engine has no relaxed SIMD');
  preferred = (wanted as KernelBuild | undefined) ?? (relaxedSimdAvailable() ? 'relaxed-simd' : 'simd128');
  return preferred;
}

/** One build's kernels, compiled once per process. */
export function kernelModule(build: KernelBuild): WasmModule {
  let module = compiled.get(build);
  if (!module) {
    if (build === 'relaxed-simd' && !relaxedSimdAvailable()) throw new Error('this engine has no relaxed SIMD for the fused kernels');
    module = new WebAssembly.Module(readFileSync(build === 'relaxed-simd' ? SHARED_FMA_KERNELS_URL : SHARED_KERNELS_URL));
    compiled.set(build, module);
  }
  return module;
}

/**
 * The WebAssembly backend in Node, from the compiled kernels on disk (a browser fetches them instead).
 * With more than one thread (ZEROGRAD_THREADS, by default the machine's cores) large matrix products are
 * and elementwise functions are split across a worker_threads pool sharing the kernels' memory; results do
 * not depend on the count.
 */
export function createWasmBackend({ threads = threadCount(), build = defaultKernelBuild() }: { threads?: number; build?: KernelBuild } = {}): Backend<HostStorage> {
  // Always a shared build: only a shared memory can grow under the tensors arenaStep keeps in it.
  const module = kernelModule(build);
  const memory = createSharedMemory();
  return instantiateWasmBackend(module, { memory, pool: threads > 1 ? createKernelPool(module, memory, threads) : undefined });
}
