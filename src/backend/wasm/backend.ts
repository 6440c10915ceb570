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

  /** Copies A (M x K) into heap[at..] as the kernel's 6-row micro-panels, zero-padded past M. */
  function packA(src: Float32Array, offset: number, M: number, K: number, transposed: boolean, ld: number, at: number): void {
    // Element (r, k) of A sits at src[offset + r * rowStep + k * colStep].
    const rowStep = transposed ? 1 : ld;
    const colStep = transposed ? ld : 1;
    for (let m = 0; m < M; m += MR) {
      const rows = Math.min(MR, M - m);
      let dst = at + m * K;
      for (let k = 0; k < K; k++) {
        const base = offset + m * rowStep + k * colStep;
        for (let i = 0; i < rows; i++) heap[dst + i] = src[base + i * rowStep];
        for (let i = rows; i < MR; i++) heap[dst + i] = 0;
        dst += MR;
      }
    }
  }

  /** Copies B (K x N) into heap[at..] as the kernel's 8-column panels, zero-padded past N. */
  function packB(src: Float32Array, offset: number, K: number, N: number, transposed: boolean, ld: number, at: number): void {
    const panelSize = K * 8;
    const panels = Math.ceil(N / 8);
    if (N % 8 !== 0) heap.fill(0, at + (panels - 1) * panelSize, at + panels * panelSize);
    if (transposed) {
      // B^T is stored: column n of B is a contiguous row of the source.
      for (let n = 0; n < N; n++) {
        const dst = at + (n >> 3) * panelSize + (n & 7);
        const row = offset + n * ld;
        for (let k = 0; k < K; k++) heap[dst + k * 8] = src[row + k];
      }
      return;
    }
    for (let k = 0; k < K; k++) {
      const row = offset + k * ld;
      for (let n = 0; n < N; n++) heap[at + (n >> 3) * panelSize + k * 8 + (n & 7)] = src[row + n];
    }
  }

  function matmul(spec: MatmulSpec, a: Storage, b: Storage, out: Storage): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      referenceBackend.matmul(spec, a, b, out);
      return;
    }
    const { batch, M, N, K } = spec;
    const packedBSize = K * Math.ceil(N / 8) * 8;
    const packedASize = K * Math.ceil(M / MR) * MR;
    reserve(packedASize + packedBSize + M * N);
    const aAt = HEAP_START / 4;
    const bAt = aAt + packedASize;
    const cAt = bAt + packedBSize;
    let packedB = -1;
    for (let p = 0; p < batch; p++) {
      packA(a, spec.aOffsets[p], M, K, spec.transA, spec.lda, aAt);
      // A weight matrix shared by every batch entry (broadcast) is packed once.
      if (spec.bOffsets[p] !== packedB) {
        packB(b, spec.bOffsets[p], K, N, spec.transB, spec.ldb, bAt);
        packedB = spec.bOffsets[p];
      }
      const panels = Math.ceil(N / 8);
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
