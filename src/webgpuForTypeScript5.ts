// zerograd/webgpu as TypeScript 5 sees it (package.json's "types@<6" condition): TypeScript 6 and later declare
// WebGPU in their DOM library, which would clash with @webgpu/types; TypeScript 5 declares none, so this adds them.
/// <reference types="@webgpu/types" preserve="true" />
export * from './webgpu.js';
