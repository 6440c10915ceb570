import type { Backend, MatmulSpec } from '../backend.js';
import type { Storage } from '../../tensor/dtype.js';
import { referenceBackend } from '../reference/index.js';

/** Splits one sgemm's column panels between the calling thread and worker threads on the same memory. */
export interface SgemmPool {
  threads: number;
  sgemm(a: number, b: number, c: number, M: number, N: number, K: number, local: (panelStart: number, panelEnd: number) => void): void;
}

export interface WasmBackendOptions {
  /** A shared memory to instantiate on (the kernels built with --sharedMemory import one). */
  memory?: WebAssembly.Memory;
  /** Threads that take part in large matrix products, on that same memory. */
  pool?: SgemmPool;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  sgemm(a: number, b: number, c: number, M: number, N: number, K: number, panelStart: number, panelEnd: number): void;
  packPanels(src: number, dst: number, count: number, depth: number, countStep: number, depthStep: number, width: number): void;
}

/** Bytes below this are left to the AssemblyScript module's own static data. */
const HEAP_START = 65536;
/** Multiply-adds below which waking other threads costs more than it saves. */
const PARALLEL_WORK = 1 << 21;
/** Rows of A per micro-panel, as assembly/sgemm.ts's MR. */
const MR = 6;
const PAGE = 65536;

/** Elements a rows x cols operand spans in its storage (its transpose's when `transposed`), leading dimension `ld`. */
function storedExtent(rows: number, cols: number, transposed: boolean, ld: number): number {
  const [outer, inner] = transposed ? [cols, rows] : [rows, cols];
  return Math.max(0, (outer - 1) * ld + inner);
}

/**
 * The WebAssembly SIMD backend: float32 matrix products run in the sgemm kernel compiled from
 * assembly/sgemm.ts (6x8 register tiles of f32x4 multiply-adds over 6-row panels of A and 8-column
 * panels of B, blocked over K and M); every other kernel, and float64 matmul, is the reference backend's.
 * Operands are copied into the module's memory as stored and laid out there by the packPanels kernel,
 * which also resolves transposed and strided views.
 */
export function instantiateWasmBackend(wasm: Uint8Array<ArrayBuffer> | WebAssembly.Module, { memory, pool }: WasmBackendOptions = {}): Backend {
  const module = wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
  const instance = new WebAssembly.Instance(module, { env: memory ? { memory } : {} });
  const kernels = instance.exports as unknown as KernelExports;
  let heap = new Float32Array(kernels.memory.buffer);

  /** A float32 view of at least `floats` elements from HEAP_START, growing the memory when needed. */
  function reserve(floats: number): void {
    const needed = HEAP_START + floats * 4;
    const have = kernels.memory.buffer.byteLength;
    if (needed > have) kernels.memory.grow(Math.ceil((needed - have) / PAGE));
    if (heap.buffer !== kernels.memory.buffer) heap = new Float32Array(kernels.memory.buffer);
  }

  function matmul(spec: MatmulSpec, a: Storage, b: Storage, out: Storage): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      referenceBackend.matmul(spec, a, b, out);
      return;
    }
    const { batch, M, N, K } = spec;
    const packedBSize = K * Math.ceil(N / 8) * 8;
    const packedASize = K * Math.ceil(M / MR) * MR;
    // The raw operands (as stored, strides and all) go above the packed ones.
    const rawA = storedExtent(M, K, spec.transA, spec.lda);
    const rawB = storedExtent(K, N, spec.transB, spec.ldb);
    reserve(packedASize + packedBSize + M * N + rawA + rawB);
    const aAt = HEAP_START / 4;
    const bAt = aAt + packedASize;
    const cAt = bAt + packedBSize;
    const rawAAt = cAt + M * N;
    const rawBAt = rawAAt + rawA;
    const panels = Math.ceil(N / 8);
    // Element (r, c) of a stored operand sits at r * rowStep + c * colStep from its offset.
    const [aRowStep, aColStep] = spec.transA ? [1, spec.lda] : [spec.lda, 1];
    const [bRowStep, bColStep] = spec.transB ? [1, spec.ldb] : [spec.ldb, 1];
    let packedB = -1;
    for (let p = 0; p < batch; p++) {
      heap.set(a.subarray(spec.aOffsets[p], spec.aOffsets[p] + rawA), rawAAt);
      // A's rows in groups of MR; B's columns in groups of 8.
      kernels.packPanels(rawAAt * 4, aAt * 4, M, K, aRowStep, aColStep, MR);
      // A weight matrix shared by every batch entry (broadcast) is packed once.
      if (spec.bOffsets[p] !== packedB) {
        heap.set(b.subarray(spec.bOffsets[p], spec.bOffsets[p] + rawB), rawBAt);
        kernels.packPanels(rawBAt * 4, bAt * 4, N, K, bColStep, bRowStep, 8);
        packedB = spec.bOffsets[p];
      }
      if (pool && panels >= 2 * pool.threads && M * N * K >= PARALLEL_WORK) {
        pool.sgemm(aAt * 4, bAt * 4, cAt * 4, M, N, K, (start, end) => kernels.sgemm(aAt * 4, bAt * 4, cAt * 4, M, N, K, start, end));
      } else {
        kernels.sgemm(aAt * 4, bAt * 4, cAt * 4, M, N, K, 0, panels);
      }
      out.set(heap.subarray(cAt, cAt + M * N), p * M * N);
    }
  }

  return { ...referenceBackend, name: 'wasm-simd', matmul };
}
