import type { BinaryOp, MatmulSpec, ReduceOp, UnaryOp } from '../backend.js';
import { referenceBackend as ref } from '../reference/index.js';
import type { GPUTensor } from './buffers.js';
import type { GPUView, WebGPUKernels } from './kernels.js';

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

const UNARY: (UnaryOp | 'powScalar')[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'relu', 'gelu', 'abs', 'sin', 'cos', 'square', 'reciprocal', 'erf', 'powScalar'];
const POSITIVE = new Set(['log', 'sqrt', 'rsqrt']);
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const contiguous = (shape: readonly number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
/** Strides of `shape` broadcast to `to` (trailing alignment, 0 where broadcast). */
function broadcast(shape: readonly number[], to: readonly number[]): number[] {
  const own = contiguous(shape);
  return to.map((_, i) => {
    const j = i - (to.length - shape.length);
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}

/**
 * Runs every WebGPU kernel on random inputs of awkward sizes (not multiples of the tile or the workgroup, more
 * rows than one grid dimension holds, broadcast and transposed layouts) and compares it with the reference
 * backend's kernel on the same inputs. Used by the playground's GPU page and by the tests through Chromium.
 */
export async function checkWebGPUKernels(gpu: WebGPUKernels, seed = 1): Promise<CheckResult[]> {
  const rand = stream(seed);
  const results: CheckResult[] = [];
  const live: GPUTensor[] = [];
  const up = (values: Float32Array | Int32Array) => { const t = gpu.upload(values); live.push(t); return t; };
  const empty = (n: number, dtype: 'float32' | 'int32' = 'float32') => { const t = gpu.empty(dtype, n); live.push(t); return t; };
  const zeros = (n: number) => { const t = gpu.alloc('float32', n); live.push(t); return t; };
  const ints = (n: number, high: number, low = 0) => Int32Array.from(rand(n, low, high), Math.floor);

  async function compare(kernel: string, detail: string, pairs: [GPUTensor, ArrayLike<number>][], rtol = 1e-4, atol = 1e-5): Promise<void> {
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
    results.push({ kernel, detail, worst, ok: worst <= 1, at });
  }

  for (const op of UNARY) {
    for (const n of [7, 1537]) {
      const x = op === 'powScalar' ? rand(n, -3, 3) : POSITIVE.has(op) ? rand(n, 0.05, 4) : rand(n, -4, 4);
      const scalar = op === 'powScalar' ? (n === 7 ? 3 : 0.5) : 0;
      if (op === 'powScalar' && scalar === 0.5) x.forEach((v, i) => { x[i] = Math.abs(v) + 0.01; });
      const y = new Float32Array(n);
      ref.unary(op, x, y, scalar);
      const g = rand(n);
      const dx = new Float32Array(n);
      ref.unaryBackward(op, x, y, g, dx, scalar);
      const [gx, gy, gg, gout, gdx] = [up(x), up(y), up(g), empty(n), empty(n)];
      gpu.unary(op, gx, gout, scalar);
      gpu.unaryBackward(op, gx, gy, gg, gdx, scalar);
      await compare('unary', `${op} n=${n}`, [[gout, y]], 2e-5, 1e-6);
      await compare('unaryBackward', `${op} n=${n}`, [[gdx, dx]], 2e-5, 1e-6);
    }
  }

  // (3, 1, 5) against (4, 1): out (3, 4, 5), then a transposed operand with an offset.
  const shape = [3, 4, 5];
  for (const op of BINARY) {
    const a = op === 'pow' ? rand(15, 0.1, 3) : rand(15);
    const b = op === 'pow' ? rand(4, -2, 2) : rand(4);
    if (op === 'eq' || op === 'ne') b[1] = a[0];
    const comparison = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
    const out = comparison ? new Int32Array(60) : new Float32Array(60);
    const av = { offset: 0, strides: broadcast([3, 1, 5], shape) };
    const bv = { offset: 0, strides: broadcast([4, 1], shape) };
    ref.binary(op, shape, { data: a, ...av }, { data: b, ...bv }, out);
    const gout = empty(60, comparison ? 'int32' : 'float32');
    gpu.binary(op, shape, { data: up(a), ...av }, { data: up(b), ...bv }, gout);
    await compare('binary', `${op} (3,1,5) with (4,1)`, [[gout, out]], 2e-5, 1e-6);
  }
  {
    // a[k, i] read as its transpose from element 3 on, plus an int32 sum.
    const a = rand(3 + 40 * 33);
    const b = rand(33 * 40);
    const view: GPUView = { data: up(a), offset: 3, strides: [1, 33] };
    const out = new Float32Array(33 * 40);
    ref.binary('mul', [33, 40], { data: a, offset: 3, strides: [1, 33] }, { data: b, offset: 0, strides: [40, 1] }, out);
    const gout = empty(out.length);
    gpu.binary('mul', [33, 40], view, { data: up(b), offset: 0, strides: [40, 1] }, gout);
    await compare('binary', 'mul of a transposed view with an offset (33, 40)', [[gout, out]]);
    const ia = ints(101, 50, -50);
    const ib = ints(101, 50, -50);
    const iout = new Int32Array(101);
    ref.binary('add', [101], { data: ia, offset: 0, strides: [1] }, { data: ib, offset: 0, strides: [1] }, iout);
    const giout = empty(101, 'int32');
    gpu.binary('add', [101], { data: up(ia), offset: 0, strides: [1] }, { data: up(ib), offset: 0, strides: [1] }, giout);
    await compare('binary', 'int32 add n=101', [[giout, iout]], 0, 0);

    const cond = ints(60, 2);
    const wa = rand(5);
    const wb = rand(60);
    const wout = new Float32Array(60);
    const views = [{ offset: 0, strides: [20, 5, 1] }, { offset: 0, strides: [0, 0, 1] }, { offset: 0, strides: [20, 5, 1] }];
    ref.where(shape, { data: cond, ...views[0] }, { data: wa, ...views[1] }, { data: wb, ...views[2] }, wout);
    const gw = empty(60);
    gpu.where(shape, { data: up(cond), ...views[0] }, { data: up(wa), ...views[1] }, { data: up(wb), ...views[2] }, gw);
    await compare('where', '(3,4,5) with a broadcast branch', [[gw, wout]], 0, 0);

    const src = rand(7 * 9 * 11);
    const dst = new Float32Array(src.length);
    const srcView = { offset: 0, strides: [1, 63, 7] };
    ref.copy([7, 11, 9], { data: src, ...srcView }, { data: dst, offset: 0, strides: [99, 9, 1] });
    const gdst = empty(dst.length);
    gpu.copy([7, 11, 9], { data: up(src), ...srcView }, { data: gdst, offset: 0, strides: [99, 9, 1] });
    await compare('copy', 'a permuted (7, 11, 9) view into dense storage', [[gdst, dst]], 0, 0);

    // A cast is a copy between types; a comparison may write a float mask (maximum's backward asks for one).
    const ints32 = ints(50, 100, -100);
    const asFloats = new Float32Array(50);
    ref.copy([5, 10], { data: ints32, offset: 0, strides: [1, 5] }, { data: asFloats, offset: 0, strides: [10, 1] });
    const gcast = empty(50);
    gpu.copy([5, 10], { data: up(ints32), offset: 0, strides: [1, 5] }, { data: gcast, offset: 0, strides: [10, 1] });
    await compare('copy', 'int32 to float32, transposed', [[gcast, asFloats]], 0, 0);
    const [ca, cb] = [rand(12), rand(12)];
    cb[3] = ca[3];
    const mask = new Float32Array(12);
    ref.binary('ge', [12], { data: ca, offset: 0, strides: [1] }, { data: cb, offset: 0, strides: [1] }, mask);
    const gmask = empty(12);
    gpu.binary('ge', [12], { data: up(ca), offset: 0, strides: [1] }, { data: up(cb), offset: 0, strides: [1] }, gmask);
    await compare('binary', 'ge into a float32 mask', [[gmask, mask]], 0, 0);
  }

  for (const op of ['sum', 'max', 'min'] as ReduceOp[]) {
    for (const [outer, n, inner] of [[1, 5000, 1], [6, 7, 9], [300, 1, 3], [2, 129, 257]]) {
      const x = rand(outer * n * inner);
      const out = new Float32Array(outer * inner);
      const arg = new Int32Array(outer * inner);
      ref.reduce(op, x, outer, n, inner, out, op === 'sum' ? undefined : arg);
      const gout = empty(out.length);
      const garg = op === 'sum' ? undefined : empty(arg.length, 'int32');
      gpu.reduce(op, up(x), outer, n, inner, gout, garg);
      await compare('reduce', `${op} (${outer}, ${n}, ${inner})`, garg ? [[gout, out], [garg, arg]] : [[gout, out]], 1e-5, 1e-5);
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
    const aRows = transA ? K : M;
    const bRows = transB ? N : K;
    const a = rand(batch * aRows * lda);
    const b = rand(batch * bRows * ldb);
    const spec: MatmulSpec = {
      batch, M, N, K, transA, transB, lda, ldb,
      aOffsets: Array.from({ length: batch }, (_, i) => i * aRows * lda), bOffsets: Array.from({ length: batch }, (_, i) => i * bRows * ldb),
    };
    const out = new Float32Array(batch * M * N);
    ref.matmul(spec, a, b, out);
    const gout = empty(out.length);
    gpu.matmul(spec, up(a), up(b), gout);
    await compare('matmul', `${detail} (lda ${lda})`, [[gout, out]], 1e-4, 1e-5 * Math.sqrt(K) * 4);
  }

  for (const [rows, cols] of [[3, 5], [4, 1000], [70000, 3]]) {
    for (const log of [false, true]) {
      const x = rand(rows * cols, -5, 5);
      const y = new Float32Array(x.length);
      ref.softmax(x, rows, cols, y, log);
      const g = rand(x.length);
      const dx = new Float32Array(x.length);
      ref.softmaxBackward(y, g, rows, cols, dx, log);
      const [gy, gdx] = [empty(x.length), empty(x.length)];
      gpu.softmax(up(x), rows, cols, gy, log);
      gpu.softmaxBackward(up(y), up(g), rows, cols, gdx, log);
      await compare(log ? 'logSoftmax' : 'softmax', `(${rows}, ${cols})`, [[gy, y]]);
      await compare(log ? 'logSoftmaxBackward' : 'softmaxBackward', `(${rows}, ${cols})`, [[gdx, dx]]);
    }
  }
  for (const [T, causal] of [[7, true], [300, true], [13, false]] as [number, boolean][]) {
    const rows = 3 * T;
    const x = rand(rows * T, -3, 3);
    const y = new Float32Array(x.length);
    ref.attentionSoftmax(x, rows, T, 0.37, causal, y);
    const g = rand(x.length);
    const dx = new Float32Array(x.length);
    ref.attentionSoftmaxBackward(y, g, rows, T, 0.37, dx);
    const [gy, gdx] = [empty(x.length), empty(x.length)];
    gpu.attentionSoftmax(up(x), rows, T, 0.37, causal, gy);
    gpu.attentionSoftmaxBackward(up(y), up(g), rows, T, 0.37, gdx);
    await compare('attentionSoftmax', `T=${T}${causal ? ' causal' : ''}`, [[gy, y]]);
    await compare('attentionSoftmaxBackward', `T=${T}`, [[gdx, dx]]);
  }

  for (const [rows, cols] of [[5, 7], [300, 65], [3, 1000]]) {
    const logits = rand(rows * cols, -4, 4);
    const targets = ints(rows, cols);
    targets[1] = -100;
    const lse = new Float32Array(rows);
    const refTotals = new Float64Array(2);
    ref.crossEntropy(logits, targets, rows, cols, -100, lse, refTotals);
    const [sum, count] = refTotals;
    const dx = new Float32Array(logits.length);
    ref.crossEntropyBackward(logits, targets, lse, rows, cols, -100, 1 / count, dx);
    const [gl, gt, glse, totals, gdx] = [up(logits), up(targets), empty(rows), empty(2), empty(logits.length)];
    gpu.crossEntropy(gl, gt, rows, cols, -100, glse, totals);
    gpu.crossEntropyBackward(gl, gt, glse, rows, cols, -100, 1 / count, gdx);
    await compare('crossEntropy', `(${rows}, ${cols}), one row ignored`, [[glse, lse], [totals, [sum, count]]]);
    await compare('crossEntropyBackward', `(${rows}, ${cols})`, [[gdx, dx]]);
  }

  /**
   * A normalisation forward and backward against the reference: `stats` statistics (rows, or features), a weight
   * and bias of `params` when `affine`; `host` and `device` run the kernel pair on each side's arrays.
   */
  type Pair<S> = (x: S, w: S | null, b: S | null, out: S, mean: S, rstd: S, g: S, dx: S, dw: S | null, db: S | null) => void;
  async function checkNormalization(name: string, detail: string, size: number, stats: number, params: number, affine: boolean,
    host: Pair<Float32Array | Float64Array>, device: Pair<GPUTensor>): Promise<void> {
    const x = rand(size, -3, 3);
    const [w, b] = affine ? [rand(params), rand(params)] : [null, null];
    const g = rand(size);
    const [out, dx] = [new Float32Array(size), new Float32Array(size)];
    const [mean, rstd] = [new Float64Array(stats), new Float64Array(stats)];
    const [dw, db] = affine ? [new Float32Array(params), new Float32Array(params)] : [null, null];
    host(x, w, b, out, mean, rstd, g, dx, dw, db);
    const [gout, gmean, grstd, gdx] = [empty(size), empty(stats), empty(stats), empty(size)];
    const [gdw, gdb] = affine ? [zeros(params), zeros(params)] : [null, null];
    device(up(x), w && up(w), b && up(b), gout, gmean, grstd, up(g), gdx, gdw, gdb);
    await compare(name, `${detail}${affine ? '' : ' without weight and bias'}`, [[gout, out], [gmean, mean], [grstd, rstd]]);
    await compare(`${name}Backward`, detail, [[gdx, dx], ...(gdw && dw && gdb && db ? [[gdw, dw], [gdb, db]] as [GPUTensor, Float32Array][] : [])], 1e-4, 1e-4);
  }
  for (const [rows, cols, affine] of [[4, 5, true], [37, 384, true], [9, 300, false]] as [number, number, boolean][]) {
    await checkNormalization('layerNorm', `(${rows}, ${cols})`, rows * cols, rows, cols, affine,
      (x, w, b, out, mean, rstd, g, dx, dw, db) => {
        ref.layerNorm(x, rows, cols, w, b, 1e-5, out, mean as Float64Array, rstd as Float64Array);
        ref.layerNormBackward(x, g, rows, cols, w, mean as Float64Array, rstd as Float64Array, dx, dw, db);
      },
      (x, w, b, out, mean, rstd, g, dx, dw, db) => {
        gpu.layerNorm(x, rows, cols, w, b, 1e-5, out, mean, rstd);
        gpu.layerNormBackward(x, g, rows, cols, w, mean, rstd, dx, dw, db);
      });
  }
  // Features last (inner 1), image channels, and more values per feature than a workgroup has threads.
  for (const [outer, C, inner, affine] of [[32, 5, 1, true], [3, 4, 9, true], [600, 3, 1, false], [5, 2, 130, true]] as [number, number, number, boolean][]) {
    const [runningMean, runningVariance] = [rand(C), rand(C, 0.5, 2)];
    const [gpuMean, gpuVariance] = [up(runningMean), up(runningVariance)];
    await checkNormalization('batchNorm', `(${outer}, ${C}, ${inner})`, outer * C * inner, C, C, affine,
      (x, w, b, out, mean, rstd, g, dx, dw, db) => {
        ref.batchNorm(x, outer, C, inner, w, b, 1e-5, out, mean as Float64Array, rstd as Float64Array,
          { mean: runningMean, variance: runningVariance, momentum: 0.1 });
        ref.batchNormBackward(x, g, outer, C, inner, w, mean as Float64Array, rstd as Float64Array, dx, dw, db);
      },
      (x, w, b, out, mean, rstd, g, dx, dw, db) => {
        gpu.batchNorm(x, outer, C, inner, w, b, 1e-5, out, mean, rstd, { mean: gpuMean, variance: gpuVariance, momentum: 0.1 });
        gpu.batchNormBackward(x, g, outer, C, inner, w, mean, rstd, dx, dw, db);
      });
    await compare('batchNormRunning', `(${outer}, ${C}, ${inner})`, [[gpuMean, runningMean], [gpuVariance, runningVariance]]);
  }

  {
    const [vocab, rowSize, count] = [65, 33, 200];
    const table = rand(vocab * rowSize);
    const indices = ints(count, vocab);
    indices[5] = indices[6] = 3;
    const out = new Float32Array(count * rowSize);
    ref.indexSelect(table, rowSize, indices, out);
    const g = rand(out.length);
    const grad = new Float32Array(table.length);
    ref.indexAdd(g, rowSize, indices, grad);
    const gi = up(indices);
    const [gout, ggrad] = [empty(out.length), zeros(table.length)];
    gpu.indexSelect(up(table), rowSize, gi, gout);
    gpu.indexAdd(up(g), rowSize, gi, ggrad);
    await compare('indexSelect', `${count} rows of ${rowSize} from ${vocab}`, [[gout, out]], 0, 0);
    await compare('indexAdd', `${count} rows into ${vocab}, repeats`, [[ggrad, grad]], 1e-5, 1e-5);

    const [outer, n, m, inner] = [3, 10, 6, 4];
    const x = rand(outer * n * inner);
    const index = ints(outer * m * inner, n);
    const gathered = new Float32Array(outer * m * inner);
    ref.gather(x, index, outer, n, m, inner, gathered);
    const gg = rand(gathered.length);
    const scattered = new Float32Array(x.length);
    ref.scatterAdd(gg, index, outer, n, m, inner, scattered);
    const gIndex = up(index);
    const [ggathered, gscattered] = [empty(gathered.length), zeros(x.length)];
    gpu.gather(up(x), gIndex, outer, n, m, inner, ggathered);
    gpu.scatterAdd(up(gg), gIndex, outer, n, m, inner, gscattered);
    await compare('gather', `(${outer}, ${n}, ${inner}) by (${outer}, ${m}, ${inner})`, [[ggathered, gathered]], 0, 0);
    await compare('scatterAdd', `(${outer}, ${m}, ${inner}) into (${outer}, ${n}, ${inner})`, [[gscattered, scattered]], 1e-5, 1e-5);
  }

  // Windows with padding, stride and dilation (conv2d's im2col and its adjoint, max pooling both ways).
  for (const [N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw] of [[2, 3, 7, 6, 3, 2, 2, 1, 1, 0, 1, 2], [1, 2, 8, 8, 2, 2, 2, 2, 0, 0, 1, 1]]) {
    const Ho = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const Wo = Math.floor((W + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    const g = { N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo };
    const detail = `(${N}, ${C}, ${H}, ${W}) kernel ${kh}x${kw} stride ${sh},${sw} padding ${ph},${pw} dilation ${dh},${dw}`;
    const x = rand(N * C * H * W);
    x[5] = x[6];
    const cols = new Float32Array(C * kh * kw * N * Ho * Wo);
    ref.im2col(x, g, cols);
    const back = new Float32Array(x.length);
    ref.col2im(cols, g, back);
    const pooled = new Float32Array(N * C * Ho * Wo);
    const argmax = new Int32Array(pooled.length);
    ref.maxPool2d(x, g, pooled, argmax);
    const gp = rand(pooled.length);
    const dx = new Float32Array(x.length);
    ref.maxPool2dBackward(gp, argmax, g, dx);
    const gx = up(x);
    const [gcols, gback, gpooled, gargmax, gdx] = [empty(cols.length), empty(x.length), empty(pooled.length), empty(argmax.length, 'int32'), empty(x.length)];
    gpu.im2col(gx, g, gcols);
    gpu.col2im(gcols, g, gback);
    gpu.maxPool2d(gx, g, gpooled, gargmax);
    gpu.maxPool2dBackward(up(gp), gargmax, g, gdx);
    await compare('im2col', detail, [[gcols, cols]], 0, 0);
    await compare('col2im', detail, [[gback, back]], 1e-6, 1e-6);
    await compare('maxPool2d', detail, [[gpooled, pooled], [gargmax, argmax]], 0, 0);
    await compare('maxPool2dBackward', detail, [[gdx, dx]], 1e-6, 1e-6);
  }

  {
    const n = 1001;
    const [param, grad, m, v] = [rand(n), rand(n), rand(n, -0.1, 0.1), rand(n, 0, 0.1)];
    const step = { beta1: 0.9, beta2: 0.95, eps: 1e-8, decayFactor: 1 - 1e-3 * 0.1, stepSize: 1e-3 / (1 - 0.9 ** 3), correction2: 1 - 0.95 ** 3 };
    const [gp, gm, gv] = [up(param), up(m), up(v)];
    gpu.adamw(gp, up(grad), gm, gv, step);
    ref.adamw(param, grad, m, v, step);
    await compare('adamw', `n=${n}`, [[gp, param], [gm, m], [gv, v]], 1e-5, 1e-6);
    for (const momentum of [0, 0.9]) {
      const [sp, sg, sv] = [rand(n), rand(n), rand(n)];
      const [gsp, gsv] = [up(sp), up(sv)];
      gpu.sgd(gsp, up(sg), momentum ? gsv : null, 0.1, momentum, 1e-2);
      ref.sgd(sp, sg, momentum ? sv : null, 0.1, momentum, 1e-2);
      await compare('sgd', `momentum ${momentum}`, momentum ? [[gsp, sp], [gsv, sv]] : [[gsp, sp]], 1e-5, 1e-6);
    }
  }

  for (const t of live) gpu.release(t);
  return results;
}
