/** Every error raised by a tensor op names the op, so a failure deep in a model points at its source. */
export class ZerogradError extends Error {
  constructor(readonly op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'ZerogradError';
  }
}

export const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
