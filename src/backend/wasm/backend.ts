import type { Backend, MatmulSpec } from '../backend.js';
import type { Storage } from '../../tensor/dtype.js';
import { referenceBackend } from '../reference/index.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  sgemm(a: number, b: number, c: number, M: number, N: number, K: number): void;
}

/** Bytes below this are left to the AssemblyScript module's own static data. */
const HEAP_START = 65536;
const PAGE = 65536;

/**
 * The WebAssembly SIMD backend: float32 matrix products run in the sgemm kernel compiled from
 * assembly/sgemm.ts (4x8 register tiles of f32x4 multiply-adds over 8-column panels of B, blocked
 * over K); every other kernel, and float64 matmul, is the reference backend's. Operands are copied
 * into the module's memory in the kernel's layout, which also resolves transposed and strided views.
 */
export function instantiateWasmBackend(wasmBytes: Uint8Array<ArrayBuffer>): Backend {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes), {
    env: { abort: () => { throw new Error('wasm kernel aborted'); } },
  });
  const kernels = instance.exports as unknown as KernelExports;
  let heap = new Float32Array(kernels.memory.buffer);

  /** A float32 view of at least `floats` elements from HEAP_START, growing the memory when needed. */
  function reserve(floats: number): void {
    const needed = HEAP_START + floats * 4;
    const have = kernels.memory.buffer.byteLength;
    if (needed > have) kernels.memory.grow(Math.ceil((needed - have) / PAGE));
    if (heap.buffer !== kernels.memory.buffer) heap = new Float32Array(kernels.memory.buffer);
  }

  /** Copies A (rows x cols) into heap[at..] densely, row-major. */
  function packA(src: Float32Array, offset: number, rows: number, cols: number, transposed: boolean, ld: number, at: number): void {
    if (!transposed && ld === cols) {
      heap.set(src.subarray(offset, offset + rows * cols), at);
      return;
    }
    for (let r = 0; r < rows; r++) {
      if (transposed) for (let c = 0; c < cols; c++) heap[at + r * cols + c] = src[offset + c * ld + r];
      else heap.set(src.subarray(offset + r * ld, offset + r * ld + cols), at + r * cols);
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
    reserve(M * K + packedBSize + M * N);
    const aAt = HEAP_START / 4;
    const bAt = aAt + M * K;
    const cAt = bAt + packedBSize;
    let packedB = -1;
    for (let p = 0; p < batch; p++) {
      packA(a, spec.aOffsets[p], M, K, spec.transA, spec.lda, aAt);
      // A weight matrix shared by every batch entry (broadcast) is packed once.
      if (spec.bOffsets[p] !== packedB) {
        packB(b, spec.bOffsets[p], K, N, spec.transB, spec.ldb, bAt);
        packedB = spec.bOffsets[p];
      }
      kernels.sgemm(aAt * 4, bAt * 4, cAt * 4, M, N, K);
      out.set(heap.subarray(cAt, cAt + M * N), p * M * N);
    }
  }

  return { ...referenceBackend, name: 'wasm-simd', matmul };
}
