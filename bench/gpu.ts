// `npm run bench:gpu`: the WebGPU backend in Node (the webgpu package, Dawn) timed beside the WebAssembly backend in
// the same run: sgemm in GFLOP/s, and GPT training steps (AdamW, each loss awaited as trainLoopAsync does) in ms and
// tokens/s, with the speed-up over WebAssembly. `--quick` takes smaller sizes; `--max-seconds N` skips a row whose
// time, estimated from the row before it, would pass N seconds (SwiftShader, WebGPU on the CPU, takes minutes for the
// large ones). Not a test: numbers, not verdicts.
import { cpus } from 'node:os';
import { createWasmBackend, defaultKernelBuild } from '../src/backend/wasm/index.js';
import { threadCount } from '../src/backend/wasm/threadPool.js';
import type { Backend, MatmulSpec } from '../src/backend/backend.js';
import { setBackend } from '../src/backend/registry.js';
import { createWebGPUBackend } from '../src/backend/webgpu/backend.js';
import { requestGPUDevice } from '../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../src/backend/webgpu/kernels.js';
import { describeAdapter, loadNodeGPU } from '../src/backend/webgpu/nodeGPU.js';
import { Generator } from '../src/core/random.js';
import { getBatch } from '../src/data/textDataset.js';
import { GPT, lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { trainLoopAsync } from '../src/models/trainer.js';
import { AdamW } from '../src/optim/adamw.js';

const quick = process.argv.includes('--quick');
const at = process.argv.indexOf('--max-seconds');
const maxSeconds = at >= 0 ? Number(process.argv[at + 1]) : quick ? 60 : 600;
if (!(maxSeconds > 0)) throw new Error(`--max-seconds: '${process.argv[at + 1]}' is not a positive number of seconds`);

const SGEMM = quick ? [256, 512, 1024] : [1024, 2048, 4096];
const MODELS = [
  { label: 'GPT n_embd 32, 3 layers, block 8', nEmbd: 32, nHead: 4, nLayer: 3, blockSize: 8 },
  { label: 'GPT n_embd 128, 4 layers, block 64', nEmbd: 128, nHead: 4, nLayer: 4, blockSize: 64 },
  { label: 'GPT 10.8M: n_embd 384, 6 layers, 6 heads, block 256', nEmbd: 384, nHead: 6, nLayer: 6, blockSize: 256 },
];
const BATCHES = [8, 64];
/** Timed steps after one warm-up step (or fewer, once they pass the row's seconds). */
const STEPS = quick ? 2 : 5;

const gpuObject = await loadNodeGPU();
if (!gpuObject) throw new Error('WebGPU in Node needs the webgpu package: npm install webgpu');
const report = await describeAdapter(gpuObject);
if (!report) throw new Error('WebGPU gave no adapter (no usable GPU)');
const { device } = await requestGPUDevice(gpuObject);
const gpu = new WebGPUKernels(device);
const webgpu = createWebGPUBackend(gpu);
const threads = threadCount();
const wasm = createWasmBackend({ threads });
const wasmLabel = `WebAssembly ${defaultKernelBuild()} x${threads}`;

console.log(`# zerograd WebGPU benchmark\n\nadapter: ${[report.vendor, report.architecture].filter(Boolean).join(' ')}${report.description ? ` (${report.description})` : ''}`);
if (report.software) console.log('software adapter: timings say nothing about a real GPU');
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; rows estimated past ${maxSeconds} s are skipped\n`);

/**
 * Times rows in order, each estimated from the last one measured (time scales with `work`): a row whose estimate
 * passes maxSeconds is skipped rather than run.
 */
function estimator() {
  let last: { ms: number; work: number } | undefined;
  return {
    tooSlow: (work: number) => (last ? (last.ms * work) / last.work > maxSeconds * 1000 : false),
    measured: (ms: number, work: number) => { last = { ms, work }; },
  };
}

/** Milliseconds per call of `run`: one warm-up, then calls until `count` or half a second (and one at least). */
async function timed(run: () => Promise<void>, count: number): Promise<number> {
  await run();
  let calls = 0;
  const start = performance.now();
  do {
    await run();
    calls++;
  } while (calls < count && performance.now() - start < Math.max(500, maxSeconds * 250));
  return (performance.now() - start) / calls;
}

const square = (n: number): MatmulSpec => ({ batch: 1, M: n, N: n, K: n, aOffsets: [0], bOffsets: [0], transA: false, transB: false, lda: n, ldb: n });
const cell = (ms: number | undefined, skipped: string) => (ms === undefined ? skipped : ms.toFixed(1));
const ratio = (gpuMs?: number, wasmMs?: number) => (gpuMs && wasmMs ? `${(wasmMs / gpuMs).toFixed(2)}x` : 'n/a');
const skippedText = `skipped (over ${maxSeconds} s)`;

/**
 * A row that cannot run says why in its cell and the table goes on: the 10.8M model at batch 64 needs more than
 * WebAssembly's 4 GiB of memory, and a GPU may run out of its own.
 */
async function attempt(run: () => Promise<number>): Promise<number | string> {
  try {
    return await run();
  } catch (error) {
    return `failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

console.log('## sgemm (n x n by n x n), ms and GFLOP/s\n');
console.log(`| n | WebGPU ms | WebGPU GFLOP/s | ${wasmLabel} ms | ${wasmLabel} GFLOP/s | WebGPU / WebAssembly |\n|---|---|---|---|---|---|`);
const [gpuSgemm, wasmSgemm] = [estimator(), estimator()];
for (const n of SGEMM) {
  const flops = 2 * n ** 3;
  const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
  let gpuMs: number | undefined;
  let wasmMs: number | undefined;
  if (!gpuSgemm.tooSlow(flops)) {
    const [ga, gb, gc] = [gpu.upload(a), gpu.upload(a), gpu.empty('float32', n * n)];
    gpuMs = await timed(() => { gpu.run('matmul', { spec: square(n), a: ga, b: gb, out: gc }); return gpu.finished(); }, 5);
    [ga, gb, gc].forEach((t) => gpu.release(t));
    gpuSgemm.measured(gpuMs, flops);
  }
  if (!wasmSgemm.tooSlow(flops)) {
    const out = new Float32Array(n * n);
    wasmMs = await timed(async () => wasm.matmul({ spec: square(n), a, b: a, out }), 5);
    wasmSgemm.measured(wasmMs, flops);
  }
  const gflops = (ms?: number) => (ms === undefined ? '' : (flops / ms / 1e6).toFixed(1));
  console.log(`| ${n} | ${cell(gpuMs, skippedText)} | ${gflops(gpuMs)} | ${cell(wasmMs, skippedText)} | ${gflops(wasmMs)} | ${ratio(gpuMs, wasmMs)} |`);
}

/** Milliseconds per AdamW training step of `model` at `batch` on `backend`, each loss read back as trainLoopAsync does. */
async function stepMs(backend: Backend, model: (typeof MODELS)[number], batch: number): Promise<number> {
  const previous = setBackend(backend);
  try {
    const gpt = new GPT(lectureGPTConfig({ vocabSize: 65, blockSize: model.blockSize, nEmbd: model.nEmbd, nHead: model.nHead, nLayer: model.nLayer, dropout: 0 }), new Generator(1337));
    const optimizer = new AdamW(gpt.parameters(), 1e-3);
    const generator = new Generator(7);
    const tokens = Int32Array.from({ length: 65536 }, (_, i) => (i * 7919) % 65);
    let step = 0;
    const train = async () => {
      await trainLoopAsync({
        startStep: step, steps: step + 1, optimizer, schedule: () => 1e-3,
        batchLoss: () => {
          const { x, y } = getBatch(tokens, model.blockSize, batch, generator);
          return gpt.forward(x, y).loss!;
        },
      });
      step++;
    };
    return await timed(train, STEPS);
  } finally {
    setBackend(previous);
  }
}

console.log('\n## GPT training step (AdamW, loss awaited each step), ms per step and tokens/s\n');
console.log(`| model | batch | WebGPU ms | WebGPU tokens/s | ${wasmLabel} ms | ${wasmLabel} tokens/s | WebGPU / WebAssembly |\n|---|---|---|---|---|---|---|`);
const [gpuSteps, wasmSteps] = [estimator(), estimator()];
for (const model of MODELS) {
  for (const batch of BATCHES) {
    const tokens = batch * model.blockSize;
    // Work: the matrix products' multiply-adds per step, weights and attention (a proxy for the estimate only).
    const work = tokens * model.nLayer * (12 * model.nEmbd ** 2 + 2 * model.blockSize * model.nEmbd) + tokens * 65 * model.nEmbd;
    const gpu = gpuSteps.tooSlow(work) ? undefined : await attempt(() => stepMs(webgpu, model, batch));
    const gpuMs = typeof gpu === 'number' ? gpu : undefined;
    if (gpuMs !== undefined) gpuSteps.measured(gpuMs, work);
    const cpu = wasmSteps.tooSlow(work) ? undefined : await attempt(() => stepMs(wasm, model, batch));
    const wasmMs = typeof cpu === 'number' ? cpu : undefined;
    if (wasmMs !== undefined) wasmSteps.measured(wasmMs, work);
    const rate = (ms?: number) => (ms === undefined ? '' : (tokens / (ms / 1000)).toFixed(0));
    const shown = (result: number | string | undefined) => (typeof result === 'string' ? result : cell(result, skippedText));
    console.log(`| ${model.label} | ${batch} | ${shown(gpu)} | ${rate(gpuMs)} | ${shown(cpu)} | ${rate(wasmMs)} | ${ratio(gpuMs, wasmMs)} |`);
  }
}
process.exit(0);
