// The supervisor of the judge's runner (sandbox.ts says why there is one): reads a SupervisorJob on stdin, runs the
// runner within its limits, and writes the Outcome as JSON on stdout.
//
// Containment: the runner leads a process group of its own (`detached`), and the group gets SIGTERM when the time
// is up, SIGKILL after the grace period, and SIGKILL as soon as the reply is in or the runner ends. A process the
// learner's code starts detached (setsid) leaves the group, so every process whose environment carries this run's
// token is killed too, found through /proc (Linux only; elsewhere only the group is). A process that both leaves
// the group and drops the environment still escapes: only a cgroup would hold it, and that is out of scope.
//
// Memory: --max-old-space-size caps the JavaScript heap, where V8 stops with "heap out of memory". ArrayBuffers
// live outside that heap, so the data segment's limit (`ulimit -d`, RLIMIT_DATA; it counts the memory mapped
// writable, not V8's large reservations as `ulimit -v` does) caps them, where V8 throws "Array buffer allocation
// failed" and the runner replies outOfMemory. macOS ignores RLIMIT_DATA, so there only the heap is capped.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import type { RunnerReply } from './runner.js';
import type { Outcome, SupervisorJob } from './sandbox.js';

/** Node's own share of the data segment besides the old-generation heap: thread stacks, code, the young generation. */
const NODE_OVERHEAD_MB = 192;
/** How long to wait for the runner's pipes to close once it has ended (a process that escaped may hold them). */
const CLOSE_WAIT_MS = 500;
const STDERR_KEPT = 64 << 10;
const REPLY_CAP = 64 << 20;
const HEAP_OUT_OF_MEMORY = /heap out of memory|process out of memory/i;

const { runner, limits, input } = JSON.parse(readFileSync(0, 'utf8')) as SupervisorJob;
const marker = `ZEROGRAD_PRACTICE_RUN=${randomUUID()}`;
const [name, value] = marker.split('=');
const nodeArgs = [`--max-old-space-size=${limits.memoryMB}`, runner];
const dataLimitKB = String((limits.memoryMB + NODE_OVERHEAD_MB) * 1024);
const child = process.platform === 'win32'
  ? spawn(process.execPath, nodeArgs, { detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, [name]: value } })
  : spawn('/bin/sh', ['-c', 'ulimit -d "$0" 2>/dev/null; exec "$@"', dataLimitKB, process.execPath, ...nodeArgs],
    { detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, [name]: value } });

let reply = '';
let stderr = '';
let printed = 0;
let limitHit: 'timeout' | 'output' | null = null;
let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
let spawnError: Error | null = null;
let termSent = false;
let killTimer: NodeJS.Timeout | undefined;

function killGroup(signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

/** SIGKILLs every live process started with this run's token in its environment, until none is left. */
function sweep(): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let round = 0; round < 20; round++) {
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return;
    }
    let found = 0;
    for (const pid of entries) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/environ`).includes(marker)) continue;
        process.kill(Number(pid), 'SIGKILL');
        found++;
      } catch { /* gone already, or another user's */ }
    }
    if (!found) return;
    Atomics.wait(pause, 0, 0, 5);
  }
}

/** SIGTERM starts the grace period; SIGKILL (the default, also when called again during the grace) ends it all. */
function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): void {
  clearTimeout(timer);
  if (signal === 'SIGTERM') {
    if (termSent) return;
    termSent = true;
    killGroup('SIGTERM');
    killTimer = setTimeout(() => stop(), limits.graceMs);
    return;
  }
  clearTimeout(killTimer);
  killGroup('SIGKILL');
  sweep();
}

function outcome(): Outcome {
  if (spawnError) return { kind: 'crashed', detail: spawnError.message };
  if (limitHit) return { kind: limitHit };
  if (reply.includes('\n')) {
    try {
      return { kind: 'reply', reply: JSON.parse(reply.slice(0, reply.indexOf('\n'))) as RunnerReply };
    } catch { /* the learner's code wrote on fd 3 itself: treated as no reply */ }
  }
  if (HEAP_OUT_OF_MEMORY.test(stderr)) return { kind: 'memory' };
  if (ended?.signal) return { kind: 'crashed', detail: `killed by ${ended.signal}` };
  return { kind: 'exited', code: ended?.code ?? 0 };
}

let finished = false;
function finish(): void {
  if (finished) return;
  finished = true;
  stop();
  process.stdout.write(JSON.stringify(outcome()), () => process.exit(0));
}

const timer = setTimeout(() => {
  limitHit ??= 'timeout';
  stop('SIGTERM');
}, limits.seconds * 1000);

const countOutput = (chunk: Buffer) => {
  printed += chunk.length;
  if (printed > limits.outputMB * (1 << 20)) {
    limitHit ??= 'output';
    stop();
  }
};
child.stdout!.on('data', countOutput);
child.stderr!.on('data', (chunk: Buffer) => {
  countOutput(chunk);
  if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8');
});
child.stdio[3]!.on('data', (chunk: Buffer) => {
  if (reply.length < REPLY_CAP) reply += chunk.toString('utf8');
  if (reply.includes('\n')) stop();
});
child.stdin!.on('error', () => { /* the runner ended before reading all of its input */ });
child.stdin!.end(input);
child.on('error', (error) => {
  spawnError = error;
  finish();
});
child.on('exit', (code, signal) => {
  ended = { code, signal };
  stop();
  setTimeout(finish, CLOSE_WAIT_MS).unref();
});
child.on('close', finish);

// Ctrl-C reaches this process, not the runner's group: take the group down too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    stop();
    process.exit(130);
  });
}
