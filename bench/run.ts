// `npm run bench`: sgemm GFLOP/s, training-step times and generation speed on zerograd's backends and its peers,
// run side by side on this machine. Every ratio compares equal thread counts: one table at one thread (zerograd x1
// against TensorFlow.js wasm, jax-js and PyTorch pinned to one thread), one at every core (zerograd against
// PyTorch at the same count; the JavaScript peers have no threads in Node). Not a test: numbers, not verdicts.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWasmBackend, defaultKernelBuild } from '../src/backend/wasm/index.js';
import { threadCount } from '../src/backend/wasm/threadPool.js';
import { type Backend, Generator, randn, referenceBackend, setBackend, tensor } from '../src/index.js';
import { generate } from '../src/models/gpt/generate.js';
import { GPT, lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { stepCases, stepFunction } from './cases.js';
import { seconds } from './timing.js';

/** ZEROGRAD_THREADS, else every core: PyTorch gets the same count. */
const THREADS = threadCount();
const SGEMM_SIZES = [64, 128, 256, 512, 1024, 2048];
const quick = process.argv.includes('--quick');
const STEPS = stepCases(quick);

function sgemm(n: number): number {
  const g = new Generator(n);
  const a = randn([n, n], { generator: g });
  const b = randn([n, n], { generator: g });
  const repeats = Math.max(1, Math.min(50, Math.floor(2e8 / n ** 3)));
  return (2 * n ** 3) / seconds(() => a.matmul(b), repeats) / 1e9;
}

interface PeerResults {
  label: string;
  version: string;
  sgemm: Record<string, number | undefined>;
  steps: Record<string, number | undefined>;
  generation?: Record<string, { cache: number; nocache: number }>;
}

/** Generation: 255 tokens sampled after one (a full block of 256), with and without the KV cache. */
const GENERATION = [quick
  ? { label: 'GPT n_embd 128, 4 layers, block 64', nEmbd: 128, nHead: 4, nLayer: 4, blockSize: 64, tokens: 63 }
  : { label: 'GPT 10.8M: n_embd 384, 6 layers, block 256', nEmbd: 384, nHead: 6, nLayer: 6, blockSize: 256, tokens: 255 }];

/** zerograd's tokens per second: one warm-up of 8 tokens, then one timed run, as the PyTorch side does. */
function generationRate(c: (typeof GENERATION)[number], cache: boolean): number {
  const model = new GPT(lectureGPTConfig({ vocabSize: 65, blockSize: c.blockSize, nEmbd: c.nEmbd, nHead: c.nHead, nLayer: c.nLayer, dropout: 0 }), new Generator(0));
  const start = tensor(Int32Array.from([0]), { shape: [1, 1] });
  generate(model, start, 8, { cache, generator: new Generator(1) });
  const t0 = performance.now();
  generate(model, start, c.tokens, { cache, generator: new Generator(1) });
  return c.tokens / ((performance.now() - t0) / 1000);
}

/** Runs a peer library's side of the benchmark in its own process; null (with the reason printed) if it cannot. */
function peerResults(label: string, command: string, script: string, request: object): PeerResults | null {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const result = spawnSync(command, [path, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const json = result.status === 0 ? result.stdout.trim().split('\n').pop() : undefined;
  if (!json) {
    console.log(`${label}: not available (${(result.stderr || result.error?.message || '').trim().split('\n').pop()})`);
    return null;
  }
  return { label, ...JSON.parse(json) };
}

const stepRequests = STEPS.map((s) => ({ ...s, repeats: Math.max(1, s.repeats) }));
/** TensorFlow.js on its plain-JS cpu backend needs minutes per 10.8M step: that row is left out there. */
const cpuSteps = stepRequests.filter((s) => !s.referenceTooSlow);

/**
 * Each column: a label and its kernels. At one thread both WebAssembly builds run (SIMD128, and relaxed SIMD with
 * fused multiply-adds when the engine has it), so the fused kernels' gain is measured; the threaded column runs
 * the build zerograd picks by default.
 */
const BUILD = defaultKernelBuild();
const columns: { label: string; backend: Backend }[] = [
  { label: 'reference', backend: referenceBackend },
  { label: 'wasm simd128 x1', backend: createWasmBackend({ threads: 1, build: 'simd128' }) },
  ...(BUILD === 'relaxed-simd' ? [{ label: 'wasm relaxed x1', backend: createWasmBackend({ threads: 1, build: 'relaxed-simd' }) }] : []),
  ...(THREADS > 1 ? [{ label: `wasm ${BUILD === 'relaxed-simd' ? 'relaxed' : 'simd128'} x${THREADS}`, backend: createWasmBackend({ threads: THREADS }) }] : []),
];
const singleThread = columns.filter((c) => !c.label.endsWith(`x${THREADS}`) || THREADS === 1);
const threaded = columns.filter((c) => THREADS > 1 && c.label.endsWith(`x${THREADS}`));

console.log(`# zerograd benchmarks\n\nmachine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, threads ${THREADS}, kernels: ${BUILD} build by default\n`);
const torchRequest = { sgemm: SGEMM_SIZES, steps: stepRequests, generation: GENERATION };
const torch1 = peerResults('PyTorch x1', '/usr/bin/python3', '../../bench/torch_bench.py', { ...torchRequest, threads: 1 });
const torchN = THREADS > 1 ? peerResults(`PyTorch x${THREADS}`, '/usr/bin/python3', '../../bench/torch_bench.py', { ...torchRequest, threads: THREADS }) : null;
const tfjsWasm = peerResults('tfjs-wasm', process.execPath, './tfjs_bench.js', { backend: 'wasm', sgemm: SGEMM_SIZES, steps: stepRequests });
const tfjsCpu = peerResults('tfjs-cpu', process.execPath, './tfjs_bench.js', { backend: 'cpu', sgemm: SGEMM_SIZES.filter((n) => n <= 1024), steps: cpuSteps });
const jaxjs = peerResults('jax-js', process.execPath, './jaxjs_bench.js', { sgemm: SGEMM_SIZES, steps: stepRequests });
console.log(`PyTorch ${torch1?.version ?? 'n/a'} (CPU); TensorFlow.js ${tfjsWasm?.version ?? tfjsCpu?.version ?? 'n/a'} and jax-js ${jaxjs?.version ?? 'n/a'} (wasm), which run on one thread in Node\n`);

/** One table: zerograd's columns, then peers, then the ratio of zerograd's last column to each compared peer. */
interface Table { columns: { label: string; backend: Backend }[]; peers: (PeerResults | null)[]; compared: (PeerResults | null)[] }
const one: Table = { columns: singleThread, peers: [tfjsWasm, tfjsCpu, jaxjs, torch1], compared: [tfjsWasm, jaxjs, torch1] };
const all: Table | null = threaded.length ? { columns: threaded, peers: [torchN], compared: [torchN] } : null;
const tables: [string, Table][] = [['one thread', one], ...(all ? [[`${THREADS} threads`, all] as [string, Table]] : [])];
const fmt = (v: number | undefined, digits = 2) => (v === undefined ? 'n/a' : v.toFixed(digits));

function timeOn<T>(backend: Backend, run: () => T): T {
  const previous = setBackend(backend);
  try {
    return run();
  } finally {
    setBackend(previous);
  }
}

for (const [title, table] of tables) {
  const peers = table.peers.filter((p): p is PeerResults => p !== null);
  const compared = table.compared.filter((p): p is PeerResults => p !== null);
  const mine = table.columns[table.columns.length - 1].label;
  const header = `${table.columns.map((c) => c.label).join(' | ')} |${peers.map((p) => ` ${p.label} |`).join('')}`;
  const rule = `${table.columns.map(() => '---').join('|')}|${peers.map(() => '---|').join('')}${compared.map(() => '---|').join('')}`;

  console.log(`## sgemm at ${title} (C = A @ B, square, float32), GFLOP/s\n`);
  console.log(`| n | ${header}${compared.map((p) => ` ${mine} / ${p.label} |`).join('')}`);
  console.log(`|---|${rule}`);
  for (const n of SGEMM_SIZES) {
    // The reference needs seconds per product past 1024: it is the yardstick for correctness, not speed.
    const rates = table.columns.map(({ label, backend }) => (label === 'reference' && (n > 1024 || (n > 512 && quick)) ? undefined : timeOn(backend, () => sgemm(n))));
    const last = rates[rates.length - 1];
    const ratio = (p: PeerResults) => { const r = p.sgemm[String(n)]; return r && last ? fmt(last / r) : 'n/a'; };
    console.log(`| ${n} | ${rates.map((r) => fmt(r)).join(' | ')} |${peers.map((p) => ` ${fmt(p.sgemm[String(n)])} |`).join('')}${compared.map((p) => ` ${ratio(p)} |`).join('')}`);
  }

  console.log(`\n## training step at ${title} (forward + backward + optimizer), ms per step; tokens/s in brackets\n`);
  console.log(`| model | ${header}${compared.map((p) => ` speed / ${p.label} |`).join('')}`);
  console.log(`|---|${rule}`);
  for (const c of STEPS) {
    const times = table.columns.map(({ label, backend }) => (c.referenceTooSlow && label === 'reference' ? undefined
      : timeOn(backend, () => seconds(stepFunction(c), Math.max(1, Math.ceil(c.repeats / (label === 'reference' ? 2 : 1)))))));
    const cell = (t: number | undefined) => (t === undefined ? 'n/a' : `${(t * 1000).toFixed(1)} (${(c.tokens / t).toFixed(0)})`);
    const last = times[times.length - 1]!;
    const ratio = (p: PeerResults) => { const t = p.steps[c.label]; return t ? fmt(t / last) : 'n/a'; };
    console.log(`| ${c.label} | ${times.map(cell).join(' | ')} |${peers.map((p) => ` ${cell(p.steps[c.label])} |`).join('')}${compared.map((p) => ` ${ratio(p)} |`).join('')}`);
  }
  console.log('');
}

console.log(`## generation: tokens/s sampling ${GENERATION[0].tokens} tokens after one (a full block), batch 1\n`);
console.log('| model | threads | zerograd, KV cache | zerograd, no cache | cache speed-up | PyTorch, KV cache loop | PyTorch, nanoGPT generate (no cache) | zerograd cache / PyTorch cache |');
console.log('|---|---|---|---|---|---|---|---|');
for (const c of GENERATION) {
  for (const [backend, torch, threads] of [[singleThread[singleThread.length - 1].backend, torch1, 1], ...(all ? [[all.columns[0].backend, torchN, THREADS]] : [])] as [Backend, PeerResults | null, number][]) {
    const [cached, plain] = [true, false].map((cache) => timeOn(backend, () => generationRate(c, cache)));
    const peer = torch?.generation?.[c.label];
    console.log(`| ${c.label} | ${threads} | ${cached.toFixed(0)} | ${plain.toFixed(1)} | ${(cached / plain).toFixed(1)}x | ${peer ? peer.cache.toFixed(0) : 'n/a'} | ${peer ? peer.nocache.toFixed(1) : 'n/a'} | ${peer ? fmt(cached / peer.cache) : 'n/a'} |`);
  }
}

const arenas = columns.filter((c) => c.backend.memoryInUse).map((c) => `${c.label} ${(c.backend.memoryInUse!() / 2 ** 20).toFixed(0)} MiB`);
console.log(`\npeak resident memory of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (it holds every model; the WebAssembly arenas' high-water marks: ${arenas.join(', ')})`);
// A training run is one model in one process: the largest step again, alone, as `zerograd gpt train` would run it.
const largest = STEPS[STEPS.length - 1];
const alone = spawnSync(process.execPath, [fileURLToPath(new URL('./step.js', import.meta.url)), largest.label], { encoding: 'utf8' });
console.log(`in a fresh process: ${alone.status === 0 ? alone.stdout.trim() : `failed (${alone.stderr.trim().split('\n').pop()})`}`);
