// The sgemm thread pool's protocol, shared by Node (worker_threads) and browsers (Web Workers): the calling
// thread and its workers instantiate the same kernels on one shared memory and meet in a control block.
import type { SgemmPool } from './backend.js';

/**
 * Layout of the shared control block: a job counter, a done counter, a failure flag, the sgemm
 * arguments, then each worker's panel range.
 */
const JOB = { generation: 0, done: 1, failed: 2, a: 3, b: 4, c: 5, M: 6, N: 7, K: 8 } as const;
/** Where worker `index` finds its [panelStart, panelEnd). */
const slotOf = (index: number) => 9 + 2 * index;

/** What each worker receives: the compiled kernels, the memory they share, the control block, its index. */
export interface SgemmWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
}

/** The shared memory's maximum in 64 KiB pages (4 GiB, all that 32-bit addresses reach), as `--maximumMemory` of kernels-shared.wasm. */
export const SHARED_MEMORY_PAGES = 65536;

/** The memory the shared kernels import: shared memories must declare a maximum. */
export const createSharedMemory = () => new WebAssembly.Memory({ initial: 2, maximum: SHARED_MEMORY_PAGES, shared: true });

/** The control block for a pool of `threads` (the caller included). */
export const createControl = (threads: number) => new SharedArrayBuffer(4 * slotOf(threads));

/**
 * The caller's side: splits one product's column panels into `threads` shares, computes the first itself
 * (through `local`) while `threads - 1` workers serving this control block compute the others.
 */
export function sgemmPool(control: SharedArrayBuffer, threads: number): SgemmPool {
  const job = new Int32Array(control);
  const workers = threads - 1;
  return {
    threads,
    sgemm(a, b, c, M, N, K, local) {
      const panels = Math.ceil(N / 8);
      const share = Math.ceil(panels / threads);
      job.set([a, b, c, M, N, K], JOB.a);
      for (let i = 0; i < workers; i++) job.set([Math.min(panels, (i + 1) * share), Math.min(panels, (i + 2) * share)], slotOf(i));
      Atomics.store(job, JOB.done, 0);
      Atomics.add(job, JOB.generation, 1);
      Atomics.notify(job, JOB.generation);
      local(0, Math.min(panels, share));
      for (let done = Atomics.load(job, JOB.done); done < workers; done = Atomics.load(job, JOB.done)) {
        Atomics.wait(job, JOB.done, done);
      }
      if (Atomics.exchange(job, JOB.failed, 0)) throw new Error('sgemm: a worker thread failed; set ZEROGRAD_THREADS=1 to run on one thread');
    },
  };
}

/** A worker's side, run forever: wait for the job counter to move, compute this worker's panels, report. */
export function serveSgemmJobs({ module, memory, control, index }: SgemmWorkerData): never {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as {
    sgemm(a: number, b: number, c: number, M: number, N: number, K: number, panelStart: number, panelEnd: number): void;
  };
  const job = new Int32Array(control);
  const slot = slotOf(index);
  let seen = 0;
  for (;;) {
    Atomics.wait(job, JOB.generation, seen);
    seen = Atomics.load(job, JOB.generation);
    try {
      kernels.sgemm(job[JOB.a], job[JOB.b], job[JOB.c], job[JOB.M], job[JOB.N], job[JOB.K], job[slot], job[slot + 1]);
    } catch {
      // The caller is blocked waiting for `done`: report the failure there rather than die silently.
      Atomics.store(job, JOB.failed, 1);
    }
    Atomics.add(job, JOB.done, 1);
    Atomics.notify(job, JOB.done);
  }
}
