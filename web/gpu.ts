// The WebGPU page: the kernels checked against the reference backend on this GPU, and the matrix product timed
// on WebGPU and on the WebAssembly backend in the same tab. `?check` and `?bench=256,512` run them on load (the
// tests drive the page that way through Chromium's SwiftShader adapter).
import type { Backend, MatmulSpec } from '../src/backend/backend.js';
import { type AdapterSummary, adapterName, requestGPUDevice } from '../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../src/backend/webgpu/kernels.js';
import { type CheckResult, checkWebGPUKernels } from '../src/backend/webgpu/selfCheck.js';
import { createPageBackend } from './backend.js';

interface BenchRow { size: number; backend: string; ms: number; gflops: number }
interface PageState { adapter?: string; error?: string; check?: CheckResult[]; bench?: BenchRow[]; done: boolean }
const state: PageState = { done: false };
(globalThis as unknown as { zerogradGpu: PageState }).zerogradGpu = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => { $('status').textContent = text; };
const row = (cells: (string | number)[], header = false) => `<tr>${cells.map((c) => (header ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;

function square(n: number): MatmulSpec {
  return { batch: 1, M: n, N: n, K: n, aOffsets: [0], bOffsets: [0], transA: false, transB: false, lda: n, ldb: n };
}

function randomMatrix(n: number): Float32Array {
  return Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
}

/** Milliseconds per product: one warm-up, then as many runs as fit in about half a second (at least two). */
async function timeIt(run: () => void, finished: () => Promise<void>): Promise<number> {
  run();
  await finished();
  let runs = 0;
  const start = performance.now();
  do {
    run();
    await finished();
    runs++;
  } while (runs < 2 || (performance.now() - start < 500 && runs < 50));
  return (performance.now() - start) / runs;
}

async function benchmark(gpu: WebGPUKernels, wasm: { backend: Backend; label: string }, sizes: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const table = $('bench-results');
  table.innerHTML = row(['n', 'backend', 'ms', 'GFLOP/s'], true);
  for (const n of sizes) {
    const [a, b] = [randomMatrix(n), randomMatrix(n)];
    const flops = 2 * n ** 3;
    const [ga, gb, gc] = [gpu.upload(a), gpu.upload(b), gpu.empty('float32', n * n)];
    const gpuMs = await timeIt(() => gpu.matmul(square(n), ga, gb, gc), () => gpu.finished());
    [ga, gb, gc].forEach((t) => gpu.release(t));
    const out = new Float32Array(n * n);
    const wasmMs = await timeIt(() => wasm.backend.matmul(square(n), a, b, out), async () => {});
    for (const [backend, ms] of [['WebGPU', gpuMs], [wasm.label, wasmMs]] as const) {
      rows.push({ size: n, backend, ms, gflops: flops / ms / 1e6 });
      table.innerHTML += row([n, backend, ms.toFixed(2), (flops / ms / 1e6).toFixed(1)]);
    }
  }
  return rows;
}

function showCheck(results: CheckResult[]): void {
  const failed = results.filter((r) => !r.ok);
  $('check-summary').textContent = `${results.length - failed.length} of ${results.length} cases agree with the reference kernels${failed.length ? `; ${failed.length} do not` : ''}`;
  $('check-results').innerHTML = row(['kernel', 'case', 'worst error / tolerance', ''], true)
    + results.map((r) => row([r.kernel, r.detail, r.worst.toExponential(2), r.ok ? 'ok' : `FAILED: ${r.at}`])).join('');
}

async function main(): Promise<void> {
  let context: { device: GPUDevice; adapter: AdapterSummary };
  try {
    context = await requestGPUDevice();
  } catch (error) {
    state.error = (error as Error).message;
    state.done = true;
    status(state.error);
    return;
  }
  const gpu = new WebGPUKernels(context.device);
  const errors: string[] = [];
  context.device.addEventListener('uncapturederror', (event) => errors.push((event as GPUUncapturedErrorEvent).error.message));
  state.adapter = adapterName(context.adapter);
  status(`WebGPU: ${state.adapter}`);
  const wasm = await createPageBackend();
  const wasmLabel = `WebAssembly ${wasm.build} x${wasm.threads}`;

  const runCheck = async () => {
    status(`checking the kernels on ${state.adapter}…`);
    state.check = await checkWebGPUKernels(gpu);
    if (errors.length) state.error = errors.join('; ');
    showCheck(state.check);
    status(`WebGPU: ${state.adapter}${state.error ? ` (errors: ${state.error})` : ''}`);
  };
  const runBench = async (sizes: number[]) => {
    status(`timing on ${state.adapter} and ${wasmLabel}…`);
    state.bench = await benchmark(gpu, { backend: wasm.backend, label: wasmLabel }, sizes);
    status(`WebGPU: ${state.adapter}`);
  };
  const sizesInput = $<HTMLInputElement>('sizes');
  const parseSizes = (text: string) => text.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 8192);
  $('check').addEventListener('click', () => void runCheck());
  $('bench').addEventListener('click', () => void runBench(parseSizes(sizesInput.value)));
  for (const id of ['check', 'bench']) $<HTMLButtonElement>(id).disabled = false;

  const query = new URLSearchParams(location.search);
  if (query.has('check')) await runCheck();
  if (query.has('bench')) await runBench(parseSizes(query.get('bench') || sizesInput.value));
  state.done = true;
}

void main();
