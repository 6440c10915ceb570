// `npm run bench`: sgemm GFLOP/s and training-step times on zerograd's backends and on PyTorch (CPU,
// same thread count), run side by side on this machine, with ratios. Not a test: numbers, not verdicts.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { threadCount } from '../src/backend/wasm/threadPool.js';
import { type Backend, Generator, randn, referenceBackend, setBackend } from '../src/index.js';
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

/** Each column: a label and its kernels (the wasm backend once on one thread, once on THREADS). */
const columns: { label: string; backend: Backend }[] = [
  { label: 'reference', backend: referenceBackend },
  { label: 'wasm-simd x1', backend: createWasmBackend({ threads: 1 }) },
  ...(THREADS > 1 ? [{ label: `wasm-simd x${THREADS}`, backend: createWasmBackend({ threads: THREADS }) }] : []),
];
const fmt = (v: number | undefined, digits = 2) => (v === undefined ? 'n/a' : v.toFixed(digits));

console.log(`# zerograd benchmarks\n\nmachine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, threads ${THREADS}\n`);
const torch = peerResults('PyTorch', '/usr/bin/python3', '../../bench/torch_bench.py', { threads: THREADS, sgemm: SGEMM_SIZES, steps: stepRequests });
const tfjsWasm = peerResults('tfjs-wasm', process.execPath, './tfjs_bench.js', { backend: 'wasm', sgemm: SGEMM_SIZES, steps: stepRequests });
const tfjsCpu = peerResults('tfjs-cpu', process.execPath, './tfjs_bench.js', { backend: 'cpu', sgemm: SGEMM_SIZES.filter((n) => n <= 1024), steps: cpuSteps });
const jaxjs = peerResults('jax-js', process.execPath, './jaxjs_bench.js', { sgemm: SGEMM_SIZES, steps: stepRequests });
const peers = [tfjsWasm, tfjsCpu, jaxjs, torch].filter((p): p is PeerResults => p !== null);
if (torch) console.log(`PyTorch ${torch.version} (CPU, ${THREADS} thread${THREADS > 1 ? 's' : ''}); TensorFlow.js ${tfjsWasm?.version ?? tfjsCpu?.version ?? 'n/a'} (one thread); jax-js ${jaxjs?.version ?? 'n/a'} (wasm device)\n`);
/** The ratios printed: zerograd's last (threaded) column against PyTorch, tfjs-wasm and jax-js. */
const compared = [torch, tfjsWasm, jaxjs].filter((p): p is PeerResults => p !== null);

console.log('## sgemm (C = A @ B, square, float32), GFLOP/s\n');
const header = `${columns.map((c) => c.label).join(' | ')}`;
const rule = columns.map(() => '---').join('|');
const peerHeader = peers.map((p) => ` ${p.label} |`).join('');
const peerRule = peers.map(() => '---|').join('');
const ratioRule = compared.map(() => '---|').join('');
console.log(`| n | ${header} |${peerHeader}${compared.map((p) => ` wasm / ${p.label} |`).join('')}`);
console.log(`|---|${rule}|${peerRule}${ratioRule}`);
for (const n of SGEMM_SIZES) {
  const rates = columns.map(({ label, backend }) => {
    // The reference needs seconds per product past 1024: it is the yardstick for correctness, not speed.
    if (label === 'reference' && (n > 1024 || (n > 512 && quick))) return undefined;
    const previous = setBackend(backend);
    try {
      return sgemm(n);
    } finally {
      setBackend(previous);
    }
  });
  const last = rates[rates.length - 1];
  const ratio = (p: PeerResults) => { const r = p.sgemm[String(n)]; return r && last ? fmt(last / r) : 'n/a'; };
  console.log(`| ${n} | ${rates.map((r) => fmt(r)).join(' | ')} |${peers.map((p) => ` ${fmt(p.sgemm[String(n)])} |`).join('')}${compared.map((p) => ` ${ratio(p)} |`).join('')}`);
}

console.log('\n## training step (forward + backward + optimizer), ms per step; tokens/s in brackets\n');
console.log(`| model | ${header} |${peerHeader}${compared.map((p) => ` speed / ${p.label} |`).join('')}`);
console.log(`|---|${rule}|${peerRule}${ratioRule}`);
for (const c of STEPS) {
  const times = columns.map(({ label, backend }) => {
    if (c.referenceTooSlow && label === 'reference') return undefined;
    const previous = setBackend(backend);
    try {
      return seconds(stepFunction(c), Math.max(1, Math.ceil(c.repeats / (label === 'reference' ? 2 : 1))));
    } finally {
      setBackend(previous);
    }
  });
  const cell = (t: number | undefined) => (t === undefined ? 'n/a' : `${(t * 1000).toFixed(1)} (${(c.tokens / t).toFixed(0)})`);
  const last = times[times.length - 1]!;
  const ratio = (p: PeerResults) => { const t = p.steps[c.label]; return t ? fmt(t / last) : 'n/a'; };
  console.log(`| ${c.label} | ${times.map(cell).join(' | ')} |${peers.map((p) => ` ${cell(p.steps[c.label])} |`).join('')}${compared.map((p) => ` ${ratio(p)} |`).join('')}`);
}

const arenas = columns.filter((c) => c.backend.memoryInUse).map((c) => `${c.label} ${(c.backend.memoryInUse!() / 2 ** 20).toFixed(0)} MiB`);
console.log(`\npeak resident memory of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (it holds every model; the WebAssembly arenas' high-water marks: ${arenas.join(', ')})`);
// A training run is one model in one process: the largest step again, alone, as `zerograd gpt train` would run it.
const largest = STEPS[STEPS.length - 1];
const alone = spawnSync(process.execPath, [fileURLToPath(new URL('./step.js', import.meta.url)), largest.label], { encoding: 'utf8' });
console.log(`in a fresh process: ${alone.status === 0 ? alone.stdout.trim() : `failed (${alone.stderr.trim().split('\n').pop()})`}`);
