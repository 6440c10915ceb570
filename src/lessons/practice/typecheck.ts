// Type errors in a practice file, as file:line:column lines, from TypeScript's own checker against the practice
// library's declarations (what `import ... from 'zerograd'` gives the file).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type TS from 'typescript';

// Loaded on first use: the compiler is a second of start-up that every other zerograd command would pay.
let loaded: typeof TS | undefined;
const typescript = (): typeof TS => (loaded ??= createRequire(import.meta.url)('typescript') as typeof TS);

const LIBRARY_TYPES = fileURLToPath(new URL('./library.d.ts', import.meta.url));

/** The file's type errors, or [] when it checks; syntax errors are left to the loader, which reports them too. */
export function typeErrors(file: string): string[] {
  const ts = typescript();
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
