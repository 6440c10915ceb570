// `node dist/bench/gpuCheck.js [--golden]`: the WebGPU kernels checked in Node (Dawn) as the gpu.html page checks
// them in Chromium: every kernel against the reference backend (checkWebGPUKernels), then with --golden PyTorch's
// golden cases run on the WebGPU backend. Prints failures and a count; exits non-zero if any case fails.
import { readFileSync } from 'node:fs';
import { setBackend } from '../src/backend/registry.js';
import { createWebGPUBackend } from '../src/backend/webgpu/backend.js';
import { adapterName, requestGPUDevice } from '../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../src/backend/webgpu/kernels.js';
import { loadNodeGPU } from '../src/backend/webgpu/nodeGPU.js';
import { checkWebGPUKernels } from '../src/backend/webgpu/selfCheck.js';
import { type FixtureCase, deviceCaseMismatch } from '../test/tensor/torchCases.js';

const gpuObject = await loadNodeGPU();
if (!gpuObject) throw new Error('the webgpu package is not installed');
const { device, adapter } = await requestGPUDevice(gpuObject);
const errors: string[] = [];
device.addEventListener('uncapturederror', (event) => errors.push((event as GPUUncapturedErrorEvent).error.message));
console.log(`adapter: ${adapterName(adapter)}`);
const gpu = new WebGPUKernels(device);
let failed = 0;

const check = await checkWebGPUKernels(gpu);
for (const r of check.filter((c) => !c.ok)) console.log(`FAIL ${r.kernel} ${r.detail}: ${r.at} (worst ${r.worst.toExponential(2)})`);
failed += check.filter((c) => !c.ok).length;
console.log(`self-check: ${check.length - failed} of ${check.length} cases agree with the reference kernels`);

if (process.argv.includes('--golden')) {
  const fixtures = JSON.parse(readFileSync(new URL('../../test/fixtures/torch_ops.json', import.meta.url), 'utf8')) as { cases: Record<string, FixtureCase> };
  setBackend(createWebGPUBackend(gpu));
  let bad = 0;
  for (const [name, fixture] of Object.entries(fixtures.cases)) {
    let problem: string | undefined;
    try {
      problem = await deviceCaseMismatch(name, fixture);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem === undefined) continue;
    bad++;
    console.log(`FAIL golden ${name}: ${problem}`);
  }
  console.log(`golden: ${Object.keys(fixtures.cases).length - bad} of ${Object.keys(fixtures.cases).length} cases match PyTorch on WebGPU`);
  failed += bad;
}
if (errors.length) console.log(`device errors: ${errors.join('; ')}`);
process.exit(failed || errors.length ? 1 : 0);
