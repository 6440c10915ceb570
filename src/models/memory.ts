/**
 * Memory a model would take, estimated from its config before anything is allocated, so that a mistyped
 * size is refused with the estimate instead of growing until the machine runs out.
 */
export interface MemoryEstimate {
  parameters: number;
  /** Floats one training step keeps for backward. */
  activations: number;
  /** Elements of the largest weight matrix: a product copies it, and its gradient, into the kernels' memory. */
  largestWeight: number;
}

/** The WebAssembly kernels address 32 bits: a step's activations and operands must fit in 4 GiB. */
export const KERNEL_MEMORY_BYTES = 2 ** 32;

/** Bytes to train: weights, gradients and two AdamW moments in float32, plus one step's activations. */
export const trainingBytes = (e: MemoryEstimate): number => 4 * (4 * e.parameters + e.activations);

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** A size the machine cannot train: its message names the model, the estimate and the limit. */
export class MemoryLimitError extends Error {}

/** Throws a MemoryLimitError when training `estimate` needs more than `limitBytes` or than the kernels' 4 GiB. */
export function checkMemory(what: string, estimate: MemoryEstimate, limitBytes: number, limitName: string): void {
  const bytes = trainingBytes(estimate);
  const parameters = `about ${estimate.parameters.toExponential(2)} parameters`;
  if (!(bytes <= limitBytes)) {
    throw new MemoryLimitError(`${what}: ${parameters} would need about ${formatBytes(bytes)} to train, more than ${limitName} (${formatBytes(limitBytes)}); choose smaller sizes`);
  }
  const kernelBytes = 4 * (estimate.activations + 3 * estimate.largestWeight);
  if (!(kernelBytes <= KERNEL_MEMORY_BYTES)) {
    throw new MemoryLimitError(`${what}: ${parameters}; one step's activations and its largest weight (${estimate.largestWeight.toExponential(2)} elements) `
      + `need about ${formatBytes(kernelBytes)} of kernel memory, more than the 4 GiB WebAssembly addresses; choose smaller sizes`);
  }
}
