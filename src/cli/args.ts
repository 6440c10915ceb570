import { Command, CommanderError, Option } from 'commander';
import { helpItem, termColumn, terminalWidth } from './helpLayout.js';
import { corpusNames, dataArgument } from '../data/corpora.js';

/** One option of a command: its kind, one line of meaning, the value's placeholder and its default as shown in help. */
export interface OptionDef {
  type: 'string' | 'boolean';
  help: string;
  /** The placeholder in help: N, X, FILE, DIR, TEXT... */
  value?: string;
  /** The default as help shows it; the command computes the real one (it may depend on other options). */
  default?: string;
}
export type OptionSpec = Record<string, OptionDef>;
/** Parsed values: strings for string options, booleans for flags, undefined when absent. */
export type OptionValues<S extends OptionSpec> = { [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string };

/** A command's name (`gpt train`), what it does, and its options: the parser and `--help` both read it. */
export interface CommandSpec<S extends OptionSpec = OptionSpec> {
  name: string;
  summary: string;
  options: S;
  /**
   * Positional arguments, returned as `argument` (the first) and `arguments` (all): one, or several in order;
   * a name ending in ... takes several.
   */
  argument?: ArgumentDef | ArgumentDef[];
}

/** A positional argument: help shows a required one as <NAME>, an optional one as [NAME]. */
export interface ArgumentDef {
  name: string;
  help: string;
  /** The command checks that it was given, with a message that says more than the parser's would. */
  required?: boolean;
}

export const defineCommand = <S extends OptionSpec>(spec: CommandSpec<S>): CommandSpec<S> => spec;

/** A user mistake on the command line: printed as one line, without a stack trace. */
export class UsageError extends Error {}

/** Commander's parser and help for `spec`; `forHelp` marks required positionals, which parsing leaves to the command. */
function toCommander(spec: CommandSpec, { forHelp = false, width = terminalWidth() } = {}): Command {
  const command = new Command(`zerograd ${spec.name}`)
    .description(spec.summary)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .configureHelp({
      helpWidth: width,
      // Commander stops wrapping when a long term (--model <bigram|...>) leaves little room; this puts such a term on its own line.
      formatItem: (term, termWidth, description) => helpItem(term, description, termColumn(termWidth, width), width),
    })
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'print this help');
  for (const argument of [spec.argument ?? []].flat()) {
    command.argument(forHelp && argument.required ? `<${argument.name}>` : `[${argument.name}]`, argument.help);
  }
  for (const [name, def] of Object.entries(spec.options)) {
    const help = name === 'data' ? `${def.help}; or a bundled corpus by name (${corpusNames().join(', ')})` : def.help;
    const option = new Option(def.type === 'boolean' ? `--${name}` : `--${name} <${def.value ?? 'VALUE'}>`, help);
    // Shown in help only: values are read just where the user gave them (getOptionValueSource below).
    if (def.default !== undefined) option.default(def.default, def.default);
    command.addOption(option);
  }
  return command;
}

/** `zerograd gpt train --help`: every option with its type, default and meaning, wrapped at `width` columns. */
export const commandHelp = (spec: CommandSpec, width = terminalWidth()): string => toCommander(spec, { forHelp: true, width }).helpInformation();

/**
 * The names among `candidates` closest to a mistyped `word`, by the measure commander uses for its
 * "(Did you mean --steps?)" after a mistyped option: none when nothing is close.
 */
export function closestNames(word: string, candidates: readonly string[]): string[] {
  const probe = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} }).helpCommand(false);
  for (const name of new Set(candidates)) probe.command(name);
  try {
    probe.parse([word], { from: 'user' });
  } catch (error) {
    const match = /\(Did you mean (?:one of )?(.+)\?\)/.exec((error as Error).message);
    if (match) return match[1].split(', ');
  }
  return [];
}

/** The pointer printed after a one-line error. */
export const helpHint = (name: string) => `run 'zerograd ${name} --help' for the options`;

/** Parses `argv` against the command's options; a mistake is a UsageError naming the command and the option. */
export function parseOptions<S extends OptionSpec>(spec: CommandSpec<S>, argv: string[]): OptionValues<S> & { argument?: string; arguments: string[] } {
  const command = toCommander(spec);
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(`${spec.name}: ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  const values: Record<string, unknown> = {};
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) === 'cli') values[option.long!.slice(2)] = command.getOptionValue(key);
  }
  values.arguments = [...command.args];
  if (command.args.length) values.argument = command.args[0];
  if (typeof values.data === 'string') values.data = dataArgument(values.data);
  if (process.env.ZEROGRAD_SMOKE && process.env.ZEROGRAD_SMOKE !== '0') smokeCaps(spec, values);
  return values as OptionValues<S> & { argument?: string; arguments: string[] };
}

/**
 * ZEROGRAD_SMOKE=1 caps every length a command trains or generates for to a handful, so that each command in the
 * README runs in seconds (test/project/readme.test.ts runs them all): a training run only proves it runs. A value
 * that is not a number is left alone, so its error still shows; --resume takes its lengths from the checkpoint.
 */
export const SMOKE_CAPS: Readonly<Record<string, number>> = { steps: 2, epochs: 1, 'eval-iters': 1, 'sample-tokens': 20, 'max-new-tokens': 20 };

function smokeCaps(spec: CommandSpec, values: Record<string, unknown>): void {
  if (values.resume) return;
  for (const [name, cap] of Object.entries(SMOKE_CAPS)) {
    const given = values[name];
    if (name in spec.options && (given === undefined || (/^\d+$/.test(String(given)) && Number(given) > cap))) values[name] = String(cap);
  }
}

/** A decimal integer (no exponent, hexadecimal or fraction), at least `min` and at most `max`. */
export function intOption(name: string, raw: unknown, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (raw === undefined) return fallback;
  const text = String(raw);
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name}: expected a decimal integer ${range}, got '${text}'`);
  }
  return value;
}

export function numberOption(name: string, raw: unknown, fallback: number, { positive = true, max = Infinity } = {}): number {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const value = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (positive && value <= 0) || value > max) {
    throw new UsageError(`--${name}: expected a ${positive ? 'positive ' : ''}number${max < Infinity ? ` up to ${max}` : ''}, got '${raw}'`);
  }
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
  /** Warnings (stderr by default). */
  warn?: (line: string) => void;
  /** Output streamed as it is made, without a newline (generated text); absent: such output is logged whole. */
  write?: (text: string) => void;
}

export const consoleIO: CliIO = {
  log: (line) => console.log(line),
  progress: process.stderr,
  warn: (line) => console.error(`warning: ${line}`),
  write: (text) => process.stdout.write(text),
};

/** Warns on `io`'s stream, or on stderr. */
export const warnOn = (io: CliIO) => io.warn ?? consoleIO.warn!;
