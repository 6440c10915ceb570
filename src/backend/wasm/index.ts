import { readFileSync } from 'node:fs';
import type { Backend } from '../backend.js';
import { instantiateWasmBackend } from './backend.js';

/** Where `npm run build:wasm` puts the kernels compiled from assembly/ (dist/wasm/). */
export const KERNELS_URL = new URL('../../../wasm/kernels.wasm', import.meta.url);

/** The WebAssembly backend in Node, from the compiled kernels on disk (a browser fetches them instead). */
export function createWasmBackend(wasmBytes: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(KERNELS_URL))): Backend {
  return instantiateWasmBackend(wasmBytes);
}
