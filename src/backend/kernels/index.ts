// Every kernel, declared once: the Backend type, and the WebGPU backend's adapter, are derived from this table.
import type { HostStorage } from '../../core/dtype.js';
import type { KernelFn } from '../kernel.js';
import * as batchNorm from './batchNorm.js';
import * as crossEntropy from './crossEntropy.js';
import * as elementwise from './elementwise.js';
import * as indexing from './indexing.js';
import * as layerNorm from './layerNorm.js';
import * as matmul from './matmul.js';
import * as optim from './optim.js';
import * as reduce from './reduce.js';
import * as softmax from './softmax.js';
import * as window from './window.js';

/** The kernels by name, family by family. */
export const KERNELS = {
  ...elementwise, ...reduce, ...matmul, ...softmax, ...crossEntropy, ...layerNorm, ...batchNorm, ...indexing, ...window, ...optim,
};
export type KernelName = keyof typeof KERNELS;
type Spec<K extends KernelName> = (typeof KERNELS)[K];

/** The forward kernels: every backend has each of them. */
export type ForwardKernelName = { [K in KernelName]: Spec<K>['backward'] extends true ? never : K }[KernelName];
/** The backward kernels: fused gradients a backend may give; without one, the op's gradient rule runs. */
export type BackwardKernelName = Exclude<KernelName, ForwardKernelName>;

/** The kernels a backend on storage S implements, each taking its named arguments; the backward ones are optional. */
export type Kernels<S> = { [K in ForwardKernelName]: KernelFn<S, Spec<K>> } & { [K in BackwardKernelName]?: KernelFn<S, Spec<K>> };

/** The names of the backward kernels, for tests that run a backend without them. */
export const BACKWARD_KERNELS = (Object.keys(KERNELS) as KernelName[]).filter((name) => KERNELS[name].backward) as BackwardKernelName[];
/** One kernel's named arguments on storage S. */
export type ArgsOf<K extends KernelName, S> = Parameters<NonNullable<Kernels<S>[K]>>[0];
/** One kernel's named arguments on the CPU backends' typed arrays. */
export type HostArgs<K extends KernelName> = ArgsOf<K, HostStorage>;
