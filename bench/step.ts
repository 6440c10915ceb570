// One training step of `npm run bench` timed in a fresh process: `node dist/bench/step.js "n_embd 128"`
// (a part of the case's label; ZEROGRAD_THREADS picks the thread count). npm run bench times every column
// in one long process, where earlier columns can leave the machine's threads in a worse state.
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { setBackend } from '../src/index.js';
import { stepCases, stepFunction } from './cases.js';
import { seconds } from './timing.js';

const wanted = process.argv[2] ?? '';
const chosen = stepCases(false).find((c) => c.label.includes(wanted));
if (!chosen) throw new Error(`no benchmark case matches '${wanted}': ${stepCases(false).map((c) => c.label).join('; ')}`);
setBackend(createWasmBackend());
const s = seconds(stepFunction(chosen), chosen.repeats);
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`${chosen.label}: ${(s * 1000).toFixed(1)} ms/step (${(chosen.tokens / s).toFixed(0)} tokens/s), peak resident memory ${rss.toFixed(0)} MiB`);
