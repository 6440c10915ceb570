/// <reference types="@webgpu/types" />

/** What the adapter says about itself, for the playground's status line and the benchmark's table. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
}

export interface GPUContext {
  device: GPUDevice;
  adapter: AdapterSummary;
}

/**
 * A device from `gpu` (navigator.gpu in a browser; in Node, the GPU object of any WebGPU implementation, such as
 * the `webgpu` package's `create([])`), with the adapter's own limits on buffer and workgroup memory sizes
 * rather than WebGPU's defaults, so a large model's weights fit in one binding.
 */
export async function requestGPUDevice(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<GPUContext> {
  if (!gpu) throw new Error('WebGPU is not available here (no navigator.gpu); pass a GPU object, or use the WebAssembly backend');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU gave no adapter (no usable GPU); use the WebAssembly backend');
  const { limits } = adapter;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info ?? { vendor: '', architecture: '', description: '' };
  return { device, adapter: { vendor: info.vendor, architecture: info.architecture, description: info.description } };
}

/** "google swiftshader" or "nvidia ampere (NVIDIA GeForce RTX 3060)": the adapter as people name it. */
export function adapterName({ vendor, architecture, description }: AdapterSummary): string {
  const name = [vendor, architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return description ? `${name} (${description})` : name;
}
