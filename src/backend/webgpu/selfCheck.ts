import type { HostStorage } from '../../core/dtype.js';
import { type StridedView, mapStorage } from '../kernel.js';
import { type HostArgs, KERNELS, type KernelName } from '../kernels/index.js';
import { UNARY_OPS, type UnaryOp, unaryFormula } from '../kernels/unaryOps.js';
import type { BinaryOp } from '../kernels/elementwise.js';
import { referenceBackend as ref } from '../reference/index.js';
import type { GPUTensor } from './buffers.js';
import { GPU_KERNELS, type WebGPUKernels } from './kernels.js';

/** One kernel case: its name and the largest error against the reference backend, relative to the tolerance. */
export interface CheckResult {
  kernel: string;
  detail: string;
  /** max |gpu - reference| / (atol + rtol |reference|) over every output; at most 1 passes. */
  worst: number;
  ok: boolean;
  /** Where the worst error is: output, element, GPU value and reference value. */
  at?: string;
}

/**
 * One case of the table: a kernel, its arguments on host arrays (outputs holding their starting values: zeros, or the
 * moments an update starts from), and the tolerance of its outputs. The loop runs the reference kernel on them and the
 * WebGPU kernel on uploaded copies, then compares every output the declaration names.
 */
interface Case<K extends KernelName = KernelName> {
  kernel: K;
  detail: string;
  args: HostArgs<K>;
  rtol?: number;
  atol?: number;
}
const kernelCase = <K extends KernelName>(kernel: K, detail: string, args: HostArgs<K>, rtol = 1e-4, atol = 1e-5): Case =>
  ({ kernel, detail, args, rtol, atol }) as unknown as Case;

/** A seeded stream of floats in [lo, hi) (xorshift32), so every run checks the same numbers. */
function stream(seed: number) {
  let state = seed >>> 0 || 1;
  return (n: number, lo = -2, hi = 2) => Float32Array.from({ length: n }, () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return lo + ((state >>> 8) / 2 ** 24) * (hi - lo);
  });
}

