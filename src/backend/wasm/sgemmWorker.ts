// A thread of the sgemm pool: instantiates the kernels on the shared memory, then computes the column
// panels the calling thread assigns it, each time the job counter moves.
import { workerData } from 'node:worker_threads';
import { JOB, type SgemmWorkerData, slotOf } from './threadPool.js';

const { module, memory, control, index } = workerData as SgemmWorkerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as {
  sgemm(a: number, b: number, c: number, M: number, N: number, K: number, panelStart: number, panelEnd: number): void;
};
const job = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(job, JOB.generation, seen);
  seen = Atomics.load(job, JOB.generation);
  const slot = slotOf(index);
  try {
    kernels.sgemm(job[JOB.a], job[JOB.b], job[JOB.c], job[JOB.M], job[JOB.N], job[JOB.K], job[slot], job[slot + 1]);
  } catch {
    // The caller is blocked waiting for `done`: report the failure there rather than die silently.
    Atomics.store(job, JOB.failed, 1);
  }
  Atomics.add(job, JOB.done, 1);
  Atomics.notify(job, JOB.done);
}
