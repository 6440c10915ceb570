import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Playground, browserSkip, startPlayground } from './browser.js';

interface PageState {
  adapter?: string;
  error?: string;
  check?: { kernel: string; detail: string; worst: number; ok: boolean; at?: string }[];
  bench?: { size: number; backend: string; ms: number; gflops: number }[];
  steps?: { model: string; backend: string; ms: number; tokensPerSecond: number }[];
  train?: { backend: string; losses: number[]; ms: number; memory: number[] }[];
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

  test('every kernel agrees with the reference backend on awkward sizes, with no WebGPU validation error', async () => {
    const { state, page, errors } = await runPage('check');
    assert.deepEqual(errors, []);
    assert.equal(state.error, undefined);
    assert.match(state.adapter ?? '', /swiftshader/);
    assert.match(await page.textContent('#status') ?? '', /WebGPU: google swiftshader/);
    const check = state.check ?? [];
    const kernels = new Set(check.map((r) => r.kernel));
    for (const kernel of ['unary', 'unaryBackward', 'binary', 'where', 'copy', 'reduce', 'matmul', 'softmax', 'logSoftmaxBackward', 'attentionSoftmax',
      'attentionSoftmaxBackward', 'crossEntropy', 'crossEntropyBackward', 'layerNorm', 'layerNormBackward', 'indexSelect', 'indexAdd', 'gather',
      'scatterAdd', 'im2col', 'col2im', 'maxPool2d', 'maxPool2dBackward', 'adamw', 'sgd']) assert.ok(kernels.has(kernel), `no ${kernel} case`);
    const failed = check.filter((r) => !r.ok).map((r) => `${r.kernel} ${r.detail}: ${r.worst} at ${r.at}`);
    assert.deepEqual(failed, []);
    assert.ok(check.length >= 100, `${check.length} cases`);
    assert.match(await page.textContent('#check-summary') ?? '', new RegExp(`^${check.length} of ${check.length} cases agree`));
    await page.close();
  });

  test("PyTorch's golden suite on WebGPU: every case an op can run matches, the rest say which op has no GPU kernel", async () => {
    const { state, errors } = await runPage('golden');
    assert.deepEqual(errors, []);
    assert.equal(state.error, undefined);
    const results = state.golden ?? [];
    assert.ok(results.length >= 120, `${results.length} cases`);
    // Never a wrong number: a case fails only because an op runs on the CPU alone (its values would have to come
    // back from the GPU first) or has no WGSL kernel yet.
    const wrong = results.filter((r) => !r.ok && !/has no WebGPU kernel yet|values are in GPU memory/.test(r.message ?? '')).map((r) => `${r.name}: ${r.message}`);
    assert.deepEqual(wrong, []);
    const passed = results.filter((r) => r.ok).map((r) => r.name);
    assert.ok(passed.length >= 110, `${passed.length} cases pass`);
    // The cases a GPT's training step is made of all pass.
    for (const name of ['matmul_batched_broadcast', 'matmul_transposed', 'layer_norm_fused', 'cross_entropy_mean', 'attention_softmax_fused',
      'mlp_forward_backward', 'attention_head_forward_backward', 'gelu', 'index_embedding']) {
      assert.ok(passed.includes(name), `${name}: ${results.find((r) => r.name === name)?.message ?? 'no such case'}`);
    }
  });

  test('a small GPT trained 50 steps on WebGPU matches the WebAssembly backend step by step, in flat GPU memory', async () => {
    const { state, errors } = await runPage('train=50');
    assert.deepEqual(errors, []);
    assert.equal(state.error, undefined);
    const [gpu, wasm] = state.train ?? [];
    assert.equal(gpu.backend, 'WebGPU');
    assert.match(wasm.backend, /^WebAssembly/);
    assert.equal(gpu.losses.length, 50);
    const worst = Math.max(...gpu.losses.map((l, i) => Math.abs(l - wasm.losses[i])));
    assert.ok(worst < 2e-3, `largest loss difference ${worst}: ${gpu.losses.slice(0, 5)} vs ${wasm.losses.slice(0, 5)}`);
    assert.ok(gpu.losses[49] < gpu.losses[0] - 0.5, `loss ${gpu.losses[0]} -> ${gpu.losses[49]}`);
    // The buffer pool stops growing once a step has run: memory after step 5 is memory after step 50.
    assert.ok(gpu.memory[4] > 0);
    assert.equal(gpu.memory[49], gpu.memory[4]);
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
});
