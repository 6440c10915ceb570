/** Running a recipe's commands as the docs show them, in a fresh folder, and reading its numbers from what they print. */
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMeasure, type Recipe } from './recipe.js';

export interface Measured { values: { [key: string]: string }; seconds: number; folder: string }

/**
 * The command the shell runs for one the docs show: `npx zerograd` (or a bare `zerograd`) becomes the built CLI,
 * and `node dist/`, the repository's build; the rest (data/, scripts/) is reached through links in the run's folder.
 */
export function shellCommand(command: string, root: string): string {
  const cli = `node ${join(root, 'dist', 'src', 'cli', 'bin.js')} `;
  return command.replace(/^((?:\w+=\S+ )*)(?:npx )?zerograd /, `$1${cli}`).replace(/^((?:\w+=\S+ )*)node dist\//, `$1node ${join(root, 'dist')}/`);
}

/** One command's output (stdout and stderr together), echoed to stderr as it comes when `echo` is set; rejects on a non-zero exit. */
function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv, echo: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => { output += chunk.toString(); if (echo) process.stderr.write(chunk); };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(Object.assign(new Error(`exit ${code}`), { output }))));
  });
}

/**
 * Runs a recipe in a new temporary folder (never the user's runs/), each command after the one before, and reads
 * its measures. `smoke` sets ZEROGRAD_SMOKE=1 (two training steps) and runs only zerograd's own commands, to prove
 * that every number is found without waiting for it; the values it reads are not results.
 */
export async function runRecipe(recipe: Recipe, root: string, options: { echo?: boolean; smoke?: boolean } = {}): Promise<Measured> {
  const folder = mkdtempSync(join(tmpdir(), `zerograd-results-${recipe.name}-`));
  for (const link of ['data', 'scripts']) symlinkSync(join(root, link), join(folder, link));
  const env: NodeJS.ProcessEnv = { ...process.env, ...recipe.env };
  delete env.ZEROGRAD_SMOKE;
  if (options.smoke) env.ZEROGRAD_SMOKE = '1';
  const outputs: string[] = [];
  const start = performance.now();
  for (const command of recipe.commands) {
    if (options.smoke && !/^(\w+=\S+ )*(npx )?zerograd /.test(command)) { outputs.push(''); continue; }
    try {
      outputs.push(await runCommand(shellCommand(command, root), folder, env, options.echo ?? false));
    } catch (e) {
      const output = (e as { output?: string }).output ?? '';
      writeFileSync(join(folder, 'output.txt'), output);
      const last = output.trim().split('\n').at(-1) ?? '';
      throw new Error(`row ${recipe.name}: \`${command}\` failed (${(e as Error).message}): ${last} (whole output: ${join(folder, 'output.txt')})`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  writeFileSync(join(folder, 'output.txt'), outputs.join('\n'));
  const values: { [key: string]: string } = {};
  for (const measure of recipe.measures) {
    if (options.smoke && measure.command !== undefined && outputs[measure.command] === '') continue;
    const value = readMeasure(measure, measure.command === undefined ? outputs.join('\n') : outputs[measure.command]);
    if (value === undefined) {
      const which = measure.command === undefined ? 'its output' : `the output of \`${recipe.commands[measure.command]}\``;
      throw new Error(`row ${recipe.name}: no '${measure.key}' found in ${which} (${join(folder, 'output.txt')})`);
    }
    values[measure.key] = value;
  }
  return { values, seconds, folder };
}
