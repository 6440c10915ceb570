import type { Backend } from '../backend.js';
import type { HostStorage } from '../../core/dtype.js';
import { noScratch, referenceBackend } from '../reference/index.js';
import { WasmArena } from './arena.js';
import { batchNorm } from './batchNorm.js';
import { WasmContext } from './context.js';
import { crossEntropy } from './crossEntropy.js';
import { elementwise } from './elementwise.js';
import type { WasmExports } from './exports.js';
import { indexing } from './indexing.js';
import type { KernelPool } from './kernelPool.js';
import { layerNorm } from './layerNorm.js';
import { matmul } from './matmul.js';
import { optim } from './optim.js';
import { reduce } from './reduce.js';
import { softmax } from './softmax.js';
import type { WasmMemory, WasmModule } from './wasmTypes.js';
import { window } from './window.js';

export interface WasmBackendOptions {
  /** A shared memory to instantiate on (the kernels built with --sharedMemory import one). */
  memory?: WasmMemory;
  /** Threads that take part in large kernels (matrix products, elementwise functions), on that same memory. */
  pool?: KernelPool;
}

/** Bytes below this are left to the AssemblyScript module's own static data. */
const HEAP_START = 65536;

/**
 * The WebAssembly SIMD backend: the kernels of assembly/, family by family (wasm/<family>.ts, named as
 * kernels/<family>.ts declares them). On a shared memory, tensors made inside arenaStep live in the kernels' memory
 * (wasm/arena.ts), where the kernels read and write them in place. Large products, elementwise functions and window
 * kernels are split across `pool`. Every kernel a family leaves out, or cannot run on its arrays, is the reference
 * backend's.
 */
export function instantiateWasmBackend(wasm: Uint8Array<ArrayBuffer> | WasmModule, { memory, pool }: WasmBackendOptions = {}): Backend<HostStorage> {
  const module = wasm instanceof Uint8Array ? new WebAssembly.Module(wasm) : wasm;
  const instance = new WebAssembly.Instance(module, { env: memory ? { memory } : {} });
  const exports = instance.exports as unknown as WasmExports;
  const arena = new WasmArena(exports.memory, HEAP_START, exports.zero);
  const shared = typeof SharedArrayBuffer !== 'undefined' && exports.memory.buffer instanceof SharedArrayBuffer;
  const context = new WasmContext(arena, exports, pool);

  return {
    ...referenceBackend,
    ...elementwise(context), ...reduce(context), ...matmul(context), ...softmax(context), ...crossEntropy(context),
    ...layerNorm(context), ...batchNorm(context), ...indexing(context), ...window(context), ...optim(context),
    name: 'wasm-simd',
    // Outside a scratch region (and on an unshared memory, where none opens) the arena allocates JS arrays.
    alloc: (dtype, size) => arena.alloc(dtype, size),
    empty: (dtype, size) => arena.alloc(dtype, size, false),
    memoryInUse: () => arena.used,
    scratch: () => (shared ? { holds: (storage) => arena.holds(storage), ...arena.open() } : noScratch),
  };
}
