// A browser thread of the sgemm pool: says it is ready, then serves the training worker's jobs.
import { type SgemmWorkerData, serveSgemmJobs } from '../src/backend/wasm/sgemmPool.js';

self.onmessage = (event: MessageEvent<SgemmWorkerData>) => {
  self.postMessage('ready');
  serveSgemmJobs(event.data);
};
