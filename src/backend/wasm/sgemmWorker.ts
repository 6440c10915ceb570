// A Node thread of the sgemm pool (worker_threads): serves the jobs of the thread that started it.
import { workerData } from 'node:worker_threads';
import { type SgemmWorkerData, serveSgemmJobs } from './sgemmPool.js';

serveSgemmJobs(workerData as SgemmWorkerData);
