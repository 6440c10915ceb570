import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../helpers.js';

// The layers of src/, lowest first: a file may import its own layer and the layers below it, never one above.
// Files at the top (index.ts, webgpu.ts) and web/ may import anything. scalar/ (micrograd) stands alone beside the
// tensor stack and may lean only on core/.
const LAYERS: Record<string, number> = {
  core: 0,
  backend: 1,
  tensor: 2,
  nn: 3, data: 3, testing: 3, viz: 3,
  io: 4, optim: 4,
  models: 5, lessons: 5,
  cli: 6,
};
const TOP = 7;
/** Imports the layering allows that the project still forbids: models take and give plain data, and cli/ does the file work. */
const FORBIDDEN: [string, string, string][] = [['models', 'io', 'models never import io: io takes plain data (optim/trainingState.ts)']];

const root = projectRoot();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The layer of a file under the repository: src/<layer>/..., the top for src/*.ts and web/. */
function layerOf(path: string): { name: string; rank: number } {
  const [top, name] = relative(root, path).split(/[\\/]/);
  if (top === 'web') return { name: 'web', rank: TOP };
  if (!name || /\.(ts|js)$/.test(name)) return { name: 'src', rank: TOP };
  if (name === 'scalar') return { name, rank: -1 };
  const rank = LAYERS[name];
  if (rank === undefined) throw new Error(`src/${name}/ has no layer: add it to LAYERS in test/project/layers.test.ts`);
  return { name, rank };
}

/** Every relative import (static, type-only, re-export or dynamic) of a file, resolved to a path under the repository. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(file), m[1]));
}

/** What is wrong with each import edge [importing file, imported file]: an empty list when every arrow points down. */
function violations(edges: readonly (readonly [string, string])[]): string[] {
  const found: string[] = [];
  for (const [file, target] of edges) {
    if (!target.startsWith(join(root, 'src'))) continue;
    const [from, to] = [layerOf(file), layerOf(target)];
    if (from.name === to.name) continue;
    const where = `${relative(root, file)} imports ${relative(root, target).replace(/\.js$/, '.ts')}`;
    if (from.name === 'scalar' && to.name !== 'core') found.push(`${where}: scalar/ stands alone and may import only core/`);
    else if (to.rank > from.rank && from.name !== 'scalar') found.push(`${where}: ${from.name}/ sits below ${to.name}/`);
    for (const [a, b, why] of FORBIDDEN) if (from.name === a && to.name === b) found.push(`${where}: ${why}`);
  }
  return found;
}

const at = (path: string) => join(root, path);

test('imports point down the layers: cli, models/lessons, io/optim, nn/data, tensor, backend, core', () => {
  const files = [...sources(at('src')), ...sources(at('web'))];
  const edges = files.flatMap((file) => importsOf(file).map((target) => [file, target] as const));
  assert.ok(edges.length > 1000, `read ${edges.length} imports`);
  assert.deepEqual(violations(edges), []);
});

test('the layer check names each kind of wrong arrow', () => {
  assert.deepEqual(violations([
    [at('src/backend/wasm/context.ts'), at('src/tensor/tensor.js')],
    [at('src/models/gpt/recipe.ts'), at('src/io/checkpoint.js')],
    [at('src/scalar/nn.ts'), at('src/tensor/tensor.js')],
    [at('src/cli/gpt.ts'), at('src/models/gpt/recipe.js')],
    [at('web/worker.ts'), at('src/cli/gpt.js')],
  ]), [
    'src/backend/wasm/context.ts imports src/tensor/tensor.ts: backend/ sits below tensor/',
    'src/models/gpt/recipe.ts imports src/io/checkpoint.ts: models never import io: io takes plain data (optim/trainingState.ts)',
    'src/scalar/nn.ts imports src/tensor/tensor.ts: scalar/ stands alone and may import only core/',
  ]);
  assert.throws(() => layerOf(at('src/nowhere/x.ts')), /src\/nowhere\/ has no layer/);
});
