// zerograd/webgpu: the WebGPU backend, apart from the main entry because its types (GPUDevice, from TypeScript's
// DOM library, or @webgpu/types under TypeScript 5) need DOM types, which a Node project's set-up does not have.
export { requestGPUDevice, adapterName, type GPUContext, type AdapterSummary } from './backend/webgpu/device.js';
export { WebGPUKernels, type GPUView } from './backend/webgpu/kernels.js';
export { createWebGPUBackend } from './backend/webgpu/backend.js';
export { GPUTensor, BufferPool } from './backend/webgpu/buffers.js';
export { checkWebGPUKernels, type CheckResult } from './backend/webgpu/selfCheck.js';
