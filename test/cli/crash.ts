// The crash half of the exact-resume tests: a training command killed outright once its first checkpoint is on disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { setBackend } from '../../src/index.js';
import { type Checkpoint, loadCheckpoint, processAlive } from '../../src/io/checkpoint.js';
import type { CommandSpec } from '../../src/cli/args.js';
import { savedSetting } from '../../src/cli/options.js';
import { projectRoot } from '../helpers.js';

const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');

/**
 * Runs `zerograd ...command --out out` in a child process, SIGKILLs it when latest.json appears, and returns the
 * step it had saved. The kill goes to the whole process group: a training command is a supervisor and the process
 * that trains (src/cli/supervise.ts), and a crash takes both.
 */
export async function killAfterFirstCheckpoint(command: string[], out: string): Promise<number> {
  const child = spawn(process.execPath, [bin, ...command, '--out', out], { stdio: 'ignore', detached: true });
  while (!existsSync(join(out, 'latest.json'))) await new Promise((r) => setTimeout(r, 10));
  process.kill(-child.pid!, 'SIGKILL');
  await once(child, 'exit');
  // The trainer, the supervisor's child, dies a moment after it; until then its lock would refuse the resume.
  const holder = () => Number.parseInt(readFileSync(join(out, 'lock'), 'utf8'), 10);
  while (existsSync(join(out, 'lock')) && processAlive(holder())) await new Promise((r) => setTimeout(r, 10));
  return loadCheckpoint(out).trainer.step;
}

/** Two runs ended alike: the same losses step by step, the same evaluations, bit-identical weights. */
export function assertSameRun(reference: Checkpoint, resumed: Checkpoint): void {
  assert.deepEqual(resumed.trainer.losses, reference.trainer.losses);
  assert.deepEqual(resumed.config.evals, reference.config.evals, 'the evaluation batches continue where they were');
  for (const [name, t] of reference.model) assert.deepEqual(resumed.model.get(name)!.toFlatArray(), t.toFlatArray(), name);
}

/**
 * Every setting the command's options declare a key for is in the run's saved config (null for the built-in data):
 * a mistyped key would drop the setting from the checkpoint and from --resume's contradiction check without a word.
 */
export function assertEveryKeySaved(spec: CommandSpec, config: Record<string, unknown>): void {
  for (const [flag, def] of Object.entries(spec.options)) {
    if (def.key) assert.notEqual(savedSetting(config, def.key), undefined, `${spec.name} --${flag}: its key ${def.key} is not in the saved config`);
  }
}

/**
 * `zerograd <spec's command> ...args` killed after its first checkpoint in dir/crashed and resumed there by `train`,
 * beside an uninterrupted run in dir/reference; both finish in this process on the backend the command line used, so
 * they round alike. Returns the step the crash had saved, each run's result and each run's final checkpoint, whose
 * config is checked to hold every setting the command's options declare.
 */
export async function crashResumeAndReference<R>(spec: CommandSpec, args: string[], dir: string, train: (argv: string[]) => R) {
  const command = spec.name.split(' ');
  const crashed = join(dir, 'crashed');
  const reference = join(dir, 'reference');
  const killedAt = await killAfterFirstCheckpoint([...command, ...args], crashed);
  const previous = setBackend(createWasmBackend());
  try {
    const resumed = train([...args, '--out', crashed, '--resume']);
    const straight = train([...args, '--out', reference]);
    const saved = loadCheckpoint(reference);
    assertEveryKeySaved(spec, saved.config);
    return { killedAt, resumed, straight, crashed: loadCheckpoint(crashed), reference: saved };
  } finally {
    setBackend(previous);
  }
}
