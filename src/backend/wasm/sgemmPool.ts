// The sgemm thread pool's protocol, shared by Node (worker_threads) and browsers (Web Workers): the calling
// thread and its workers instantiate the same kernels on one shared memory and meet in a control block.
import type { SgemmPool } from './backend.js';

/**
 * Layout of the shared control block: a job counter, a done counter, a failure flag, the sgemm arguments,
 * then the work queue: the next unclaimed column panel, the panel count and the panels per claim.
 */
const JOB = { generation: 0, done: 1, failed: 2, a: 3, b: 4, c: 5, M: 6, N: 7, K: 8, next: 9, panels: 10, chunk: 11 } as const;
const CONTROL_INTS = 12;
/** Claims per thread a product is cut into: enough to even out a slow or late thread, few enough to keep A's block in cache. */
const CLAIMS_PER_THREAD = 4;

type SgemmKernel = (a: number, b: number, c: number, M: number, N: number, K: number, panelStart: number, panelEnd: number) => void;

/**
 * Computes claims of column panels until none is left. Every thread of a job runs this, so a thread that
 * wakes late or runs slow simply claims less; each panel is still computed whole by one thread, in the
 * same order, so the result does not depend on who computed it.
 */
function claimPanels(job: Int32Array, sgemm: SgemmKernel): void {
  const panels = job[JOB.panels];
  const chunk = job[JOB.chunk];
  for (let start = Atomics.add(job, JOB.next, chunk); start < panels; start = Atomics.add(job, JOB.next, chunk)) {
    sgemm(job[JOB.a], job[JOB.b], job[JOB.c], job[JOB.M], job[JOB.N], job[JOB.K], start, Math.min(panels, start + chunk));
  }
}

/** What each worker receives: the compiled kernels, the memory they share, the control block. */
export interface SgemmWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

/** The shared memory's maximum in 64 KiB pages (4 GiB, all that 32-bit addresses reach), as `--maximumMemory` of kernels-shared.wasm. */
export const SHARED_MEMORY_PAGES = 65536;

/** The memory the shared kernels import: shared memories must declare a maximum. */
export const createSharedMemory = () => new WebAssembly.Memory({ initial: 2, maximum: SHARED_MEMORY_PAGES, shared: true });

/** The control block for a pool of `threads` (the caller included). */
export const createControl = () => new SharedArrayBuffer(4 * CONTROL_INTS);

/**
 * The caller's side: posts one product's column panels as a work queue and claims panels from it itself
 * (through `local`) while the `threads - 1` workers serving this control block claim the rest.
 */
export function sgemmPool(control: SharedArrayBuffer, threads: number): SgemmPool {
  const job = new Int32Array(control);
  const workers = threads - 1;
  return {
    threads,
    sgemm(a, b, c, M, N, K, local) {
      const panels = Math.ceil(N / 8);
      job.set([a, b, c, M, N, K, 0, panels, Math.max(1, Math.ceil(panels / (threads * CLAIMS_PER_THREAD)))], JOB.a);
      Atomics.store(job, JOB.done, 0);
      Atomics.add(job, JOB.generation, 1);
      Atomics.notify(job, JOB.generation);
      claimPanels(job, (_a, _b, _c, _M, _N, _K, start, end) => local(start, end));
      for (let done = Atomics.load(job, JOB.done); done < workers; done = Atomics.load(job, JOB.done)) {
        Atomics.wait(job, JOB.done, done);
      }
      if (Atomics.exchange(job, JOB.failed, 0)) throw new Error('sgemm: a worker thread failed; set ZEROGRAD_THREADS=1 to run on one thread');
    },
  };
}

/** A worker's side, run forever: wait for the job counter to move, claim panels until none is left, report. */
export function serveSgemmJobs({ module, memory, control }: SgemmWorkerData): never {
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as { sgemm: SgemmKernel };
  const job = new Int32Array(control);
  let seen = 0;
  for (;;) {
    Atomics.wait(job, JOB.generation, seen);
    seen = Atomics.load(job, JOB.generation);
    try {
      claimPanels(job, kernels.sgemm);
    } catch {
      // The caller is blocked waiting for `done`: report the failure there rather than die silently.
      Atomics.store(job, JOB.failed, 1);
    }
    Atomics.add(job, JOB.done, 1);
    Atomics.notify(job, JOB.done);
  }
}
