// A browser thread of the kernel pool: says it is ready, then serves the training worker's jobs.
import { type PoolWorkerData, servePoolJobs } from '../src/backend/wasm/kernelPool.js';

self.onmessage = (event: MessageEvent<PoolWorkerData>) => {
  self.postMessage('ready');
  servePoolJobs(event.data);
};
