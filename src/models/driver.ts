// A training loop is written once, as a generator that yields what it needs from outside: a tensor's value, or a
// hook's result. runSync answers at once (on the CPU backends every value is already there, so a run stays one
// synchronous loop); runAsync awaits each answer (a GPU's read-back, a page that lets its messages through).
import type { Tensor } from '../tensor/tensor.js';

/** What a loop asks its runner for: the value of a one-element tensor, or the result of a hook. */
export type Need = { read: Tensor } | { call: () => unknown };

/** A training loop (or part of one) that returns T; run it with runSync or runAsync. */
export type Loop<T> = Generator<Need, T, unknown>;

/** `yield* read(t)`: the number `t` holds, once the device has computed it. */
export function* read(t: Tensor): Loop<number> {
  return (yield { read: t }) as number;
}

/** `yield* call(hook)`: the hook's result; under runAsync a hook may return a promise, which is awaited. */
export function* call<T>(hook: () => T | Promise<T>): Loop<T> {
  return (yield { call: hook }) as T;
}

/** Runs `loop` to its end without waiting: every read is item(), every hook must answer synchronously. */
export function runSync<T>(loop: Loop<T>): T {
  let next = loop.next();
  while (!next.done) {
    const need = next.value;
    let value: unknown;
    if ('read' in need) {
      value = need.read.item();
    } else {
      value = need.call();
      if (value instanceof Promise) throw new Error('a training hook returned a promise; run the loop with runAsync');
    }
    next = loop.next(value);
  }
  return next.value;
}

export interface RunAsyncOptions {
  /**
   * Wraps each synchronous stretch of the loop and each read (not the hooks): the page runs its GPU twin with
   * `(fn) => on(gpu, fn)`, so the loop's code runs on the GPU, and the page's own code, between, on the CPU.
   */
  within?: <R>(fn: () => R) => R;
}

/** Runs `loop` awaiting each read (itemAsync) and each hook; an error is thrown into the loop, so its `finally`s run. */
export async function runAsync<T>(loop: Loop<T>, { within = (fn) => fn() }: RunAsyncOptions = {}): Promise<T> {
  let next = within(() => loop.next());
  while (!next.done) {
    const need = next.value;
    let value: unknown;
    try {
      value = 'read' in need ? await within(() => need.read.itemAsync()) : await need.call();
    } catch (error) {
      next = within(() => loop.throw(error));
      continue;
    }
    next = within(() => loop.next(value));
  }
  return next.value;
}
