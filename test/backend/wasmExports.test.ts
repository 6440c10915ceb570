import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../helpers.js';

test('src/backend/wasm/exports.ts is what scripts/wasm_exports.mjs writes from assembly/ (run npm run build:wasm after changing a kernel)', async () => {
  const script = await import(pathToFileURL(join(projectRoot(), 'scripts/wasm_exports.mjs')).href) as { wasmExports(): string; EXPORTS_FILE: string };
  const committed = readFileSync(script.EXPORTS_FILE, 'utf8');
  assert.equal(script.wasmExports(), committed);
  assert.match(committed, /gelu: 8,/);
  assert.match(committed, /  layerNorm\(x: number, rows: number, cols: number, weight: number, bias: number, eps: number, out: number, mean: number, rstd: number\): void;/);
});
