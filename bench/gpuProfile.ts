// `node dist/bench/gpuProfile.js [steps] [batch]`: what one WebGPU training step of the tiny lecture GPT costs in
// Node (Dawn): pipelines, bind groups, buffers, queue writes, submissions and read-backs counted per step, and the
// time of each step, split into encoding (JavaScript) and waiting for the device. Not a test: numbers to look at.
/// <reference types="@webgpu/types" />
import { createWebGPUBackend } from '../src/backend/webgpu/backend.js';
import { adapterName, requestGPUDevice } from '../src/backend/webgpu/device.js';
import { WebGPUKernels } from '../src/backend/webgpu/kernels.js';
import { loadNodeGPU } from '../src/backend/webgpu/nodeGPU.js';
import { setBackend } from '../src/backend/registry.js';
import { Generator } from '../src/core/random.js';
import { getBatch } from '../src/data/textDataset.js';
import { GPT, lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { trainLoopAsync } from '../src/models/trainer.js';
import { AdamW } from '../src/optim/adamw.js';

const steps = Number(process.argv[2] ?? 5);
const batch = Number(process.argv[3] ?? 32);
const gpu = await loadNodeGPU();
if (!gpu) throw new Error('the webgpu package is not installed');
const { device, adapter } = await requestGPUDevice(gpu);
console.log(`adapter: ${adapterName(adapter)}`);

/** Counts the calls of `object[name]`, under `label`. */
const counts = new Map<string, number>();
function count<T extends object>(object: T, name: keyof T & string, label: string = name): void {
  const original = (object as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
  (object as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    counts.set(label, (counts.get(label) ?? 0) + 1);
    return original.apply(this, args);
  };
}
for (const name of ['createComputePipeline', 'createShaderModule', 'createBindGroup', 'createBuffer', 'createCommandEncoder'] as const) count(device, name);
count(device.queue, 'submit', 'queue.submit');
count(device.queue, 'writeBuffer', 'queue.writeBuffer');
count(device.queue, 'onSubmittedWorkDone', 'queue.onSubmittedWorkDone');
// Dispatches and map requests are on objects made later: count them through their prototypes.
const encoder = device.createCommandEncoder();
const pass = encoder.beginComputePass();
count(Object.getPrototypeOf(pass), 'dispatchWorkgroups', 'dispatchWorkgroups');
pass.end();
encoder.finish();
const probe = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
count(Object.getPrototypeOf(probe), 'mapAsync', 'buffer.mapAsync');
probe.destroy();
counts.clear();

const kernels = new WebGPUKernels(device);
setBackend(createWebGPUBackend(kernels));
const size = { vocabSize: 65, blockSize: 8, nEmbd: 32, nHead: 4, nLayer: 3 };
const model = new GPT(lectureGPTConfig({ ...size, dropout: 0 }), new Generator(1337));
const optimizer = new AdamW(model.parameters(), 1e-3);
const generator = new Generator(7);
const tokens = Int32Array.from({ length: 4096 }, (_, i) => (i * 7919) % size.vocabSize);
const train = (from: number) => trainLoopAsync({
  steps: from + 1, startStep: from, optimizer, schedule: () => 1e-3,
  batchLoss: () => {
    const { x, y } = getBatch(tokens, size.blockSize, batch, generator);
    return model.forward(x, y).loss!;
  },
});

/** CPU milliseconds of this process (SwiftShader runs on its threads): steadier than wall time on a shared machine. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

console.log(`GPT n_embd 32, 3 layers, block 8, batch ${batch}, AdamW, trainLoopAsync one step at a time`);
for (let step = 0; step < steps; step++) {
  counts.clear();
  const [t0, c0] = [performance.now(), cpuMs()];
  const [loss] = await train(step);
  const [ms, cpu] = [performance.now() - t0, cpuMs() - c0];
  const line = [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`step ${step}: ${ms.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU, loss ${loss.toFixed(4)}; ${line}`);
}

// Where a step's time goes: its dispatches recorded, then each run alone and awaited, CPU time summed by shader.
type Dispatch = Parameters<WebGPUKernels['dispatch']>;
const recorded: Dispatch[] = [];
const dispatch = kernels.dispatch.bind(kernels);
kernels.dispatch = (...args: Dispatch) => {
  recorded.push(args);
  dispatch(...args);
};
await train(steps);
kernels.dispatch = dispatch;
await kernels.finished();
const [e0] = [cpuMs()];
for (let i = 0; i < 20; i++) await kernels.finished();
const idle = (cpuMs() - e0) / 20;
const byKey = new Map<string, { calls: number; ms: number; wall: number }>();
for (const args of recorded) {
  const [w, c] = [performance.now(), cpuMs()];
  dispatch(...args);
  await kernels.finished();
  const entry = byKey.get(args[0]) ?? { calls: 0, ms: 0, wall: 0 };
  entry.calls++;
  entry.ms += cpuMs() - c - idle;
  entry.wall += performance.now() - w;
  byKey.set(args[0], entry);
}
console.log(`\neach dispatch alone (an empty submit costs ${idle.toFixed(2)} ms CPU, taken off):`);
const total = [...byKey.values()].reduce((a, b) => a + b.ms, 0);
for (const [key, { calls, ms, wall }] of [...byKey].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`${key.padEnd(40)} ${String(calls).padStart(4)} calls ${ms.toFixed(0).padStart(7)} ms CPU (${(100 * ms / total).toFixed(0)}%) ${wall.toFixed(0).padStart(7)} ms wall`);
}
process.exit(0);
