import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type KernelPool, type PoolWorkerData, createControl, kernelPool } from './kernelPool.js';
import type { WasmMemory, WasmModule } from './wasmTypes.js';

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
export function createKernelPool(module: WasmModule, memory: WasmMemory, threads: number): KernelPool {
  const control = createControl();
  for (let index = 0; index < threads - 1; index++) {
    const data: PoolWorkerData = { module, memory, control };
    new Worker(new URL('./poolWorker.js', import.meta.url), { workerData: data }).unref();
  }
  return kernelPool(control, threads);
}
