// A Node thread of the kernel pool (worker_threads): serves the jobs of the thread that started it.
import { workerData } from 'node:worker_threads';
import { type PoolWorkerData, servePoolJobs } from './kernelPool.js';

servePoolJobs(workerData as PoolWorkerData);
