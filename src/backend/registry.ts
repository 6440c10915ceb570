import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';

let active: Backend = referenceBackend;

/** The backend every tensor op dispatches to. */
export function backend(): Backend {
  return active;
}

/** Switches all subsequent ops to another backend; returns the previous one so callers can restore it. */
export function setBackend(next: Backend): Backend {
  const previous = active;
  active = next;
  return previous;
}

/** Runs the async `fn` with `next` set, and the previous backend back once it settles (a GPU run, a golden check). */
export async function withBackend<T>(next: Backend, fn: () => Promise<T>): Promise<T> {
  const previous = setBackend(next);
  try {
    return await fn();
  } finally {
    setBackend(previous);
  }
}
