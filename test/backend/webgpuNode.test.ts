// The WebGPU backend in Node through the webgpu package (Dawn), as `--device webgpu` runs it: the kernel self-check,
// PyTorch's golden cases, and a small GPT against the WebAssembly backend, with checkpoints crossing between them.
// CI points Dawn at Chromium's SwiftShader (VK_ICD_FILENAMES) and sets ZEROGRAD_REQUIRE_GPU=1, so there a missing
// adapter fails instead of skipping. SwiftShader runs on the CPU: the models here are tiny.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import { withBackend } from '../../src/backend/registry.js';
import { createWebGPUBackend } from '../../src/backend/webgpu/backend.js';
import { requestGPUDevice } from '../../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../../src/backend/webgpu/kernels.js';
import { loadNodeGPU } from '../../src/backend/webgpu/nodeGPU.js';
import { checkWebGPUKernels } from '../../src/backend/webgpu/selfCheck.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { probeAdapter } from '../../src/cli/device.js';
import { Generator } from '../../src/core/random.js';
import { getBatch } from '../../src/data/textDataset.js';
import { type Checkpoint, loadCheckpoint, saveCheckpoint } from '../../src/io/checkpoint.js';
import { GPT, lectureGPTConfig } from '../../src/models/gpt/gpt.js';
import { type TrainingState, checkpointOfAsync, restoreRun, trainLoopAsync } from '../../src/models/trainer.js';
import { AdamW } from '../../src/optim/adamw.js';
import { type FixtureCase, deviceCaseMismatch } from '../tensor/torchCases.js';
import { projectRoot } from '../helpers.js';

const required = process.env.ZEROGRAD_REQUIRE_GPU === '1';
const adapter = probeAdapter();
const skip = required ? false
  : adapter === undefined ? 'the webgpu package is not installed (npm install webgpu)'
    : adapter === null ? 'WebGPU finds no adapter (set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, or install a Vulkan driver)' : false;

const TEXT = 'First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n';
const chars = [...new Set(TEXT)].sort();
const ids = Int32Array.from(TEXT, (c) => chars.indexOf(c));

/** A two-layer GPT with AdamW at a constant rate, trained on random windows of TEXT on the backend set when it was made. */
function gptTraining() {
  const model = new GPT(lectureGPTConfig({ vocabSize: chars.length, blockSize: 8, nEmbd: 16, nHead: 2, nLayer: 1, dropout: 0 }), new Generator(1337));
  const optimizer = new AdamW(model.parameters(), 3e-3);
  const state: TrainingState = { model, optimizer, generator: new Generator(7), losses: [] };
  const train = (startStep: number, steps: number, onStep?: () => void) => trainLoopAsync({
    startStep, steps, clipNorm: 1, optimizer, schedule: () => 3e-3, onStep,
    batchLoss: () => {
      const { x, y } = getBatch(ids, 8, 4, state.generator);
      return model.forward(x, y).loss!;
    },
  });
  return { train, state };
}

describe('WebGPU in Node (the webgpu package)', { skip }, () => {
  let kernels: WebGPUKernels;
  let gpu: Backend;
  let wasm: Backend;
  before(async () => {
    const nodeGpu = await loadNodeGPU();
    assert.ok(nodeGpu, 'the webgpu package is not installed (npm install webgpu)');
    assert.ok(adapter, 'WebGPU finds no adapter: set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (apt-get install libvulkan1 chromium)');
    kernels = new WebGPUKernels((await requestGPUDevice(nodeGpu)).device);
    gpu = createWebGPUBackend(kernels);
    wasm = createWasmBackend({ threads: 1 });
  });
  after(() => kernels?.device.destroy());

  test('every kernel agrees with the reference backend on awkward sizes', async () => {
    const results = await checkWebGPUKernels(kernels);
    assert.ok(results.length >= 100, `${results.length} cases`);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => `${r.kernel} ${r.detail}: ${r.worst} at ${r.at}`), []);
  });

  test("PyTorch's golden cases match on WebGPU, forward and backward", async () => {
    const fixtures = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'torch_ops.json'), 'utf8')) as { cases: Record<string, FixtureCase> };
    const failed: string[] = [];
    await withBackend(gpu, async () => {
      for (const [name, fixture] of Object.entries(fixtures.cases)) {
        const problem = await deviceCaseMismatch(name, fixture);
        if (problem !== undefined) failed.push(`${name}: ${problem}`);
      }
      assert.ok(Object.keys(fixtures.cases).length >= 120);
    });
    assert.deepEqual(failed, []);
  });

  test('a GPT trains as on WebAssembly in flat GPU memory, and checkpoints cross between the two', async () => {
    const [steps, at] = [8, 6];
    const runs: { losses: number[]; checkpoint: Checkpoint }[] = [];
    const memory: number[] = [];
    for (const backend of [gpu, wasm]) {
      runs.push(await withBackend(backend, async () => {
        const { train, state } = gptTraining();
        const losses = await train(0, at, () => { if (backend === gpu) memory.push(gpu.memoryInUse!()); });
        // Through a checkpoint folder, as a run hands it on (on a CPU backend checkpointOf's tensors are the run's own).
        const checkpoint = loadCheckpoint(saveCheckpoint(mkdtempSync(join(tmpdir(), 'zerograd-gpu-ckpt-')), await checkpointOfAsync(state, { recipe: 'test', model: {} })));
        losses.push(...await train(at, steps, () => { if (backend === gpu) memory.push(gpu.memoryInUse!()); }));
        return { losses, checkpoint };
      }));
    }
    const [onGpu, onWasm] = runs;
    const worst = (a: number[], b: number[]) => Math.max(...a.map((l, i) => Math.abs(l - b[i])));
    assert.equal(onGpu.losses.length, steps);
    assert.ok(worst(onGpu.losses, onWasm.losses) < 2e-3, `${onGpu.losses} vs ${onWasm.losses}`);
    // The buffer pool stops growing once a step has run.
    assert.ok(memory[4] > 0, `memory in use after each step: ${memory}`);
    assert.equal(memory.at(-1), memory[4]);
    // Each checkpoint resumes on each backend: the same backend exactly, the other within float32 rounding.
    const resume = (backend: Backend, checkpoint: Checkpoint) => withBackend(backend, async () => {
      const { train, state } = gptTraining();
      restoreRun(state, checkpoint);
      return train(at, steps);
    });
    assert.ok(worst(await resume(gpu, onGpu.checkpoint), onGpu.losses.slice(at)) < 1e-5);
    assert.ok(worst(await resume(wasm, onGpu.checkpoint), onGpu.losses.slice(at)) < 2e-3);
    const fromWasm = await resume(gpu, onWasm.checkpoint);
    assert.ok(worst(fromWasm, onWasm.losses.slice(at)) < 2e-3, `resumed on WebGPU from WebAssembly: ${fromWasm} vs ${onWasm.losses.slice(at)}`);
  });
});
