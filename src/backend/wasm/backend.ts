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
  packA(src: number, dst: number, M: number, K: number, rowStep: number, colStep: number): void;
  packB(src: number, dst: number, K: number, N: number, rowStep: number, colStep: number): void;
}

/** Bytes below this are left to the AssemblyScript module's own static data. */
const HEAP_START = 65536;
/** Multiply-adds below which waking other threads costs more than it saves. */
const PARALLEL_WORK = 1 << 21;
/** Rows of A per micro-panel, as assembly/sgemm.ts's MR. */
const MR = 6;
const PAGE = 65536;

/**
 * The WebAssembly SIMD backend: float32 matrix products run in the sgemm kernel compiled from
 * assembly/sgemm.ts (6x8 register tiles of f32x4 multiply-adds over 6-row panels of A and 8-column
 * panels of B, blocked over K and M); every other kernel, and float64 matmul, is the reference backend's. Operands are copied
 * into the module's memory in the kernel's layout, which also resolves transposed and strided views.
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

  /**
   * Copies the stored elements of an operand (a rows x cols matrix, or its transpose when `transposed`,
   * with leading dimension `ld`) into heap[at..] unchanged; the kernels' pack functions lay it out.
   */
  function copyIn(src: Float32Array, offset: number, rows: number, cols: number, transposed: boolean, ld: number, at: number): void {
    const [outer, inner] = transposed ? [cols, rows] : [rows, cols];
    heap.set(src.subarray(offset, offset + Math.max(0, (outer - 1) * ld + inner)), at);
  }

  function matmul(spec: MatmulSpec, a: Storage, b: Storage, out: Storage): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      referenceBackend.matmul(spec, a, b, out);
      return;
    }
    const { batch, M, N, K } = spec;
    const packedBSize = K * Math.ceil(N / 8) * 8;
    const packedASize = K * Math.ceil(M / MR) * MR;
    // The raw operands (with their strides) go above the packed ones: at most (rows - 1) * ld + cols each.
    const rawA = Math.max(0, spec.transA ? (K - 1) * spec.lda + M : (M - 1) * spec.lda + K);
    const rawB = Math.max(0, spec.transB ? (N - 1) * spec.ldb + K : (K - 1) * spec.ldb + N);
    reserve(packedASize + packedBSize + M * N + rawA + rawB);
    const aAt = HEAP_START / 4;
    const bAt = aAt + packedASize;
    const cAt = bAt + packedBSize;
    const rawAAt = cAt + M * N;
    const rawBAt = rawAAt + rawA;
    const panels = Math.ceil(N / 8);
    let packedB = -1;
    for (let p = 0; p < batch; p++) {
      copyIn(a, spec.aOffsets[p], M, K, spec.transA, spec.lda, rawAAt);
      kernels.packA(rawAAt * 4, aAt * 4, M, K, spec.transA ? 1 : spec.lda, spec.transA ? spec.lda : 1);
      // A weight matrix shared by every batch entry (broadcast) is packed once.
      if (spec.bOffsets[p] !== packedB) {
        copyIn(b, spec.bOffsets[p], K, N, spec.transB, spec.ldb, rawBAt);
        kernels.packB(rawBAt * 4, bAt * 4, K, N, spec.transB ? 1 : spec.ldb, spec.transB ? spec.ldb : 1);
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
