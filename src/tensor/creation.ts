import { backend } from '../backend/registry.js';
import { BYTES, type DType, type HostStorage, allocStorage, computeDtype, dtypeOf, hostStorage, isHalf } from '../core/dtype.js';
import { ZerogradError, fmtShape } from '../core/errors.js';
import { type Generator, defaultGenerator } from '../core/random.js';
import { checkShape, numel } from '../core/shape.js';
import { fillNormal, fillRandint, fillUniform, permutation } from './torchRandom.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface TensorOptions {
  /** float32 unless a typed array says otherwise; JS numbers carry no int/float distinction to infer from. */
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/**
 * Host storage to write `size` values of `dtype` into as numbers (a 16-bit float dtype is filled in float32 first):
 * the backend's own, where it keeps tensors in host memory (the WebAssembly arena inside arenaStep), else an
 * array that `finish` uploads.
 */
function hostFor(dtype: DType, size: number): HostStorage {
  const b = backend();
  return b.upload ? allocStorage(dtype, size) : hostStorage(b.alloc(dtype, size));
}
const valuesFor = (dtype: DType, size: number) => hostFor(computeDtype(dtype), size);

/** The tensor of `data`'s values, rounded to a 16-bit float dtype if that was asked for. */
function finish(data: HostStorage, shape: readonly number[], options: TensorOptions): Tensor {
  const values = Tensor.fromHost(data, shape);
  const t = options.dtype && isHalf(options.dtype) && dtypeOf(data) !== options.dtype ? values.to(options.dtype) : values;
  if (options.requiresGrad) t.requiresGrad_();
  return t;
}

function nestedShape(data: NestedArray, path: string): number[] {
  if (!Array.isArray(data)) return [];
  if (data.length === 0) return [0];
  const inner = nestedShape(data[0], `${path}[0]`);
  data.forEach((item, i) => {
    const shape = nestedShape(item, `${path}[${i}]`);
    if (shape.join() !== inner.join()) {
      throw new ZerogradError('tensor', `ragged nested array: ${path}[${i}] has shape ${fmtShape(shape)} but ${path}[0] has ${fmtShape(inner)}`);
    }
  });
  return [data.length, ...inner];
}

/** A tensor from nested arrays, a number, or a typed array with an explicit shape (copied). */
export function tensor(data: NestedArray | HostStorage, options: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? dtypeOf(data);
    const shape = options.shape ?? [data.length];
    if (numel(shape) !== data.length) {
      throw new ZerogradError('tensor', `shape ${fmtShape(shape)} needs ${numel(shape)} elements, the array has ${data.length}`);
    }
    // 16-bit storage holds bit patterns: it is copied as it is, or converted by value to another dtype.
    if (isHalf(dtypeOf(data)) && dtype !== dtypeOf(data)) return finish(Tensor.fromStorage(data, shape).to(dtype).hostData(), shape, options);
    const out = dtypeOf(data) === dtype ? hostFor(dtype, data.length) : valuesFor(dtype, data.length);
    out.set(data);
    return finish(out, shape, options);
  }
  const shape = nestedShape(data, 'data');
  const flat = Array.isArray(data) ? (data as unknown[]).flat(Infinity) as number[] : [data];
  const out = valuesFor(options.dtype ?? 'float32', flat.length);
  flat.forEach((v, i) => {
    if (typeof v !== 'number') throw new ZerogradError('tensor', `element ${i} is ${typeof v}, expected a number`);
    out[i] = v;
  });
  return finish(out, shape, options);
}

export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const out = valuesFor(options.dtype ?? 'float32', numel(checkShape('full', shape, BYTES[options.dtype ?? 'float32'])));
  out.fill(value);
  return finish(out, shape, options);
}

export const zeros = (shape: readonly number[], options: TensorOptions = {}) => full(shape, 0, options);
export const ones = (shape: readonly number[], options: TensorOptions = {}) => full(shape, 1, options);

/** start, start+step, ... up to (not including) end; int32 when every bound is an integer. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new ZerogradError('arange', 'step must be non-zero');
  const count = Math.max(0, Math.ceil((to - from) / step));
  const integral = [from, to, step].every(Number.isInteger);
  const out = valuesFor(options.dtype ?? (integral ? 'int32' : 'float32'), count);
  for (let i = 0; i < count; i++) out[i] = from + i * step;
  return finish(out, [count], options);
}

export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  const out = valuesFor(options.dtype ?? 'float32', steps);
  for (let i = 0; i < steps; i++) out[i] = steps === 1 ? start : start + ((end - start) * i) / (steps - 1);
  return finish(out, [steps], options);
}

export function eye(n: number, options: TensorOptions = {}): Tensor {
  const out = valuesFor(options.dtype ?? 'float32', n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return finish(out, [n, n], options);
}

type Fill = (g: Generator, out: HostStorage) => void;

/** A tensor of draws: one `draw` per element on zerograd's stream, PyTorch's whole-tensor `torch` fill on its. */
function random(op: string, shape: readonly number[], options: RandomOptions, draw: (g: Generator) => number, torch: Fill): Tensor {
  const out = valuesFor(options.dtype ?? 'float32', numel(checkShape(op, shape, BYTES[options.dtype ?? 'float32'])));
  fillDraws(options.generator ?? defaultGenerator, out, draw, torch);
  return finish(out, shape, options);
}

/** Fills `out` with draws from `generator`: element by element on zerograd's stream, PyTorch's `torch` fill on its. */
function fillDraws(generator: Generator, out: HostStorage, draw: (g: Generator) => number, torch: Fill): void {
  if (generator.stream === 'torch') torch(generator, out);
  else for (let i = 0; i < out.length; i++) out[i] = draw(generator);
}

/** Standard normal samples. */
export const randn = (shape: readonly number[], options: RandomOptions = {}) => random('randn', shape, options, (g) => g.normal(), (g, out) => fillNormal(g, out as Float32Array));
/** Uniform samples in [0, 1). */
export const rand = (shape: readonly number[], options: RandomOptions = {}) => random('rand', shape, options, (g) => g.random(), (g, out) => fillUniform(g, out as Float32Array));

/** Uniform integers in [low, high), int32. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkRange(low, high);
  return random('randint', shape, { dtype: 'int32', ...options }, (g) => g.randint(low, high), (g, out) => fillRandint(g, out, low, high));
}

function checkRange(low: number, high: number): void {
  if (!(high > low)) throw new ZerogradError('randint', `high (${high}) must be greater than low (${low})`);
}

/** randint's values for `count` draws as a host array (batch offsets that JavaScript reads), the same draws from `generator`. */
export function randintValues(low: number, high: number, count: number, generator: Generator = defaultGenerator): Int32Array {
  checkRange(low, high);
  const out = allocStorage('int32', count) as Int32Array;
  fillDraws(generator, out, (g) => g.randint(low, high), (g, values) => fillRandint(g, values, low, high));
  return out;
}

/** A random permutation of 0..n-1 (Fisher-Yates), int32. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  const generator = options.generator ?? defaultGenerator;
  if (generator.stream === 'torch') return Tensor.fromHost(permutation(generator, n), [n]);
  const out = allocStorage('int32', n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.randint(0, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return Tensor.fromHost(out, [n]);
}
