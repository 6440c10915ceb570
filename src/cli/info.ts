import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendChoice } from '../backend/select.js';
import { SHARED_KERNELS_URL, defaultKernelBuild } from '../backend/wasm/index.js';
import { threadCount } from '../backend/wasm/threadPool.js';
import { packageRoot } from '../data/corpora.js';
import { INSTALL_WEBGPU } from '../backend/webgpu/nodeGPU.js';
import { type CliIO, consoleIO, defineCommand, parseOptions } from './args.js';
import { NO_ADAPTER, probeAdapter } from './device.js';

export const INFO = defineCommand({
  name: 'info',
  summary: 'the version, backend, kernel module, thread count, the GPU adapter WebGPU finds, and which optional tools (chromium, python3-torch) were found',
  options: {},
});

/** The version in package.json (`zerograd --version`, and the first line of `zerograd info`). */
export const packageVersion = (): string =>
  (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** What a bug report needs to say about this installation, one `key: value` line each. */
export function info(argv: string[], io: CliIO = consoleIO): Record<string, string> {
  parseOptions(INFO, argv);
  const backend = backendChoice();
  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
  const lines: Record<string, string> = {
    zerograd: packageVersion(),
    node: process.version,
    backend: backend === 'wasm' ? 'wasm (WebAssembly SIMD)' : backend,
    kernels: !existsSync(SHARED_KERNELS_URL) ? 'missing: run npm run build'
      : defaultKernelBuild() === 'relaxed-simd' ? 'relaxed SIMD: fused multiply-adds (kernels-shared-fma.wasm; ZEROGRAD_KERNELS=simd128 for the other build)'
        : 'SIMD128 (kernels-shared.wasm): this engine has no relaxed SIMD, or ZEROGRAD_KERNELS=simd128 chose it',
    threads: `${threadCount()} (ZEROGRAD_THREADS, default one per core)`,
    webgpu: gpuLine(),
    chromium: chromium ?? 'not found (the playground and WebGPU tests need it)',
    'python3-torch': torch.status === 0 ? `torch ${torch.stdout.trim()} at /usr/bin/python3` : 'not found (the nanoGPT hand-off needs it)',
  };
  for (const [key, value] of Object.entries(lines)) io.log(`${key}: ${value}`);
  return lines;
}

/** The adapter Dawn offers (it gives one per request: the high-performance one), or why there is none. */
function gpuLine(): string {
  const a = probeAdapter();
  if (a === undefined) return `not installed (${INSTALL_WEBGPU} adds it, for --device webgpu)`;
  if (a === null) return NO_ADAPTER;
  const mib = (bytes: number) => `${Math.floor(bytes / 2 ** 20)} MiB`;
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${a.description ? ` (${a.description})` : ''}, ${a.software ? 'software: --device auto does not use it' : 'hardware: --device auto uses it'}; `
    + `buffers up to ${mib(a.limits.maxBufferSize)}, bindings up to ${mib(a.limits.maxStorageBufferBindingSize)}, `
    + `workgroup memory ${a.limits.maxComputeWorkgroupStorageSize} bytes, ${a.limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup`;
}
