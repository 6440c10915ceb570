// The WebAssembly types in the backend's public signatures, declared here: the global WebAssembly namespace
// comes from TypeScript's DOM library, which a Node project's set-up (lib es2022, @types/node 20) lacks, and
// declarations that named it would not type-check there. WebAssembly's own objects fit these shapes.

/** A compiled module (WebAssembly.Module): opaque, handed back to WebAssembly.Instance or a worker. */
export interface WasmModule {}

/** A linear memory (WebAssembly.Memory), shared with the kernel threads when built with `shared: true`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}
