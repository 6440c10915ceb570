// Turning a learner's TypeScript into something the judge can call, in Node and in the browser alike: sucrase
// strips the types and rewrites imports as require() calls, and the only module a practice file may import is
// zerograd's practice library.
import { transform } from 'sucrase';
import * as library from './library.js';
import type { Exports } from './problem.js';

/** A learner's file that does not compile or load: the message already names the file and line. */
export class PracticeFileError extends Error {}

/** The exports of `source` (a practice file's TypeScript), run with `zerograd` bound to the practice library. */
export function loadPracticeFile(source: string, fileName: string): Exports {
  let code: string;
  try {
    code = transform(source, { transforms: ['typescript', 'imports'], filePath: fileName }).code;
  } catch (error) {
    // sucrase says "Error transforming FILE: MESSAGE (line:column)", both counted from 1.
    const message = (error as Error).message.replace(/^Error transforming [^:]*: /, '');
    const at = /\((\d+):(\d+)\)\s*$/.exec(message);
    throw new PracticeFileError(at ? `${fileName}:${at[1]}:${at[2]}: ${message.replace(at[0], '').trim()}` : `${fileName}: ${message}`);
  }
  const require = (specifier: string) => {
    if (specifier === 'zerograd') return library;
    throw new PracticeFileError(`${fileName}: imports '${specifier}'; a practice file may import only from 'zerograd'`);
  };
  const module = { exports: {} as Exports };
  try {
    new Function('require', 'exports', 'module', code)(require, module.exports, module);
  } catch (error) {
    if (error instanceof PracticeFileError) throw error;
    throw new PracticeFileError(`${fileName}: ${(error as Error).message} (while loading the file, before any test ran)`);
  }
  return module.exports;
}
