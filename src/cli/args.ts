import { parseArgs } from 'node:util';

export type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;
/** Parsed values: strings for string options, booleans for flags, undefined when absent. */
export type OptionValues<S extends OptionSpec> = { [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string };

/** Parses `argv` against `spec`, turning node's parse errors into one-line messages naming the command. */
export function parseOptions<S extends OptionSpec>(command: string, argv: string[], spec: S): OptionValues<S> {
  try {
    return parseArgs({ args: argv, options: spec, allowPositionals: false, strict: true }).values as OptionValues<S>;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** A user mistake on the command line: printed without a stack trace. */
export class UsageError extends Error {}

export function intOption(name: string, raw: unknown, fallback: number, { min = 0 } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got '${raw}'`);
  return value;
}

export function numberOption(name: string, raw: unknown, fallback: number, { positive = true } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (positive && value <= 0)) throw new UsageError(`--${name}: expected a ${positive ? 'positive ' : ''}number, got '${raw}'`);
  return value;
}

export function choiceOption<T extends string>(name: string, raw: unknown, choices: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) throw new UsageError(`--${name}: expected one of ${choices.join(', ')}, got '${raw}'`);
  return raw as T;
}

/** Where a command writes: result lines, and the progress bar (null for none, as in tests). */
export interface CliIO {
  log: (line: string) => void;
  progress: NodeJS.WriteStream | null;
}

export const consoleIO: CliIO = { log: (line) => console.log(line), progress: process.stderr };