const POSITIVE = new Set(['log', 'sqrt', 'rsqrt']);
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const COMPARISONS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const contiguous = (shape: readonly number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
/** Strides of `shape` broadcast to `to` (trailing alignment, 0 where broadcast). */
function broadcast(shape: readonly number[], to: readonly number[]): number[] {
  const own = contiguous(shape);
  return to.map((_, i) => {
    const j = i - (to.length - shape.length);
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}
const dense = (data: HostStorage, shape: readonly number[]): StridedView<HostStorage> => ({ data, offset: 0, strides: contiguous(shape) });

/**
 * The cases: every kernel on random inputs of awkward sizes (not multiples of the tile or the workgroup, more rows than
 * one grid dimension holds, broadcast and transposed layouts). A backward case takes its forward's outputs from the
 * reference kernel.
 */
function cases(seed: number): Case[] {
  const rand = stream(seed);
  const ints = (n: number, high: number, low = 0) => Int32Array.from(rand(n, low, high), Math.floor);
  const list: Case[] = [];
  const add = (c: Case) => list.push(c);

  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    for (const n of [7, 1537]) {
      const x = op === 'powScalar' ? rand(n, -3, 3) : POSITIVE.has(op) ? rand(n, 0.05, 4) : rand(n, -4, 4);
      const scalar = op === 'powScalar' ? (n === 7 ? 3 : 0.5) : 0;
      if (op === 'powScalar' && scalar === 0.5) x.forEach((v, i) => { x[i] = Math.abs(v) + 0.01; });
      const y = new Float32Array(n);
      ref.unary({ op, x, out: y, scalar });
      add(kernelCase('unary', `${op} n=${n}`, { op, x, out: new Float32Array(n), scalar }, 2e-5, 1e-6));
      if (unaryFormula(op).df) add(kernelCase('unaryBackward', `${op} n=${n}`, { op, x, y, g: rand(n), out: new Float32Array(n), scalar }, 2e-5, 1e-6));
    }
  }

  // (3, 1, 5) against (4, 1): out (3, 4, 5).
  const shape = [3, 4, 5];
  for (const op of BINARY) {
    const a = op === 'pow' ? rand(15, 0.1, 3) : rand(15);
    const b = op === 'pow' ? rand(4, -2, 2) : rand(4);
    if (op === 'eq' || op === 'ne') b[1] = a[0];
    const out = COMPARISONS.has(op) ? new Int32Array(60) : new Float32Array(60);
    add(kernelCase('binary', `${op} (3,1,5) with (4,1)`, {
      op, shape, a: { data: a, offset: 0, strides: broadcast([3, 1, 5], shape) }, b: { data: b, offset: 0, strides: broadcast([4, 1], shape) }, out,
    }, 2e-5, 1e-6));
  }
  add(kernelCase('binary', 'mul of a transposed view with an offset (33, 40)', {
    op: 'mul', shape: [33, 40], a: { data: rand(3 + 40 * 33), offset: 3, strides: [1, 33] }, b: dense(rand(33 * 40), [33, 40]), out: new Float32Array(33 * 40),
  }));
  add(kernelCase('binary', 'int32 add n=101', { op: 'add', shape: [101], a: dense(ints(101, 50, -50), [101]), b: dense(ints(101, 50, -50), [101]), out: new Int32Array(101) }, 0, 0));
  // A comparison may write a float mask (maximum's backward asks for one).
  const [ca, cb] = [rand(12), rand(12)];
  cb[3] = ca[3];
  add(kernelCase('binary', 'ge into a float32 mask', { op: 'ge', shape: [12], a: dense(ca, [12]), b: dense(cb, [12]), out: new Float32Array(12) }, 0, 0));
  add(kernelCase('where', '(3,4,5) with a broadcast branch', {
    shape, cond: dense(ints(60, 2), shape), a: { data: rand(5), offset: 0, strides: [0, 0, 1] }, b: dense(rand(60), shape), out: new Float32Array(60),
  }, 0, 0));
  add(kernelCase('copy', 'a permuted (7, 11, 9) view into dense storage', {
    shape: [7, 11, 9], src: { data: rand(7 * 9 * 11), offset: 0, strides: [1, 63, 7] }, dst: dense(new Float32Array(7 * 9 * 11), [7, 11, 9]),
  }, 0, 0));
  // A cast is a copy between types.
  add(kernelCase('copy', 'int32 to float32, transposed', {
    shape: [5, 10], src: { data: ints(50, 100, -100), offset: 0, strides: [1, 5] }, dst: dense(new Float32Array(50), [5, 10]),
  }, 0, 0));

  for (const op of ['sum', 'max', 'min'] as const) {
    for (const [outer, n, inner] of [[1, 5000, 1], [6, 7, 9], [300, 1, 3], [2, 129, 257]]) {
      add(kernelCase('reduce', `${op} (${outer}, ${n}, ${inner})`, {
        op, x: rand(outer * n * inner), outer, n, inner, out: new Float32Array(outer * inner), argOut: op === 'sum' ? null : new Int32Array(outer * inner),
      }, 1e-5, 1e-5));
    }
  }

  const products: [string, number, number, number, number, boolean, boolean][] = [
    ['1x1x1', 1, 1, 1, 1, false, false], ['17x33 by 9', 1, 17, 9, 33, false, false], ['64x64x64', 1, 64, 64, 64, false, false],
    ['65x70 by 130, A transposed', 1, 65, 130, 70, true, false], ['3 batches of 31x47 by 20, B transposed', 3, 31, 20, 47, false, true],
    ['200x150 by 300, both transposed', 1, 200, 300, 150, true, true],
  ];
  for (const [detail, batch, M, N, K, transA, transB] of products) {
    const lda = (transA ? M : K) + 3;
    const ldb = transB ? K : N;
    const [aRows, bRows] = [transA ? K : M, transB ? N : K];
    const spec = {
      batch, M, N, K, transA, transB, lda, ldb,
      aOffsets: Array.from({ length: batch }, (_, i) => i * aRows * lda), bOffsets: Array.from({ length: batch }, (_, i) => i * bRows * ldb),
    };
    add(kernelCase('matmul', `${detail} (lda ${lda})`, { spec, a: rand(batch * aRows * lda), b: rand(batch * bRows * ldb), out: new Float32Array(batch * M * N) },
      1e-4, 1e-5 * Math.sqrt(K) * 4));
  }

  for (const [rows, cols] of [[3, 5], [4, 1000], [70000, 3]]) {
    for (const log of [false, true]) {
      const x = rand(rows * cols, -5, 5);
      const y = new Float32Array(x.length);
      ref.softmax({ x, rows, cols, out: y, log });
      const detail = `${log ? 'log ' : ''}(${rows}, ${cols})`;
      add(kernelCase('softmax', detail, { x, rows, cols, out: new Float32Array(x.length), log }));
      add(kernelCase('softmaxBackward', detail, { y, g: rand(x.length), rows, cols, out: new Float32Array(x.length), log }));
    }
  }
  for (const [T, causal] of [[7, true], [300, true], [13, false]] as [number, boolean][]) {
    const [rows, scale] = [3 * T, 0.37];
    const x = rand(rows * T, -3, 3);
    const y = new Float32Array(x.length);
    ref.attentionSoftmax({ x, rows, cols: T, scale, causal, out: y });
    add(kernelCase('attentionSoftmax', `T=${T}${causal ? ' causal' : ''}`, { x, rows, cols: T, scale, causal, out: new Float32Array(x.length) }));
    add(kernelCase('attentionSoftmaxBackward', `T=${T}`, { y, g: rand(x.length), rows, cols: T, scale, out: new Float32Array(x.length) }));
  }

  for (const [rows, cols] of [[5, 7], [300, 65], [3, 1000]]) {
    const logits = rand(rows * cols, -4, 4);
    const targets = ints(rows, cols);
    targets[1] = -100;
    const [lse, totals] = [new Float32Array(rows), new Float64Array(2)];
    ref.crossEntropy({ logits, targets, rows, cols, ignoreIndex: -100, lse, totals });
    add(kernelCase('crossEntropy', `(${rows}, ${cols}), one row ignored`, { logits, targets, rows, cols, ignoreIndex: -100, lse: new Float32Array(rows), totals: new Float64Array(2) }));
    add(kernelCase('crossEntropyBackward', `(${rows}, ${cols})`, { logits, targets, lse, rows, cols, ignoreIndex: -100, scale: 1 / totals[1], out: new Float32Array(logits.length) }));
  }

  for (const [rows, cols, affine] of [[4, 5, true], [37, 384, true], [9, 300, false]] as [number, number, boolean][]) {
    const x = rand(rows * cols, -3, 3);
    const [weight, bias] = affine ? [rand(cols), rand(cols)] : [null, null];
    const [mean, rstd] = [new Float64Array(rows), new Float64Array(rows)];
    ref.layerNorm({ x, rows, cols, weight, bias, eps: 1e-5, out: new Float32Array(x.length), mean, rstd });
    const detail = `(${rows}, ${cols})${affine ? '' : ' without weight and bias'}`;
    add(kernelCase('layerNorm', detail, { x, rows, cols, weight, bias, eps: 1e-5, out: new Float32Array(x.length), mean: new Float64Array(rows), rstd: new Float64Array(rows) }));
    add(kernelCase('layerNormBackward', detail, {
      x, g: rand(x.length), rows, cols, weight, mean, rstd, dx: new Float32Array(x.length),
      dweight: affine ? new Float32Array(cols) : null, dbias: affine ? new Float32Array(cols) : null,
    }, 1e-4, 1e-4));
  }
  // Features last (inner 1), image channels, and more values per feature than a workgroup has threads.
  for (const [outer, C, inner, affine] of [[32, 5, 1, true], [3, 4, 9, true], [600, 3, 1, false], [5, 2, 130, true]] as [number, number, number, boolean][]) {
    const x = rand(outer * C * inner, -3, 3);
    const [weight, bias] = affine ? [rand(C), rand(C)] : [null, null];
    const [mean, rstd] = [new Float64Array(C), new Float64Array(C)];
    ref.batchNorm({ x, outer, C, inner, weight, bias, eps: 1e-5, out: new Float32Array(x.length), mean, rstd });
    const detail = `(${outer}, ${C}, ${inner})${affine ? '' : ' without weight and bias'}`;
    add(kernelCase('batchNorm', `${detail}, running averages`, {
      x, outer, C, inner, weight, bias, eps: 1e-5, out: new Float32Array(x.length), mean: new Float64Array(C), rstd: new Float64Array(C),
      runningMean: rand(C), runningVariance: rand(C, 0.5, 2), momentum: 0.1,
    }));
    add(kernelCase('batchNormBackward', detail, {
      x, g: rand(x.length), outer, C, inner, weight, mean, rstd, dx: new Float32Array(x.length),
      dweight: affine ? new Float32Array(C) : null, dbias: affine ? new Float32Array(C) : null,
    }, 1e-4, 1e-4));
  }

  const [vocab, rowSize, count] = [65, 33, 200];
  const indices = ints(count, vocab);
  indices[5] = indices[6] = 3;
  add(kernelCase('indexSelect', `${count} rows of ${rowSize} from ${vocab}`, { src: rand(vocab * rowSize), rowSize, indices, out: new Float32Array(count * rowSize) }, 0, 0));
  add(kernelCase('indexAdd', `${count} rows into ${vocab}, repeats`, { g: rand(count * rowSize), rowSize, indices, out: new Float32Array(vocab * rowSize) }, 1e-5, 1e-5));
  const [outer, n, m, inner] = [3, 10, 6, 4];
  const index = ints(outer * m * inner, n);
  add(kernelCase('gather', `(${outer}, ${n}, ${inner}) by (${outer}, ${m}, ${inner})`, { x: rand(outer * n * inner), index, outer, n, m, inner, out: new Float32Array(outer * m * inner) }, 0, 0));
  add(kernelCase('scatterAdd', `(${outer}, ${m}, ${inner}) into (${outer}, ${n}, ${inner})`, { g: rand(outer * m * inner), index, outer, n, m, inner, out: new Float32Array(outer * n * inner) }, 1e-5, 1e-5));

  // Windows with padding, stride and dilation (conv2d's im2col and its adjoint, max pooling both ways).
  for (const [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw] of [[2, 3, 7, 6, 3, 2, 2, 1, 1, 0, 1, 2], [1, 2, 8, 8, 2, 2, 2, 2, 0, 0, 1, 1]]) {
    const Ho = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    const geometry = { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo };
    const detail = `(${N}, ${C}, ${H}, ${W}) kernel ${kh}x${kw} stride ${sh},${sw} padding ${ph},${pw} dilation ${dh},${dw}`;
    const x = rand(N * C * H * W);
    x[5] = x[6];
    const [patches, pooled, argmax] = [C * kh * kw * N * Ho * Wo, N * C * Ho * Wo, N * C * Ho * Wo];
    const argmaxes = new Int32Array(argmax);
    ref.maxPool2d({ x, geometry, out: new Float32Array(pooled), argmax: argmaxes });
    add(kernelCase('im2col', detail, { x, geometry, out: new Float32Array(patches) }, 0, 0));
    add(kernelCase('col2im', detail, { cols: rand(patches), geometry, dx: new Float32Array(x.length) }, 1e-6, 1e-6));
    add(kernelCase('maxPool2d', detail, { x, geometry, out: new Float32Array(pooled), argmax: new Int32Array(argmax) }, 0, 0));
    add(kernelCase('maxPool2dBackward', detail, { g: rand(pooled), argmax: argmaxes, geometry, dx: new Float32Array(x.length) }, 1e-6, 1e-6));
  }

  const size = 1001;
  const step = { beta1: 0.9, beta2: 0.95, eps: 1e-8, decayFactor: 1 - 1e-3 * 0.1, stepSize: 1e-3 / (1 - 0.9 ** 3), correction2: 1 - 0.95 ** 3 };
  add(kernelCase('adamw', `n=${size}`, { param: rand(size), grad: rand(size), m: rand(size, -0.1, 0.1), v: rand(size, 0, 0.1), step }, 1e-5, 1e-6));
  for (const momentum of [0, 0.9]) {
    add(kernelCase('sgd', `momentum ${momentum}`, { param: rand(size), grad: rand(size), velocity: momentum ? rand(size) : null, lr: 0.1, momentum, weightDecay: 1e-2 }, 1e-5, 1e-6));
  }
  return list;
}

/** A host array on the GPU (float64 statistics as float32, as the WebGPU kernels keep them). */
const upload = (gpu: WebGPUKernels, values: HostStorage): GPUTensor =>
  gpu.upload(values instanceof Float32Array || values instanceof Int32Array ? values : Float32Array.from(values));

/**
 * Runs every case of the table on the WebGPU kernels and on the reference backend, comparing each output; a declared
 * kernel with no case, or with no WebGPU kernel, is a failed result. Used by the playground's GPU page and by the
 * tests through Chromium.
 */
export async function checkWebGPUKernels(gpu: WebGPUKernels, seed = 1): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const table = cases(seed);
  // A declared kernel the table or the GPU lacks fails: the page and its test would otherwise pass without checking it.
  const missing = (kernel: string, detail: string) => results.push({ kernel, detail, worst: Infinity, ok: false, at: detail });
  for (const kernel of Object.keys(KERNELS)) {
    if (!table.some((c) => c.kernel === kernel)) missing(kernel, 'no case in the self-check table');
  }
  for (const { kernel, detail, args, rtol = 1e-4, atol = 1e-5 } of table) {
    if (!(kernel in GPU_KERNELS)) {
      missing(kernel, `${detail}: no WebGPU kernel`);
      continue;
    }
    const host = args as Record<string, unknown>;
    const live: GPUTensor[] = [];
    const outputs: [GPUTensor, HostStorage][] = [];
    const read = (data: HostStorage) => {
      const t = upload(gpu, data);
      live.push(t);
      return t;
    };
    const written = (data: HostStorage) => {
      const t = read(data);
      outputs.push([t, data]);
      return t;
    };
    const device = mapStorage(KERNELS[kernel], host, read, written);
    (ref[kernel] as (a: unknown) => void)(host);
    gpu.run(kernel, device as never);
    results.push(await compare(gpu, kernel, detail, outputs, rtol, atol));
    for (const t of live) gpu.release(t);
  }
  return results;
}

/** The worst error of the GPU's outputs against the reference's. */
async function compare(gpu: WebGPUKernels, kernel: string, detail: string, pairs: [GPUTensor, ArrayLike<number>][], rtol: number, atol: number): Promise<CheckResult> {
  let worst = 0;
  let at: string | undefined;
  for (const [k, [t, want]] of pairs.entries()) {
    const got = await gpu.read(t);
    if (got.length !== want.length) {
      [worst, at] = [Infinity, `output ${k} has ${got.length} elements, expected ${want.length}`];
      break;
    }
    for (let i = 0; i < want.length; i++) {
      const [g, w] = [got[i], want[i]];
      if ((Number.isNaN(w) && Number.isNaN(g)) || w === g) continue;
      const error = Math.abs(g - w) / (atol + rtol * Math.abs(w));
      if (!(error <= worst)) [worst, at] = [Number.isNaN(error) ? Infinity : error, `output ${k} element ${i}: ${g} (reference ${w})`];
    }
  }
  return { kernel, detail, worst, ok: worst <= 1, at };
}
