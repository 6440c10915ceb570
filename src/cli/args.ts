import { Command, CommanderError, Option } from 'commander';
import { helpItem, termColumn, terminalWidth } from './helpLayout.js';
import { corpusNames, dataArgument } from '../data/corpora.js';
import { type OptionSpec, type OptionValues, placeholder, readValue, shownDefault } from './options.js';
import { UsageError } from './usageError.js';

export type { OptionDef, OptionSpec, OptionValues } from './options.js';
export { UsageError } from './usageError.js';

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
    const option = new Option(def.type === 'flag' ? `--${name}` : `--${name} <${placeholder(def)}>`, help);
    // Shown in help only: parseOptions reads what the user gave (getOptionValueSource below), then applies the defaults.
    const shown = shownDefault(def);
    if (shown !== undefined) option.default(shown, shown);
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

/** What parseOptions gives: each option's value, the positional arguments, and the names of the options the user gave. */
export type ParsedOptions<S extends OptionSpec> = OptionValues<S> & { argument?: string; arguments: string[]; given: ReadonlySet<string> };

/**
 * Parses `argv` against the command's options: each value read as its declaration says (an int within its bounds, one
 * of the choices...), then the declared defaults. A mistake is a UsageError naming the command or the option.
 */
export function parseOptions<S extends OptionSpec>(spec: CommandSpec<S>, argv: string[]): ParsedOptions<S> {
  const command = toCommander(spec);
  try {
    command.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(`${spec.name}: ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  const raw: Record<string, string | boolean> = {};
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) === 'cli') raw[option.long!.slice(2)] = command.getOptionValue(key);
  }
  const given = new Set(Object.keys(raw));
  if (process.env.ZEROGRAD_SMOKE && process.env.ZEROGRAD_SMOKE !== '0') smokeCaps(spec, raw);
  const values: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec.options)) {
    if (raw[name] !== undefined) values[name] = readValue(name, def, String(raw[name]));
    else if ('default' in def && def.default !== undefined) values[name] = def.default;
  }
  if (typeof values.data === 'string' && given.has('data')) values.data = dataArgument(values.data);
  return { ...values, arguments: [...command.args], ...(command.args.length ? { argument: command.args[0] } : {}), given } as ParsedOptions<S>;
}

/**
 * ZEROGRAD_SMOKE=1 caps every length a command trains or generates for to a handful, so that each command in the
 * README runs in seconds (test/project/readme.test.ts runs them all): a training run only proves it runs. A value
 * that is not a number is left alone, so its error still shows; --resume takes its lengths from the checkpoint.
 */
export const SMOKE_CAPS: Readonly<Record<string, number>> = { steps: 2, epochs: 1, 'eval-iters': 1, 'sample-tokens': 20, 'max-new-tokens': 20 };

function smokeCaps(spec: CommandSpec, raw: Record<string, string | boolean>): void {
  if (raw.resume) return;
  for (const [name, cap] of Object.entries(SMOKE_CAPS)) {
    const given = raw[name];
    if (name in spec.options && (given === undefined || (/^\d+$/.test(String(given)) && Number(given) > cap))) raw[name] = String(cap);
  }
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
