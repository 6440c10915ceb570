import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Playground, browserSkip, doneAt, openPlayground, startPlayground, startTraining } from './browser.js';
import { BACKWARD_KERNELS, KERNELS } from '../../src/backend/kernels/index.js';

interface PageState {
  adapter?: string;
  error?: string;
  check?: { kernel: string; detail: string; worst: number; ok: boolean; at?: string }[];
  bench?: { size: number; backend: string; ms: number; gflops: number }[];
  steps?: { model: string; backend: string; ms: number; tokensPerSecond: number }[];
  train?: { backend: string; losses: number[]; ms: number; memory: number[] }[];
  resumed?: { backend: string; losses: number[] }[];
  golden?: { name: string; ok: boolean; message?: string }[];
  done: boolean;
}

/**
 * The WebGPU kernels in headless Chromium on its SwiftShader adapter (a CPU implementation of WebGPU, so these
 * machines need no GPU): every kernel against the reference backend, and the benchmark page run to its end.
 */
describe('WebGPU kernels in Chromium (SwiftShader adapter)', { skip: browserSkip }, () => {
  let playground: Playground;
  before(async () => { playground = await startPlayground({ webgpu: true }); });
  after(async () => { await playground?.close(); });

  async function runPage(query: string): Promise<{ state: PageState; page: Page; errors: string[] }> {
    const page = await playground.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${playground.url}gpu.html?${query}`);
    await page.waitForFunction(() => (globalThis as unknown as { zerogradGpu?: PageState }).zerogradGpu?.done === true, null, { timeout: 300_000 });
    const state = await page.evaluate(() => (globalThis as unknown as { zerogradGpu: PageState }).zerogradGpu);
    return { state, page, errors };
  }

  test('every kernel agrees with the reference backend on awkward sizes, and every backward kernel with the rule it overrides, with no WebGPU validation error', async () => {
    const { state, page, errors } = await runPage('check');
    assert.deepEqual(errors, []);
    assert.equal(state.error, undefined);
    assert.match(state.adapter ?? '', /swiftshader/);
    assert.match(await page.textContent('#status') ?? '', /WebGPU: google swiftshader/);
    const check = state.check ?? [];
    const kernels = new Set(check.map((r) => r.kernel));
    for (const kernel of Object.keys(KERNELS)) assert.ok(kernels.has(kernel), `no ${kernel} case`);
    // Each backward kernel also against the op's gradient rule it overrides, on WebGPU ops.
    for (const kernel of BACKWARD_KERNELS) assert.ok(check.some((r) => r.kernel === kernel && /gradient rule/.test(r.detail)), `${kernel} not compared with its rule`);
    const failed = check.filter((r) => !r.ok).map((r) => `${r.kernel} ${r.detail}: ${r.worst} at ${r.at}`);
    assert.deepEqual(failed, []);
    assert.ok(check.length >= 100, `${check.length} cases`);
    assert.match(await page.textContent('#check-summary') ?? '', new RegExp(`^${check.length} of ${check.length} cases agree`));
    await page.close();
  });

  test("PyTorch's golden suite on WebGPU: every case matches, forward and backward", async () => {
    const { state, errors } = await runPage('golden');
    assert.deepEqual(errors, []);
    assert.equal(state.error, undefined);
    const results = state.golden ?? [];
    assert.ok(results.length >= 120, `${results.length} cases`);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.message}`), []);
  });

  test('a small GPT trained 20 steps on WebGPU matches the WebAssembly backend step by step, in flat GPU memory, and resumes from a checkpoint read back from the GPU', async () => {
    const { state, errors } = await runPage('train=20');
    assert.deepEqual(errors, []);
    assert.equal(state.error, undefined);
    const [gpu, wasm] = state.train ?? [];
    assert.equal(gpu.backend, 'WebGPU');
    assert.match(wasm.backend, /^WebAssembly/);
    assert.equal(gpu.losses.length, 20);
    const worst = Math.max(...gpu.losses.map((l, i) => Math.abs(l - wasm.losses[i])));
    assert.ok(worst < 2e-3, `largest loss difference ${worst}: ${gpu.losses.slice(0, 5)} vs ${wasm.losses.slice(0, 5)}`);
    assert.ok(gpu.losses[19] < gpu.losses[0] - 0.5, `loss ${gpu.losses[0]} -> ${gpu.losses[19]}`);
    // The buffer pool stops growing once a step has run: memory after step 5 is memory after step 20.
    assert.ok(gpu.memory[4] > 0);
    assert.equal(gpu.memory[19], gpu.memory[4]);
    // A checkpoint read back from the GPU at step 15 (weights, AdamW's moments, step, batch stream) resumes the
    // run: on the GPU (its moments written back there) and on WebAssembly, the last five losses come again.
    const [onGpu, onWasm] = state.resumed ?? [];
    assert.deepEqual([onGpu.backend, onWasm.backend], [gpu.backend, wasm.backend]);
    const again = (resumed: number[]) => Math.max(...resumed.map((l, i) => Math.abs(l - gpu.losses[15 + i])));
    assert.equal(onGpu.losses.length, 5);
    assert.ok(again(onGpu.losses) < 1e-4, `resumed on WebGPU: ${onGpu.losses} vs ${gpu.losses.slice(15)}`);
    assert.ok(again(onWasm.losses) < 2e-3, `resumed on WebAssembly: ${onWasm.losses} vs ${gpu.losses.slice(15)}`);
  });

  test('the benchmark runs to its end on WebGPU and on WebAssembly: matrix products in GFLOP/s, GPT steps in ms and tokens/s', async () => {
    const { state, page, errors } = await runPage('bench=64,96&gpt=tiny');
    assert.deepEqual(errors, []);
    const rows = state.bench ?? [];
    assert.deepEqual(rows.map((r) => `${r.size} ${r.backend.split(' ')[0]}`), ['64 WebGPU', '64 WebAssembly', '96 WebGPU', '96 WebAssembly']);
    for (const r of rows) assert.ok(r.ms > 0 && r.gflops > 0 && Number.isFinite(r.gflops), JSON.stringify(r));
    assert.equal((await page.$$('#bench-results tr')).length, 5);
    assert.deepEqual((state.steps ?? []).map((r) => r.backend.split(' ')[0]), ['WebGPU', 'WebAssembly']);
    for (const r of state.steps ?? []) assert.ok(r.ms > 0 && r.tokensPerSecond > 0, JSON.stringify(r));
    await page.close();
  });

  const lossState = (page: Page) => page.evaluate(() => ({ ...document.getElementById('loss')!.dataset }));
  const openPage = (query = '') => openPlayground(playground, query);
  /** SwiftShader is slow: a GPU run gets longer than the playground tests' default. */
  const finished = (page: Page, step: number) => doneAt(page, step, 300_000);

  test('the playground trains on WebGPU by itself, says so, and learns what the WebAssembly backend learns from the same start', async () => {
    const { page, errors } = await openPage();
    assert.match(await page.textContent('#status') ?? '', /^ready: WebGPU on google swiftshader, with the WebAssembly (relaxed SIMD|SIMD128) backend/);
    assert.equal(await page.getAttribute('#engine', 'data-engine'), 'webgpu');
    // SwiftShader runs a step of this GPT in seconds (each dispatch is costly on a CPU), so the runs are short.
    await startTraining(page, 'gpt-tiny', 8);
    await finished(page, 8);
    const gpu = await lossState(page);
    const samples = (await page.textContent('#samples') ?? '').split('\n').filter(Boolean);
    assert.ok(samples.length > 0, 'no samples from the CPU twin');

    const wasmPage = await openPage('?backend=wasm');
    assert.match(await wasmPage.page.textContent('#status') ?? '', /^ready: WebAssembly/);
    assert.equal(await wasmPage.page.getAttribute('#engine', 'data-engine'), 'wasm');
    await startTraining(wasmPage.page, 'gpt-tiny', 8);
    await finished(wasmPage.page, 8);
    const wasm = await lossState(wasmPage.page);
    // The same initial weights and batches: float32 rounding is the only difference between the two runs.
    assert.equal(gpu.steps, '8');
    assert.ok(Math.abs(Number(gpu.first) - Number(wasm.first)) < 1e-4, `first loss ${gpu.first} vs ${wasm.first}`);
    assert.ok(Math.abs(Number(gpu.last) - Number(wasm.last)) < 1e-2, `last 20 steps' mean ${gpu.last} vs ${wasm.last}`);
    assert.ok(Number(gpu.last) < Number(gpu.first) - 0.05, `loss ${gpu.first} -> ${gpu.last}`);
    assert.deepEqual([...errors, ...wasmPage.errors], []);
    await page.close();
    await wasmPage.page.close();
  });

  test('when the GPU is lost mid-run, training goes on with WebAssembly from the last step\'s weights', async () => {
    const { page, errors } = await openPage();
    await startTraining(page, 'gpt-tiny', 200);
    await page.waitForFunction(() => Number(document.getElementById('loss')?.dataset.steps) >= 3, undefined, { timeout: 120_000 });
    assert.equal(await page.getAttribute('#engine', 'data-engine'), 'webgpu');
    const before = await lossState(page);
    await page.evaluate(() => (globalThis as unknown as { zerograd: { loseGPU(): void } }).zerograd.loseGPU());
    await finished(page, 200);
    assert.equal(await page.getAttribute('#engine', 'data-engine'), 'wasm');
    const note = await page.textContent('#engine-note') ?? '';
    const resumedAt = Number(/from the weights of step (\d+)/.exec(note)?.[1]);
    assert.match(note, /^WebGPU stopped \(.+\); training goes on with WebAssembly/);
    assert.ok(resumedAt >= Number(before.steps), `${note} (the page had shown ${before.steps} steps)`);
    // Nothing is lost: every step is shown once, and the loss goes on from where the GPU left it.
    const after = await lossState(page);
    assert.equal(after.steps, '200');
    assert.ok(Number(after.last) < Number(before.last), `loss ${before.last} at the loss -> ${after.last} at step 200`);
    assert.match(await page.textContent('#samples') ?? '', /\S/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
