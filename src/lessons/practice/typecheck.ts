// Type errors in a practice file, as file:line:column lines, from TypeScript's own checker against the practice
// library's declarations (what `import ... from 'zerograd'` gives the file).
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const LIBRARY_TYPES = fileURLToPath(new URL('./library.d.ts', import.meta.url));

/** The file's type errors, or [] when it checks; syntax errors are left to the loader, which reports them too. */
export function typeErrors(file: string): string[] {
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
