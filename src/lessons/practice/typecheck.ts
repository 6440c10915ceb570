// Type errors in a practice file, as file:line:column lines, from TypeScript's own checker against the practice
// library's declarations (what `import ... from 'zerograd'` gives the file).
import { fileURLToPath } from 'node:url';
import type TypeScript from 'typescript';
import { type Loader, installSpec, requireOptional } from '../../data/optionalPackage.js';

const LIBRARY_TYPES = fileURLToPath(new URL('./library.d.ts', import.meta.url));

/**
 * The file's type errors, or [] when it checks; syntax errors are left to the loader, which reports them too.
 * TypeScript is an optional package, loaded here only (`load` stands in for Node's require in a test).
 */
export function typeErrors(file: string, load?: Loader): string[] {
  const ts = requireOptional<typeof TypeScript>('typescript', "practice check's type check (--skip-types runs the cases without it)", load);
  // TypeScript 7 (the native compiler) ships no compiler API in its main export; a user's project may hold it.
  if (typeof ts.createProgram !== 'function') {
    throw new Error(`practice check's type check needs TypeScript's compiler API, which typescript ${ts.version} lacks: run \`npm install ${installSpec('typescript')}\`, or pass --skip-types`);
  }
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths: { zerograd: [LIBRARY_TYPES] },
  });
  const source = program.getSourceFile(file);
  if (!source) return [`${file}: cannot be read`];
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${file}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}
