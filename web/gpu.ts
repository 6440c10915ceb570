// The WebGPU page: the kernels checked against the reference backend on this GPU, and the matrix product timed
// on WebGPU and on the WebAssembly backend in the same tab. `?check` and `?bench=256,512` run them on load (the
// tests drive the page that way through Chromium's SwiftShader adapter).
import type { Backend, MatmulSpec } from '../src/backend/backend.js';
import { withBackend } from '../src/backend/registry.js';
import { createWebGPUBackend } from '../src/backend/webgpu/backend.js';
import { type AdapterSummary, adapterName, requestGPUDevice } from '../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../src/backend/webgpu/kernels.js';
import { type CheckResult, checkWebGPUKernels } from '../src/backend/webgpu/selfCheck.js';
import { getBatch } from '../src/data/textDataset.js';
import { GPT, lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { type TrainLoopOptions, type TrainingState, checkpointOfAsync, restoreRun, trainLoopAsync } from '../src/models/trainer.js';
import type { Checkpoint } from '../src/io/checkpoint.js';
import { AdamW } from '../src/optim/adamw.js';
import { Generator } from '../src/core/random.js';
import { type FixtureCase, deviceCaseMismatch } from '../test/tensor/torchCases.js';
import goldenFixtures from '../test/fixtures/torch_ops.json';
import { BACKWARD_CASES, type BackwardCase, backwardOutputs, withoutKernels } from '../test/backend/backwardCases.js';
import { BACKWARD_KERNELS } from '../src/backend/kernels/index.js';
import { createPageBackend } from './backend.js';

interface BenchRow { size: number; backend: string; ms: number; gflops: number }
interface TrainRun { backend: string; losses: number[]; ms: number; memory: number[] }
/** The last RESUMED steps again, from a checkpoint read back from the GPU run before them, on each backend. */
interface ResumedRun { backend: string; losses: number[] }
interface StepRow { model: string; backend: string; ms: number; tokensPerSecond: number }
interface GoldenResult { name: string; ok: boolean; message?: string }
interface PageState {
  adapter?: string; error?: string; check?: CheckResult[]; bench?: BenchRow[]; steps?: StepRow[]; train?: TrainRun[]; resumed?: ResumedRun[]; golden?: GoldenResult[];
  done: boolean;
}

/** The GPT training steps the benchmark times, as `npm run bench` names them (the 10.8M one at the lecture's batch). */
const GPT_SIZES: Record<string, { label: string; nEmbd: number; nHead: number; nLayer: number; blockSize: number; batch: number }> = {
  tiny: { label: 'GPT n_embd 32, 3 layers, block 8 (batch 32)', nEmbd: 32, nHead: 4, nLayer: 3, blockSize: 8, batch: 32 },
  128: { label: 'GPT n_embd 128, 4 layers, block 64 (batch 32)', nEmbd: 128, nHead: 4, nLayer: 4, blockSize: 64, batch: 32 },
  '10.8M': { label: 'GPT 10.8M: n_embd 384, 6 layers, block 256 (batch 64)', nEmbd: 384, nHead: 6, nLayer: 6, blockSize: 256, batch: 64 },
};

/** ms per AdamW training step of each GPT size on each backend: one warm-up step, then two timed, each awaited. */
async function timeGptSteps(backends: { label: string; backend: Backend }[], sizes: string[]): Promise<StepRow[]> {
  const rows: StepRow[] = [];
  for (const size of sizes) {
    const c = GPT_SIZES[size];
    if (!c) throw new Error(`unknown GPT size '${size}' (${Object.keys(GPT_SIZES).join(', ')})`);
    const tokens = Int32Array.from({ length: 4096 }, (_, i) => (i * 7919) % 65);
    for (const { label, backend } of backends) {
      await withBackend(backend, async () => {
        const { train } = smallGPTRun({ ...c, vocabSize: 65 }, tokens, 3e-4, [0, 1]);
        await train({ steps: 1 });
        const start = performance.now();
        await train({ steps: 3, startStep: 1 });
        const ms = (performance.now() - start) / 2;
        rows.push({ model: c.label, backend: label, ms, tokensPerSecond: (c.batch * c.blockSize) / (ms / 1000) });
        $('step-results').innerHTML += row([c.label, label, ms.toFixed(1), ((c.batch * c.blockSize) / (ms / 1000)).toFixed(0)]);
      });
    }
  }
  return rows;
}

/**
 * PyTorch's golden values (test/fixtures/torch_ops.json) on `backend`: each case forward and backward, its output
 * and gradients read back and compared within the Node suite's tolerance. A case an op cannot run on this backend
 * fails with that op's error, never with a wrong number passed silently.
 */
async function golden(backend: Backend): Promise<GoldenResult[]> {
  const results: GoldenResult[] = [];
  await withBackend(backend, async () => {
    for (const [name, fixture] of Object.entries((goldenFixtures as { cases: Record<string, FixtureCase> }).cases)) {
      try {
        const problem = await deviceCaseMismatch(name, fixture);
        if (problem !== undefined) throw new Error(problem);
        results.push({ name, ok: true });
      } catch (error) {
        results.push({ name, ok: false, message: (error as Error).message });
      }
    }
  });
  return results;
}

/** The opening of Tiny Shakespeare (public domain), the training text of the page's GPT comparison. */
const TEXT = `First Citizen:
Before we proceed any further, hear me speak.

All:
Speak, speak.

First Citizen:
You are all resolved rather to die than to famish?

All:
Resolved. resolved.

First Citizen:
First, you know Caius Marcius is chief enemy to the people.`;

const RESUMED = 5;

/**
 * The same small GPT, seed and batches trained on each backend in turn, so their losses can be compared step by
 * step; GPU memory in use is sampled after every step to show it stays flat. The first backend's run is also
 * checkpointed (read back with checkpointOfAsync) RESUMED steps before its end, and every backend resumes from
 * that checkpoint: the resumed losses must be the run's own last ones.
 */
async function trainBoth(backends: { label: string; backend: Backend }[], steps: number): Promise<{ runs: TrainRun[]; resumed: ResumedRun[] }> {
  const chars = [...new Set(TEXT)].sort();
  const ids = Int32Array.from(TEXT, (c) => chars.indexOf(c));
  const size = { vocabSize: chars.length, blockSize: 16, nEmbd: 32, nHead: 4, nLayer: 2, batch: 8 };
  const runs: TrainRun[] = [];
  let checkpoint: Checkpoint | null = null;
  for (const { label, backend } of backends) {
    await withBackend(backend, async () => {
      const { train, state } = smallGPTRun(size, ids, 3e-3, [1337, 7]);
      const memory: number[] = [];
      const onStep = () => { memory.push(backend.memoryInUse?.() ?? 0); };
      const start = performance.now();
      const losses = await train({ steps: steps - RESUMED, clipNorm: 1, onStep });
      checkpoint ??= await checkpointOfAsync(state, {});
      losses.push(...await train({ startStep: steps - RESUMED, steps, clipNorm: 1, onStep }));
      runs.push({ backend: label, losses, ms: (performance.now() - start) / steps, memory });
    });
  }
  const resumed: ResumedRun[] = [];
  for (const { label, backend } of backends) {
    await withBackend(backend, async () => {
      const { train, state } = smallGPTRun(size, ids, 3e-3, [1337, 7]);
      restoreRun(state, checkpoint!);
      resumed.push({ backend: label, losses: await train({ startStep: steps - RESUMED, steps, clipNorm: 1 }) });
    });
  }
  return { runs, resumed };
}

/**
 * Each WebGPU backward kernel against the rule it overrides: every case of test/backend/backwardCases.ts run on the
 * backend with the fused kernel and without it (the op's gradient rule, over WebGPU ops), outputs and gradients compared.
 */
async function backwardOverrides(backend: Backend): Promise<CheckResult[]> {
  const values = (on: Backend, c: BackwardCase) => withBackend(on, async () => {
    const arrays: number[] = [];
    for (const t of backwardOutputs(c)) arrays.push(...await t.toArrayAsync());
    return arrays;
  });
  // Both sides are float32 on the GPU, with reductions in workgroup order: a looser floor than the Node test's 2e-5.
  const [rtol, atol] = [1e-4, 1e-4];
  const results: CheckResult[] = [];
  for (const kernel of BACKWARD_KERNELS) {
    for (const c of BACKWARD_CASES[kernel]) {
      const detail = `${c.label}: the fused kernel against the op's gradient rule`;
      if (!backend[kernel]) {
        results.push({ kernel, detail, worst: Infinity, ok: false, at: 'no WebGPU kernel' });
        continue;
      }
      const [fused, rule] = [await values(backend, c), await values(withoutKernels(backend, [kernel]), c)];
      let worst = fused.length === rule.length ? 0 : Infinity;
      let at = worst ? `${fused.length} values, the rule gives ${rule.length}` : undefined;
      for (let i = 0; i < rule.length && worst < Infinity; i++) {
        if (fused[i] === rule[i] || (Number.isNaN(fused[i]) && Number.isNaN(rule[i]))) continue;
        const error = Math.abs(fused[i] - rule[i]) / (atol + rtol * Math.abs(rule[i]));
        if (!(error <= worst)) [worst, at] = [Number.isNaN(error) ? Infinity : error, `value ${i}: ${fused[i]} (rule ${rule[i]})`];
      }
      results.push({ kernel, detail, worst, ok: worst <= 1, at });
    }
  }
  return results;
}

type GPTSize = { vocabSize: number; blockSize: number; nEmbd: number; nHead: number; nLayer: number; batch: number };

/**
 * A lecture GPT of `size` (weights from seed `seeds[0]`) with AdamW at a constant `lr`, and a function that trains it
 * on random batches of `tokens` (drawn from seed `seeds[1]`) with trainLoopAsync, on the backend set when it was made.
 */
function smallGPTRun(size: GPTSize, tokens: Int32Array, lr: number, seeds: [number, number]) {
  const { vocabSize, blockSize, nEmbd, nHead, nLayer } = size;
  const model = new GPT(lectureGPTConfig({ vocabSize, blockSize, nEmbd, nHead, nLayer, dropout: 0 }), new Generator(seeds[0]));
  const optimizer = new AdamW(model.parameters(), lr);
  const state: TrainingState = { model, optimizer, generator: new Generator(seeds[1]), losses: [] };
  const train = (options: Pick<TrainLoopOptions, 'steps' | 'startStep' | 'clipNorm' | 'onStep'>) => trainLoopAsync({
    ...options, optimizer, schedule: () => lr,
    batchLoss: () => {
      const { x, y } = getBatch(tokens, size.blockSize, size.batch, state.generator);
      return model.forward(x, y).loss!;
    },
  });
  return { train, state };
}
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
    const gpuMs = await timeIt(() => gpu.run('matmul', { spec: square(n), a: ga, b: gb, out: gc }), () => gpu.finished());
    [ga, gb, gc].forEach((t) => gpu.release(t));
    const out = new Float32Array(n * n);
    const wasmMs = await timeIt(() => wasm.backend.matmul({ spec: square(n), a, b, out }), async () => {});
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
  // One thread: this runs on the page's main thread, where the kernel pool may not wait (Atomics.wait).
  const wasm = await createPageBackend({ threads: false });
  const wasmLabel = `WebAssembly ${wasm.build} x${wasm.threads}`;

  const runCheck = async () => {
    status(`checking the kernels on ${state.adapter}…`);
    state.check = [...await checkWebGPUKernels(gpu), ...await backwardOverrides(createWebGPUBackend(gpu))];
    if (errors.length) state.error = errors.join('; ');
    showCheck(state.check);
    status(`WebGPU: ${state.adapter}${state.error ? ` (errors: ${state.error})` : ''}`);
  };
  const runGolden = async () => {
    status(`PyTorch's golden values on ${state.adapter}…`);
    state.golden = await golden(createWebGPUBackend(gpu));
    if (errors.length) state.error = errors.join('; ');
    const passed = state.golden.filter((r) => r.ok).length;
    $('golden-summary').textContent = `${passed} of ${state.golden.length} cases match PyTorch on WebGPU`;
    $('golden-results').innerHTML = row(['case', 'result'], true) + state.golden.map((r) => row([r.name, r.ok ? 'ok' : r.message ?? ''])).join('');
    status(`WebGPU: ${state.adapter}`);
  };
  const runTrain = async (steps: number) => {
    status(`training a small GPT for ${steps} steps on ${state.adapter} and ${wasmLabel}…`);
    ({ runs: state.train, resumed: state.resumed } = await trainBoth([{ label: 'WebGPU', backend: createWebGPUBackend(gpu) }, { label: wasmLabel, backend: wasm.backend }], steps));
    if (errors.length) state.error = errors.join('; ');
    $('train-results').innerHTML = row(['backend', 'first loss', 'last loss', 'ms per step'], true)
      + state.train.map((r) => row([r.backend, r.losses[0].toFixed(4), r.losses.at(-1)!.toFixed(4), r.ms.toFixed(1)])).join('')
      + state.resumed!.map((r) => row([`${r.backend}, resumed at step ${steps - RESUMED} from the WebGPU run's checkpoint`, '', r.losses.at(-1)!.toFixed(4), ''])).join('');
    status(`WebGPU: ${state.adapter}`);
  };
  const runBench = async (sizes: number[], gptSizes: string[]) => {
    status(`timing on ${state.adapter} and ${wasmLabel}…`);
    state.bench = await benchmark(gpu, { backend: wasm.backend, label: wasmLabel }, sizes);
    $('step-results').innerHTML = row(['model', 'backend', 'ms per step', 'tokens/s'], true);
    state.steps = await timeGptSteps([{ label: 'WebGPU', backend: createWebGPUBackend(gpu) }, { label: wasmLabel, backend: wasm.backend }], gptSizes);
    if (errors.length) state.error = errors.join('; ');
    status(`WebGPU: ${state.adapter}`);
  };
  const sizesInput = $<HTMLInputElement>('sizes');
  const gptSizes = (text: string | null) => (text ?? 'tiny,128,10.8M').split(',').filter(Boolean);
  const parseSizes = (text: string) => text.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 8192);
  $('check').addEventListener('click', () => void runCheck());
  $('bench').addEventListener('click', () => void runBench(parseSizes(sizesInput.value), gptSizes(null)));
  $('train').addEventListener('click', () => void runTrain(50));
  $('golden').addEventListener('click', () => void runGolden());
  for (const id of ['check', 'golden', 'train', 'bench']) $<HTMLButtonElement>(id).disabled = false;

  const query = new URLSearchParams(location.search);
  try {
    if (query.has('check')) await runCheck();
    if (query.has('golden')) await runGolden();
    if (query.has('train')) await runTrain(Number(query.get('train')) || 50);
    if (query.has('bench')) await runBench(parseSizes(query.get('bench') || sizesInput.value), gptSizes(query.get('gpt')));
  } catch (error) {
    // The tests and `npm run bench:web` wait for `done`: a failure ends the run with its message.
    state.error = (error as Error).message;
    status(`failed: ${state.error}`);
  }
  state.done = true;
}

void main();
