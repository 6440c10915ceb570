// The kernel thread pool's protocol, shared by Node (worker_threads) and browsers (Web Workers): the calling
// thread and its workers instantiate the same kernels on one shared memory and meet in a control block.
import type { WasmExports } from './exports.js';
import type { WasmMemory, WasmModule } from './wasmTypes.js';

/** What a pool thread calls: the kernels of assembly/ that split across threads. */
export type PoolKernels = Pick<WasmExports, PoolJob['kind']>;

/**
 * One job: a kernel over `items` independent work items (sgemm: column panels; sgemmNT: groups of four columns; the elementwise kernels:
 * elements; the window kernels: rows, channels or planes), handed out `chunk` at a time. `args` are the kernel's integer arguments as PoolKernels
 * lists them, less the range; `scalar` its float one.
 */
export interface PoolJob {
  kind: typeof KINDS[number];
  args: readonly number[];
  scalar?: number;
  items: number;
  chunk: number;
}

/** Runs jobs on the calling thread and `threads - 1` workers. */
export interface KernelPool {
  threads: number;
  run(job: PoolJob, kernels: PoolKernels): void;
}

/** Claims per thread a job is cut into: enough to even out a slow or late thread, few enough to keep caches warm. */
const CLAIMS_PER_THREAD = 4;

/** Items per claim for a job of `items` on `threads`, a multiple of `unit`. */
export const claimSize = (items: number, threads: number, unit = 1): number =>
  unit * Math.ceil(items / (unit * threads * CLAIMS_PER_THREAD));

const KINDS = ['sgemm', 'sgemmNT', 'unary', 'unaryBackward', 'im2col', 'col2im', 'maxPool2d', 'maxPool2dBackward'] as const;
const ARGS = 8;
/**
 * Layout of the shared control block in int32s: a job counter, a done counter, a failure flag, the kernel,
 * its arguments, then the work queue (the next unclaimed item, the item count, items per claim); the
 * float argument follows as a float64.
 */
const JOB = { generation: 0, done: 1, failed: 2, kind: 3, args: 4, next: 4 + ARGS, items: 5 + ARGS, chunk: 6 + ARGS } as const;
const SCALAR_AT = 2 * Math.ceil((7 + ARGS) / 2);

/**
 * The job's kernel over items [start, end). The elementwise kernels' ranges are elements: their addresses
 * move by four bytes an element, and chunks are multiples of four so each thread's vector loops cover the
 * same elements one thread's would.
 */
function rangeRunner(kernels: PoolKernels, kind: PoolJob['kind'], a: Int32Array, p: number): (start: number, end: number) => void {
  switch (kind) {
    case 'sgemm': return (start, end) => kernels.sgemm(a[0], a[1], a[2], a[3], a[4], a[5], start, end, a[6], a[7]);
    case 'unary': return (start, end) => kernels.unary(a[0], a[1] + 4 * start, a[2] + 4 * start, end - start, p, a[3]);
    case 'unaryBackward': return (start, end) =>
      kernels.unaryBackward(a[0], a[1] + 4 * start, a[2] + 4 * start, a[3] + 4 * start, a[4] + 4 * start, end - start, p, a[5]);
    case 'sgemmNT': return (start, end) => kernels.sgemmNT(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], start, end);
    case 'im2col': return (start, end) => kernels.im2col(a[0], a[1], a[2], start, end);
    case 'col2im': return (start, end) => kernels.col2im(a[0], a[1], a[2], start, end);
    case 'maxPool2d': return (start, end) => kernels.maxPool2d(a[0], a[1], a[2], a[3], start, end);
    case 'maxPool2dBackward': return (start, end) => kernels.maxPool2dBackward(a[0], a[1], a[2], a[3], start, end);
  }
}

/**
 * Claims chunks of the job's items until none is left. Every thread of a job runs this, so a thread that
 * wakes late or runs slow simply claims less; each item is still computed whole by one thread, in the
 * same order, so the result does not depend on who computed it.
 */
function claimWork(control: SharedArrayBuffer, kernels: PoolKernels): void {
  const job = new Int32Array(control);
  const run = rangeRunner(kernels, KINDS[job[JOB.kind]], job.slice(JOB.args, JOB.args + ARGS), new Float64Array(control)[SCALAR_AT / 2]);
  const items = job[JOB.items];
  const chunk = job[JOB.chunk];
  for (let start = Atomics.add(job, JOB.next, chunk); start < items; start = Atomics.add(job, JOB.next, chunk)) {
    run(start, Math.min(items, start + chunk));
  }
}

/** What each worker receives: the compiled kernels, the memory they share, the control block. */
export interface PoolWorkerData {
  module: WasmModule;
  memory: WasmMemory;
  control: SharedArrayBuffer;
}

/** The shared memory's maximum in 64 KiB pages (4 GiB, all that 32-bit addresses reach), as `--maximumMemory` of kernels-shared.wasm. */
export const SHARED_MEMORY_PAGES = 65536;

/** The memory the shared kernels import: shared memories must declare a maximum. */
export const createSharedMemory = (): WasmMemory => new WebAssembly.Memory({ initial: 2, maximum: SHARED_MEMORY_PAGES, shared: true });

/** The control block a pool's threads meet in. */
export const createControl = () => new SharedArrayBuffer(4 * SCALAR_AT + 8);

/**
 * The caller's side: posts a job as a work queue and claims items from it itself, with its own instance of
 * the kernels, while the `threads - 1` workers serving this control block claim the rest.
 */
export function kernelPool(control: SharedArrayBuffer, threads: number): KernelPool {
  const job = new Int32Array(control);
  const scalar = new Float64Array(control);
  const workers = threads - 1;
  return {
    threads,
    run({ kind, args, scalar: p = 0, items, chunk }, kernels) {
      job[JOB.kind] = KINDS.indexOf(kind);
      job.set(args, JOB.args);
      job.set([0, items, chunk], JOB.next);
      scalar[SCALAR_AT / 2] = p;
      Atomics.store(job, JOB.done, 0);
      Atomics.add(job, JOB.generation, 1);
      Atomics.notify(job, JOB.generation);
      claimWork(control, kernels);
      for (let done = Atomics.load(job, JOB.done); done < workers; done = Atomics.load(job, JOB.done)) {
        Atomics.wait(job, JOB.done, done);
      }
      if (Atomics.exchange(job, JOB.failed, 0)) throw new Error(`${kind}: a worker thread failed; set ZEROGRAD_THREADS=1 to run on one thread`);
    },
  };
}

/** A worker's side, run forever: wait for the job counter to move, claim work until none is left, report. */
export function servePoolJobs({ module, memory, control }: PoolWorkerData): never {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as PoolKernels;
  const job = new Int32Array(control);
  let seen = 0;
  for (;;) {
    Atomics.wait(job, JOB.generation, seen);
    seen = Atomics.load(job, JOB.generation);
    try {
      claimWork(control, kernels);
    } catch {
      // The caller is blocked waiting for `done`: report the failure there rather than die silently.
      Atomics.store(job, JOB.failed, 1);
    }
    Atomics.add(job, JOB.done, 1);
    Atomics.notify(job, JOB.done);
  }
}
