import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SgemmPool } from './backend.js';

/**
 * Layout of the shared control block: a job counter, a done counter, a failure flag, the sgemm
 * arguments, then each worker's panel range.
 */
export const JOB = { generation: 0, done: 1, failed: 2, a: 3, b: 4, c: 5, M: 6, N: 7, K: 8 } as const;
/** Where worker `index` finds its [panelStart, panelEnd). */
export const slotOf = (index: number) => 9 + 2 * index;

export interface SgemmWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
}

/** Threads to use: ZEROGRAD_THREADS when set, else the machine's cores. */
export function threadCount(): number {
  const raw = process.env.ZEROGRAD_THREADS;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`ZEROGRAD_THREADS must be a positive integer, got '${raw}'`);
  return n;
}

/**
 * `threads - 1` workers; the calling thread computes the first share itself. Workers block in
 * Atomics.wait between jobs and are unref'd, so an idle pool neither burns a core nor keeps the process
 * alive.
 */
export function createSgemmPool(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number): SgemmPool {
  const control = new SharedArrayBuffer(4 * slotOf(threads));
  const job = new Int32Array(control);
  const workers = Array.from({ length: threads - 1 }, (_, index) => {
    const data: SgemmWorkerData = { module, memory, control, index };
    const worker = new Worker(new URL('./sgemmWorker.js', import.meta.url), { workerData: data });
    worker.unref();
    return worker;
  });
  return {
    threads,
    sgemm(a, b, c, M, N, K, local) {
      const panels = Math.ceil(N / 8);
      const share = Math.ceil(panels / threads);
      job.set([a, b, c, M, N, K], JOB.a);
      workers.forEach((_, i) => job.set([Math.min(panels, (i + 1) * share), Math.min(panels, (i + 2) * share)], slotOf(i)));
      Atomics.store(job, JOB.done, 0);
      Atomics.add(job, JOB.generation, 1);
      Atomics.notify(job, JOB.generation);
      local(0, Math.min(panels, share));
      for (let done = Atomics.load(job, JOB.done); done < workers.length; done = Atomics.load(job, JOB.done)) {
        Atomics.wait(job, JOB.done, done);
      }
      if (Atomics.exchange(job, JOB.failed, 0)) throw new Error('sgemm: a worker thread failed; set ZEROGRAD_THREADS=1 to run on one thread');
    },
  };
}
