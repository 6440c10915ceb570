// Where a command computes: --device auto|cpu|webgpu turned into the backend to run on. The GPU comes through the
// optional webgpu package (Dawn), loaded only here and only when a command may use it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { setBackend } from '../backend/registry.js';
import { type BackendChoice, cpuBackend } from '../backend/select.js';
import { createWebGPUBackend } from '../backend/webgpu/backend.js';
import { adapterName, requestGPUDevice } from '../backend/webgpu/device.js';
import { WebGPUKernels } from '../backend/webgpu/kernels.js';
import { type AdapterReport, INSTALL_WEBGPU, loadNodeGPU } from '../backend/webgpu/nodeGPU.js';
import { UsageError } from './usageError.js';

export type DeviceChoice = 'auto' | 'cpu' | 'webgpu';

/** The backend a command runs on; `gpu` names the adapter when it is a GPU (the line the command starts with). */
export interface Device {
  backend: Backend;
  gpu?: { name: string; software: boolean; kernels: WebGPUKernels; fault: () => string | undefined };
}

/** Says why no GPU adapter came, for `--device webgpu` and `zerograd info`. */
export const NO_ADAPTER = 'WebGPU found no GPU adapter: install your GPU\'s Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver, '
  + 'or point VK_ICD_FILENAMES at a Vulkan driver such as /usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The webgpu package's GPU object, or undefined when it is not installed. Dawn's Vulkan loader complains on stderr
 * when XDG_RUNTIME_DIR is unset (a container, a cron job), so it gets a private folder first.
 */
export function nodeGPU(): Promise<GPU | undefined> {
  giveRuntimeDir();
  return loadNodeGPU();
}

/** A private XDG_RUNTIME_DIR where none is set, for Dawn here and in the probing child, which inherits it. */
function giveRuntimeDir(): void {
  process.env.XDG_RUNTIME_DIR ||= mkdtempSync(join(tmpdir(), 'zerograd-xdg-'));
}

let cpu: Backend | undefined;
/** The CPU backend ZEROGRAD_BACKEND names, made once (the WebAssembly one starts a thread pool). */
export function cpuDevice(choice?: BackendChoice): Backend {
  cpu ??= cpuBackend(choice);
  return cpu;
}

/**
 * The backend for `--device choice`, for `command`; `gpuReady` says whether the command has a GPU path yet.
 * auto: a hardware adapter when the package is installed and the command can use it, else the CPU; never SwiftShader
 * or another software adapter, which are slower than WebAssembly. webgpu: whatever adapter there is, or a one-line
 * error saying what is missing.
 */
export async function chooseDevice(choice: DeviceChoice, command: string, gpuReady: boolean, backend?: BackendChoice): Promise<Device> {
  const onCPU = () => ({ backend: cpuDevice(backend) });
  if (choice === 'cpu' || (choice === 'auto' && !gpuReady)) return onCPU();
  if (!gpuReady) throw new UsageError(`${command}: --device webgpu is not available for this command yet (gpt train and charrnn train run on WebGPU); use --device cpu`);
  if (choice === 'auto' && !gpuPresent()) return onCPU();
  const adapter = probeAdapter();
  if (choice === 'auto' && (!adapter || adapter.software)) return onCPU();
  if (adapter === undefined) throw new UsageError(`--device webgpu: the webgpu package is not installed; add it with: ${INSTALL_WEBGPU}`);
  if (adapter === null) throw new Error(`--device webgpu: ${NO_ADAPTER}`);
  const context = await requestGPUDevice(await nodeGPU());
  const kernels = new WebGPUKernels(context.device);
  const fault = watchDevice(context.device);
  return { backend: createWebGPUBackend(kernels), gpu: { name: adapterName(context.adapter), software: adapter.software, kernels, fault } };
}

/**
 * Whether this machine may have a GPU, before asking WebGPU (which costs a child process): on Linux a DRM render node
 * or NVIDIA's device files; elsewhere (Metal, D3D12) always. A machine without one (a container, CI) stays on the CPU
 * under auto at no cost.
 */
export function gpuPresent(): boolean {
  if (process.platform !== 'linux') return true;
  const dri = existsSync('/dev/dri') ? readdirSync('/dev/dri').some((name) => name.startsWith('renderD')) : false;
  return dri || existsSync('/dev/nvidia0') || existsSync('/dev/dxg');
}

/**
 * The adapter WebGPU offers here: undefined when the webgpu package is not installed, null when it finds none.
 * Asked in a child process, because Dawn writes each Vulkan driver it passes over (Mesa's lavapipe, a missing GPU) to
 * stderr, which a command that ends up on the CPU must not show; the child costs a few tenths of a second, and
 * nothing when the package is absent.
 */
export function probeAdapter(): AdapterReport | null | undefined {
  try {
    createRequire(import.meta.url).resolve('webgpu');
  } catch {
    return undefined;
  }
  giveRuntimeDir();
  const nodeGPUModule = new URL('../backend/webgpu/nodeGPU.js', import.meta.url).href;
  const script = `const m = await import(${JSON.stringify(nodeGPUModule)}); const gpu = await m.loadNodeGPU();
    console.log(JSON.stringify(gpu ? (await m.describeAdapter(gpu)) ?? null : 'missing'));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8', timeout: 60_000 });
  const line = child.stdout?.trim().split('\n').at(-1);
  if (child.status !== 0 || !line) return null;
  const report = JSON.parse(line) as AdapterReport | null | 'missing';
  return report === 'missing' ? undefined : report;
}

/**
 * A WebGPU validation error or a lost device arrives asynchronously, after the kernel that caused it returned: the
 * first is kept, and a command that ends with one fails (its numbers cannot be trusted) rather than passing silently.
 */
function watchDevice(device: GPUDevice): () => string | undefined {
  let fault: string | undefined;
  device.addEventListener('uncapturederror', (event) => {
    fault ??= `a WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message.split('\n')[0]}`;
  });
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') fault ??= `the GPU device was lost (${info.message || info.reason})`;
  });
  return () => fault;
}

/** The first line of a command on a GPU: which adapter, and whether it is a software one. */
export const deviceLine = (gpu: NonNullable<Device['gpu']>): string =>
  `device: webgpu, ${gpu.name}${gpu.software ? ' (a software adapter: for checking correctness, slower than --device cpu)' : ''}`;

/** Runs `fn` on the CPU backend while a command runs on a GPU: reading that is per value (sampling) is done there. */
export function onCPU<T>(fn: () => T): T {
  const previous = setBackend(cpuDevice());
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}
