import { readFileSync } from 'node:fs';
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

/** Where `npm run build:wasm` puts the kernels compiled from assembly/ (dist/wasm/). */
export const KERNELS_URL = new URL('../../../wasm/kernels.wasm', import.meta.url);

/**
 * The WebAssembly SIMD backend: float32 matrix products run in the sgemm kernel compiled from
 * assembly/sgemm.ts (4x8 register tiles of f32x4 multiply-adds); every other kernel, and float64
 * matmul, is the reference backend's. Operands are packed into the module's memory as dense
 * row-major matrices, which also resolves transposed and strided layouts.
 */
export function createWasmBackend(wasmBytes: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(KERNELS_URL))): Backend {
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

  /** Copies a (rows x cols) matrix stored at `offset` (transposed or with leading dim `ld`) into heap[at..] densely. */
  function pack(src: Float32Array, offset: number, rows: number, cols: number, transposed: boolean, ld: number, at: number): void {
    if (!transposed && ld === cols) {
      heap.set(src.subarray(offset, offset + rows * cols), at);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const base = at + r * cols;
      if (transposed) for (let c = 0; c < cols; c++) heap[base + c] = src[offset + c * ld + r];
      else heap.set(src.subarray(offset + r * ld, offset + r * ld + cols), base);
    }
  }

  function matmul(spec: MatmulSpec, a: Storage, b: Storage, out: Storage): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      referenceBackend.matmul(spec, a, b, out);
      return;
    }
    const { batch, M, N, K } = spec;
    reserve(M * K + K * N + M * N);
    const aAt = HEAP_START / 4;
    const bAt = aAt + M * K;
    const cAt = bAt + K * N;
    let packedB = -1;
    for (let p = 0; p < batch; p++) {
      pack(a, spec.aOffsets[p], M, K, spec.transA, spec.lda, aAt);
      // A weight matrix shared by every batch entry (broadcast) is packed once.
      if (spec.bOffsets[p] !== packedB) {
        pack(b, spec.bOffsets[p], K, N, spec.transB, spec.ldb, bAt);
        packedB = spec.bOffsets[p];
      }
      kernels.sgemm(aAt * 4, bAt * 4, cAt * 4, M, N, K);
      out.set(heap.subarray(cAt, cAt + M * N), p * M * N);
    }
  }

  return { ...referenceBackend, name: 'wasm-simd', matmul };
}
