import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SgemmPool } from './backend.js';
import { type SgemmWorkerData, createControl, sgemmPool } from './sgemmPool.js';

/** Threads to use: ZEROGRAD_THREADS when set, else the machine's cores. */
export function threadCount(): number {
  const raw = process.env.ZEROGRAD_THREADS;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`ZEROGRAD_THREADS must be a positive integer, got '${raw}'`);
  return n;
}

/**
 * The pool in Node: `threads - 1` worker_threads. They block in Atomics.wait between jobs and are
 * unref'd, so an idle pool neither burns a core nor keeps the process alive.
 */
export function createSgemmPool(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number): SgemmPool {
  const control = createControl();
  for (let index = 0; index < threads - 1; index++) {
    const data: SgemmWorkerData = { module, memory, control };
    new Worker(new URL('./sgemmWorker.js', import.meta.url), { workerData: data }).unref();
  }
  return sgemmPool(control, threads);
}
