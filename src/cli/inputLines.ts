import { readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Blocks the thread for `ms` (between polls of a non-blocking stdin). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Calls onLine with each line of a file descriptor (stdin by default) as soon as the line is complete, so a
 * command answering questions typed at a terminal answers each before the next is typed; the last line needs
 * no newline.
 */
export function forEachInputLine(onLine: (line: string) => void, fd = 0): void {
  const buffer = Buffer.alloc(1 << 16);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        pause(20);
        continue;
      }
      if (code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    pending += decoder.write(buffer.subarray(0, n));
    for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
      onLine(pending.slice(0, at).replace(/\r$/, ''));
      pending = pending.slice(at + 1);
    }
  }
  pending += decoder.end();
  if (pending !== '') onLine(pending);
}
