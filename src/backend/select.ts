// Which backend a Node process runs: the WebAssembly one unless ZEROGRAD_BACKEND names the plain TypeScript kernels.
import type { Backend } from './backend.js';
import { setBackend } from './registry.js';
import { referenceBackend } from './reference/index.js';
import { createWasmBackend } from './wasm/index.js';

export const BACKEND_CHOICES = ['wasm', 'reference'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** The backend ZEROGRAD_BACKEND asks for ('wasm' when unset); a wrong name throws, naming the variable. */
export function backendChoice(value = process.env.ZEROGRAD_BACKEND): BackendChoice {
  const choice = value ?? 'wasm';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) throw new Error(`ZEROGRAD_BACKEND must be 'wasm' or 'reference', got '${choice}'`);
  return choice as BackendChoice;
}

/** Makes the chosen backend the active one, as the CLI and the lesson scripts start. */
export function selectBackend(choice: BackendChoice = backendChoice()): void {
  setBackend(cpuBackend(choice));
}

/** The CPU backend `choice` names: what runs when no GPU does, and what a GPU run samples on. */
export const cpuBackend = (choice: BackendChoice = backendChoice()): Backend => (choice === 'wasm' ? createWasmBackend() : referenceBackend);
