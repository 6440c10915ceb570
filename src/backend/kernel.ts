// How a kernel is declared: its name is its key in kernels/index.ts, its arguments are named, and each says whether
// it is storage the kernel reads or writes, a strided view, or a plain value. Every backend's kernel types, and the
// WebGPU backend's adapter, are derived from these declarations.
//
// A worked example. kernels/layerNorm.ts declares
//
//   export const layerNorm = declareKernel({
//     x: input, rows: attribute<number>(), cols: attribute<number>(), weight: optionalInput, bias: optionalInput,
//     eps: attribute<number>(), out: output, mean: statisticsOut, rstd: statisticsOut,
//   });
//
// KernelArgs turns each ArgSpec into the value a backend on storage S receives (Value below): `input` and `output`
// are S, `statisticsOut` is a Float64Array on the host (HostArrayOr) and S itself on a device, an attribute is its
// type, and an optional argument may be left out or null. On the CPU backends (S = HostStorage) the kernel is
//
//   layerNorm(args: { x: HostStorage; rows: number; cols: number; eps: number; out: HostStorage;
//                     mean: Float64Array; rstd: Float64Array; weight?: HostStorage | null; bias?: HostStorage | null }): void
//
// and on WebGPU (S = GPUTensor) the same with every storage a GPUTensor, mean and rstd included.
import type { DeviceStorage, Storage } from '../core/dtype.js';

/**
 * A kernel argument holding elements of one type (indices, float64 statistics, optimizer moments): that typed array on the
 * CPU backends, where the type matters to the loops; the backend's own storage on a device, where it is one buffer type.
 */
export type HostArrayOr<S, T> = S extends DeviceStorage ? S : T;

/** A tensor that may be a non-contiguous view (broadcast dims have stride 0), over storage S. */
export interface StridedView<S = Storage> {
  readonly data: S;
  readonly offset: number;
  readonly strides: readonly number[];
}

/** What element type a storage argument holds, as its typed array on the host. */
interface Elements<S> {
  /** The tensor's own dtype (any storage). */
  any: S;
  int32: HostArrayOr<S, Int32Array>;
  /** Row or feature statistics, float64 on the host (float32 on a device). */
  float64: HostArrayOr<S, Float64Array>;
  /** Optimizer moments, float32 or float64 on the host. */
  moment: HostArrayOr<S, Float32Array | Float64Array>;
}

/**
 * One argument: `input` storage is read, `output` storage is written (or updated in place); a `view` is a StridedView
 * read, an `outView` one written; an `attribute` is a plain value (a size, a flag, an op's name). `optional` storage may be null.
 */
export type Role = 'input' | 'output' | 'view' | 'outView' | 'attribute';
export interface ArgSpec<R extends Role = Role, E extends keyof Elements<unknown> = keyof Elements<unknown>, O extends boolean = boolean, T = unknown> {
  readonly role: R;
  readonly element: E;
  readonly optional: O;
  /** The attribute's type, for the type checker only. */
  readonly type?: T;
}

const arg = <R extends Role, E extends keyof Elements<unknown>, O extends boolean>(role: R, element: E, optional: O): ArgSpec<R, E, O> =>
  ({ role, element, optional });

/** Storage the kernel reads, of the tensor's dtype. */
export const input = arg('input', 'any', false);
/** An input that may be absent (null): LayerNorm's weight. */
export const optionalInput = arg('input', 'any', true);
/** Storage the kernel writes (or updates in place). */
export const output = arg('output', 'any', false);
export const optionalOutput = arg('output', 'any', true);
/** Int32 indices or targets read. */
export const indices = arg('input', 'int32', false);
/** Int32 positions written (argmax). */
export const indicesOut = arg('output', 'int32', false);
export const optionalIndicesOut = arg('output', 'int32', true);
/** Float64 statistics (float32 on a device) read or written. */
export const statistics = arg('input', 'float64', false);
export const statisticsOut = arg('output', 'float64', false);
/** Optimizer moments updated in place. */
export const moments = arg('output', 'moment', false);
export const optionalMoments = arg('output', 'moment', true);
/** A strided view read or written. */
export const view = arg('view', 'any', false);
export const outView = arg('outView', 'any', false);
/** A plain value of type T. */
export const attribute = <T>() => arg('attribute', 'any', false) as ArgSpec<'attribute', 'any', false, T>;
export const optionalAttribute = <T>() => arg('attribute', 'any', true) as ArgSpec<'attribute', 'any', true, T>;

export type ArgSpecs = Readonly<Record<string, ArgSpec>>;

/** A kernel's declaration: its arguments by name, and whether it is a backward kernel a backend may leave out. */
export interface KernelSpec<A extends ArgSpecs = ArgSpecs, B extends boolean = boolean> {
  readonly args: A;
  readonly backward: B;
}

/** Declares a kernel by its arguments; every backend has it. */
export const declareKernel = <const A extends ArgSpecs>(args: A): KernelSpec<A, false> => ({ args, backward: false });
/**
 * Declares a backward kernel: a fused gradient a backend may give for speed. It is optional: without it the op's
 * gradient rule, written once over ops beside its forward, runs instead.
 */
export const declareBackwardKernel = <const A extends ArgSpecs>(args: A): KernelSpec<A, true> => ({ args, backward: true });

type Value<S, A> = A extends ArgSpec<infer R, infer E, boolean, infer T>
  ? R extends 'attribute' ? T : R extends 'view' | 'outView' ? StridedView<S> : Elements<S>[E]
  : never;
type OptionalKeys<A> = { [K in keyof A]: A[K] extends { optional: true } ? K : never }[keyof A];

/** The named arguments a kernel takes on storage S: optional ones may be left out or null. */
export type KernelArgs<S, A extends ArgSpecs> =
  { [K in Exclude<keyof A, OptionalKeys<A>>]: Value<S, A[K]> } & { [K in OptionalKeys<A>]?: Value<S, A[K]> | null };

/**
 * The function a backend gives for a kernel. Written as a method so that, as with methods, a backend on host arrays
 * counts as a backend on any storage (parameters compared both ways).
 */
export type KernelFn<S, K extends KernelSpec> = { kernel(args: KernelArgs<S, K['args']>): void }['kernel'];

/**
 * A kernel's arguments with each storage argument moved as its declaration's role says: `read` for inputs and the
 * data of views, `written` for outputs and the data of outViews; attributes and absent arguments stay as they are.
 * The WebGPU adapter puts arguments on the device this way, and its self-check uploads them.
 */
export function mapStorage<From, To>(
  spec: KernelSpec, args: Readonly<Record<string, unknown>>, read: (storage: From) => To, written: (storage: From) => To,
): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, { role }] of Object.entries(spec.args)) {
    const value = args[key];
    if (value == null || role === 'attribute') mapped[key] = value;
    else if (role === 'input') mapped[key] = read(value as From);
    else if (role === 'output') mapped[key] = written(value as From);
    else {
      const view = value as StridedView<From>;
      mapped[key] = { ...view, data: (role === 'view' ? read : written)(view.data) };
    }
  }
  return mapped;
}
