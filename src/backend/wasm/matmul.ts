// The WebAssembly matrix product: sgemm over packed panels, or dot products for a long K, split across the pool.
import type { HostArgs } from '../kernels/index.js';
import type { MatmulSpec } from '../kernels/matmul.js';
import { referenceBackend } from '../reference/index.js';
import type { WasmContext, WasmKernels } from './context.js';
import { claimSize } from './kernelPool.js';

/** Multiply-adds below which waking other threads costs more than it saves. */
const PARALLEL_WORK = 1 << 21;
/** Where sgemmNT's dot products beat packing: a K this long against at most this many rows and columns. */
const NT_MIN_DEPTH = 2048;
const NT_MAX_ROWS = 64;
const NT_MAX_COLS = 256;
/** Rows of A per micro-panel, as assembly/sgemm.ts's MR. */
const MR = 4;

/** Elements a rows x cols operand spans in its storage (its transpose's when `transposed`), leading dimension `ld`. */
function storedExtent(rows: number, cols: number, transposed: boolean, ld: number): number {
  const [outer, inner] = transposed ? [cols, rows] : [rows, cols];
  return Math.max(0, (outer - 1) * ld + inner);
}

/**
 * Float32 matrix products run in the sgemm kernel compiled from assembly/sgemm.ts (4x8 register tiles of f32x4
 * multiply-adds over 4-row panels of A and 8-column panels of B, blocked over K and M), laid out by the packPanels
 * kernel, which also resolves transposed and strided views; products read and write arena tensors in place.
 */
export function matmul({ arena, exports: wasm, pool }: WasmContext): WasmKernels {
  /** The byte address of a float32 operand's element 0: in place when the arena holds it, else copied into `staging`. */
  function operandAt(storage: Float32Array, first: number, count: number, staging: number): number {
    if (arena.holds(storage)) return storage.byteOffset + 4 * first;
    new Float32Array(arena.view().buffer, staging, count).set(storage.subarray(first, first + count));
    return staging;
  }

  /**
   * A @ B^T with both operands row-major along a long K and small otherwise (a convolution weight's gradient)
   * as dot products, without packing: packing would copy more floats than the product reads. Says whether it ran.
   */
  function dotProducts(spec: MatmulSpec, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
    const { batch, M, N, K } = spec;
    if (spec.transA || !spec.transB || K % 4 !== 0 || K < NT_MIN_DEPTH || M > NT_MAX_ROWS || N > NT_MAX_COLS || !arena.holds(a) || !arena.holds(b) || !arena.holds(out)) return false;
    const groups = Math.ceil(N / 4);
    for (let p = 0; p < batch; p++) {
      const args = [a.byteOffset + 4 * spec.aOffsets[p], b.byteOffset + 4 * spec.bOffsets[p], out.byteOffset + 4 * p * M * N, M, N, K, spec.lda, spec.ldb] as const;
      if (pool && groups >= 2 * pool.threads && M * N * K >= PARALLEL_WORK) {
        pool.run({ kind: 'sgemmNT', args, items: groups, chunk: claimSize(groups, pool.threads) }, wasm);
      } else {
        wasm.sgemmNT(...args, 0, groups);
      }
    }
    return true;
  }

  function matmul({ spec, a, b, out }: HostArgs<'matmul'>): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) {
      referenceBackend.matmul({ spec, a, b, out });
      return;
    }
    if (dotProducts(spec, a, b, out)) return;
    const { batch, M, N, K } = spec;
    const panels = Math.ceil(N / 8);
    const rawA = storedExtent(M, K, spec.transA, spec.lda);
    const rawB = storedExtent(K, N, spec.transB, spec.ldb);
    const direct = arena.holds(out);
    // Packed operands, then (for operands and results outside the arena) room to copy them in and out.
    const bytes = 4 * (K * Math.ceil(M / MR) * MR + K * panels * 8 + (arena.holds(a) ? 0 : rawA) + (arena.holds(b) ? 0 : rawB) + (direct ? 0 : M * N));
    const aAt = arena.block(bytes);
    let next = aAt;
    const take = (floats: number) => (next += 4 * floats) - 4 * floats;
    take(K * Math.ceil(M / MR) * MR);
    const bAt = take(K * panels * 8);
    const rawAAt = take(arena.holds(a) ? 0 : rawA);
    const rawBAt = take(arena.holds(b) ? 0 : rawB);
    const cStaging = next;
    // Element (r, c) of a stored operand sits at r * rowStep + c * colStep from its offset.
    const [aRowStep, aColStep] = spec.transA ? [1, spec.lda] : [spec.lda, 1];
    const [bRowStep, bColStep] = spec.transB ? [1, spec.ldb] : [spec.ldb, 1];
    // A row-major B in the arena whose rows split into whole panels is read in place: packing it would copy
    // K x N floats to save nothing (the kernel reads each row's eight floats as it would a packed panel's).
    const inPlaceB = !spec.transB && N % 8 === 0 && arena.holds(b);
    let packedB = -1;
    for (let p = 0; p < batch; p++) {
      // A's rows in groups of MR; B's columns in groups of 8.
      wasm.packPanels(operandAt(a, spec.aOffsets[p], rawA, rawAAt), aAt, M, K, aRowStep, aColStep, MR);
      // A weight matrix shared by every batch entry (broadcast) is packed once.
      if (!inPlaceB && spec.bOffsets[p] !== packedB) {
        wasm.packPanels(operandAt(b, spec.bOffsets[p], rawB, rawBAt), bAt, N, K, bColStep, bRowStep, 8);
        packedB = spec.bOffsets[p];
      }
      const [bPanels, panelBytes, depthBytes] = inPlaceB ? [b.byteOffset + 4 * spec.bOffsets[p], 32, 4 * spec.ldb] : [bAt, 32 * K, 32];
      const cAt = direct ? out.byteOffset + 4 * p * M * N : cStaging;
      // A small product calls the kernel directly: building a job for it costs microseconds, and a head's
      // attention product is a few microseconds of work.
      if (pool && panels >= 2 * pool.threads && M * N * K >= PARALLEL_WORK) {
        pool.run({ kind: 'sgemm', args: [aAt, bPanels, cAt, M, N, K, panelBytes, depthBytes], items: panels, chunk: claimSize(panels, pool.threads) }, wasm);
      } else {
        wasm.sgemm(aAt, bPanels, cAt, M, N, K, 0, panels, panelBytes, depthBytes);
      }
      if (!direct) out.set(new Float32Array(arena.view().buffer, cAt, M * N), p * M * N);
    }
    arena.release(aAt, bytes);
  }

  return { matmul };
}
