/// <reference types="@webgpu/types" />
// WebGPU in Node: the optional `webgpu` package (Dawn's Node bindings) gives the same GPU object a browser has as
// navigator.gpu. It is loaded only when asked for, so a plain install, and the browser bundle, never carry it.
import { ZerogradError } from '../../core/errors.js';

/** The one command that adds a WebGPU implementation to a Node project, for error messages. */
export const INSTALL_WEBGPU = 'npm install webgpu';

/** What an adapter says about itself, with the limits that decide which models fit. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  /** SwiftShader, lavapipe or a fallback adapter: correct, but slower than WebAssembly. */
  software: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number };
}

let loaded: Promise<GPU | undefined> | undefined;

/**
 * The GPU object of the `webgpu` package, or undefined when the package is not installed. Dawn's globals
 * (GPUBufferUsage, GPUMapMode, ...) are put on globalThis, as a browser has them, because the backend reads them.
 */
export function loadNodeGPU(): Promise<GPU | undefined> {
  loaded ??= (async () => {
    let mod: { create(options: string[]): GPU; globals: Record<string, unknown> };
    try {
      // A variable specifier keeps TypeScript from requiring the optional package's types at build time.
      const name = 'webgpu';
      mod = await import(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return undefined;
      throw new ZerogradError('webgpu', `the package is installed but did not load (${(err as Error).message.split('\n')[0]})`);
    }
    for (const [key, value] of Object.entries(mod.globals)) if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
    return mod.create([]);
  })();
  return loaded;
}

/** Software rasterisers and fallback adapters, which `--device auto` never picks. */
export function isSoftwareAdapter(info: { vendor: string; architecture: string; description: string }, isFallback = false): boolean {
  const text = `${info.vendor} ${info.architecture} ${info.description}`.toLowerCase();
  return isFallback || /swiftshader|lavapipe|llvmpipe|software|microsoft basic render/.test(text);
}

/** The adapter this machine's WebGPU gives (Dawn offers one per request), described for `zerograd info`. */
export async function describeAdapter(gpu: GPU): Promise<AdapterReport | undefined> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return undefined;
  const info = adapter.info ?? { vendor: '', architecture: '', description: '' };
  const fallback = Boolean((adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const l = adapter.limits;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    software: isSoftwareAdapter(info, fallback),
    limits: {
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  };
}
