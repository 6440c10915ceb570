import { UsageError, type CliIO, warnOn } from './args.js';

/**
 * Bytes that are not UTF-8 decode to U+FFFD; a binary file or another encoding turns into thousands of them
 * and a vocabulary of junk. Warn with the count, or refuse under --strict.
 */
export function checkTextEncoding(text: string, file: string, strict: boolean, io: CliIO): void {
  let replaced = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) replaced++;
  if (replaced === 0) return;
  const message = `${file}: ${replaced} byte sequence(s) are not valid UTF-8 (read as U+FFFD); is it a binary file or another encoding?`;
  if (strict) throw new UsageError(`${message} (refused under --strict)`);
  warnOn(io)(message);
}
