import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { projectRoot } from '../helpers.js';

// The package as another project gets it: packed, installed from the tarball, type-checked by that project's
// own strict compiler (no skipLibCheck) and run. npm pack skips `prepare` here: the tests run on a fresh build.
const root = projectRoot();
const consumer = mkdtempSync(join(tmpdir(), 'zerograd-consumer-'));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// Under `npm test`, npm's variables name this repository as the project; the consumer is a project of its own.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_config_local_prefix|npm_package_.*|npm_lifecycle_.*|INIT_CWD)$/.test(key)));

/** What a user runs: paths (or folders) the tarball must hold, each read by the library or the CLI at run time. */
const SHIPPED = ['LICENSE', 'README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/webgpu.js',
  'dist/src/cli/bin.js', 'dist/wasm/kernels-shared.wasm', 'data/names.txt', 'data/practice/cases.json', 'data/README.md',
  'src/lessons/solutions/01-gradientDescent.ts', 'scripts/nanogpt_handoff.py', 'scripts/safetensors_io.py'];
const ALLOWED = /^(LICENSE|README\.md|package\.json|dist\/src\/.*\.(js|d\.ts)|dist\/wasm\/[\w-]+\.wasm|data\/.*|src\/lessons\/solutions\/.*\.ts|scripts\/(nanogpt_handoff|safetensors_io)\.py)$/;

/** Trains y = 2x + 1 on the WebAssembly backend (the packed kernels) and prints the first and last loss. */
const TRAIN = `import { Linear, SGD, createWasmBackend, mseLoss, setBackend, tensor } from 'zerograd';
setBackend(createWasmBackend());
const model = new Linear(1, 1);
const optimizer = new SGD(model.parameters(), 0.1);
const x = tensor([[0], [1], [2], [3]]);
const y = tensor([[1], [3], [5], [7]]);
const losses: number[] = [];
for (let step = 0; step < 200; step++) {
  const loss = mseLoss(model.forward(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
console.log(JSON.stringify({ first: losses[0], last: losses.at(-1) }));
`;
const GPU = `import { setBackend } from 'zerograd';
import { WebGPUKernels, createWebGPUBackend, requestGPUDevice } from 'zerograd/webgpu';
export async function onGpu(): Promise<void> {
  const { device }: { device: GPUDevice } = await requestGPUDevice();
  setBackend(createWebGPUBackend(new WebGPUKernels(device)));
}
`;

/** Runs a command in the consumer project; a failure shows its output. */
function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: consumer, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

describe('the packed package, installed into another project', { timeout: 180_000 }, () => {
  let files: string[] = [];

  before(() => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', consumer],
      { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { filename: string; files: { path: string }[] }[];
    files = packed.files.map((f) => f.path);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(consumer, packed.filename)]);
    // A Node project's own type definitions, as it would have installed them.
    mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(consumer, 'node_modules', '@types', 'node'));
    writeFileSync(join(consumer, 'train.ts'), TRAIN);
    writeFileSync(join(consumer, 'gpu.ts'), GPU);
  });
  after(() => rmSync(consumer, { recursive: true, force: true }));

  test('the tarball holds what a user runs and nothing else (no tests, fixtures, benchmarks or source maps)', () => {
    for (const path of SHIPPED) assert.ok(files.includes(path), `${path} is not in the tarball`);
    assert.deepEqual(files.filter((path) => !ALLOWED.test(path)), []);
  });

  test('installing it leaves out the optional packages: the 90 MB mail corpus and TypeScript', () => {
    assert.ok(existsSync(join(consumer, 'node_modules', 'commander')));
    assert.ok(!existsSync(join(consumer, 'node_modules', '@stdlib', 'datasets-spam-assassin')));
    assert.ok(!existsSync(join(consumer, 'node_modules', 'typescript')));
  });

  test('its declarations type-check under --strict, with the DOM (and zerograd/webgpu) and in a Node set-up', () => {
    run(process.execPath, [tsc, '--strict', '--module', 'nodenext', '--target', 'es2022', '--outDir', 'out', 'train.ts', 'gpu.ts']);
    run(process.execPath, [tsc, '--strict', '--module', 'nodenext', '--noEmit', '--lib', 'es2022', '--types', 'node', 'train.ts']);
  });

  test('a training snippet runs on it with node', () => {
    const { first, last } = JSON.parse(run(process.execPath, [join('out', 'train.js')])) as { first: number; last: number };
    assert.ok(first > 1 && last < 1e-3, `loss ${first} -> ${last}`);
  });

  test('its command, asked for the missing corpus, names the npm install that adds it', () => {
    const result = spawnSync(process.execPath, [join('node_modules', 'zerograd', 'dist', 'src', 'cli', 'bin.js'), 'classify', 'train', '--out', 'run'],
      { cwd: consumer, env, encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /^error: .* run `npm install @stdlib\/datasets-spam-assassin@\^0\.2\.3`/m);
  });
});
