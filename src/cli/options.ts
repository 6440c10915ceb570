// One declaration per command-line option: its kind and bounds, its default, its help, and the setting of a saved
// run it stands for. The parser, --help, a run's settings and --resume's contradiction check all read it.
import { UsageError } from './usageError.js';

interface Described {
  /** One line of meaning, for --help. */
  help: string;
  /** The value's placeholder in help: N for an int, X for a float, the choices for a choice, else as given (FILE, DIR, TEXT). */
  value?: string;
  /** The default as help shows it, where no fixed value is: the preset's, or one computed from other options. */
  shown?: string;
  /**
   * Where a training run keeps this setting in its checkpoint's config.json ('train.steps', 'model.nEmbd', 'data'):
   * a new run's settings are read from the options by it, and on --resume the option may repeat it but not contradict it.
   */
  key?: string;
  /** What a run used where its checkpoint keeps no value for `key` (data: null, the built-in data), as --resume's error names it. */
  none?: string;
}

/** An option: a flag, or a value of one kind (int and float with bounds, a choice, a comma-separated list, a path, text). */
export type OptionDef = Described & (
  | { type: 'flag' }
  | { type: 'string' | 'path'; default?: string }
  | { type: 'int'; min?: number; max?: number; default?: number }
  | { type: 'float'; positive?: boolean; max?: number; default?: number }
  | { type: 'choice'; choices: readonly string[]; default?: string }
  | { type: 'list'; default?: readonly string[] }
);
export type OptionSpec = Record<string, OptionDef>;

/** The parsed value of one option: a boolean, a number, one of the choices, a list or text. */
type ValueOf<D> = D extends { type: 'flag' } ? boolean : D extends { type: 'int' | 'float' } ? number : D extends { type: 'list' } ? string[]
  : D extends { choices: readonly (infer C)[] } ? C : string;
type Defaulted<S> = { [K in keyof S as S[K] extends { default: unknown } ? K : never]: ValueOf<S[K]> };
type Optional<S> = { [K in keyof S as S[K] extends { default: unknown } ? never : K]?: ValueOf<S[K]> };
/** Parsed values: those with a default always there, the rest undefined when not given. */
export type OptionValues<S extends OptionSpec> = Defaulted<S> & Optional<S>;

/** The placeholder help shows after `--name`. */
export const placeholder = (def: OptionDef): string =>
  def.value ?? (def.type === 'int' ? 'N' : def.type === 'float' ? 'X' : def.type === 'choice' ? def.choices.join('|') : 'VALUE');

/** The default help shows, if any. */
export const shownDefault = (def: OptionDef): string | undefined =>
  def.shown ?? ('default' in def && def.default !== undefined ? String(def.default) : undefined);

/** The value of `--name raw`, read as `def` says; a value out of its kind or bounds is a one-line UsageError naming the option. */
export function readValue(name: string, def: OptionDef, raw: string): unknown {
  switch (def.type) {
    case 'flag': return true;
    case 'int': return readInt(name, raw, def);
    case 'float': return readFloat(name, raw, def);
    case 'choice':
      if (!def.choices.includes(raw)) throw new UsageError(`--${name}: expected one of ${def.choices.join(', ')}, got '${raw}'`);
      return raw;
    case 'list': return raw.split(',').map((item) => item.trim()).filter(Boolean);
    default: return raw;
  }
}

/** A decimal integer (no exponent, hexadecimal or fraction), at least `min` and at most `max`. */
function readInt(name: string, text: string, { min = 0, max = Number.MAX_SAFE_INTEGER }): number {
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${name}: expected a decimal integer ${range}, got '${text}'`);
  }
  return value;
}

/** A decimal number, with an optional exponent: positive unless said otherwise, at most `max`. */
function readFloat(name: string, raw: string, { positive = true, max = Infinity }): number {
  const text = raw.trim();
  const value = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (positive && value <= 0) || value > max) {
    throw new UsageError(`--${name}: expected a ${positive ? 'positive ' : ''}number${max < Infinity ? ` up to ${max}` : ''}, got '${raw}'`);
  }
  return value;
}

/** The setting at `key` ('train.steps') of a checkpoint's config; undefined where it has none. */
export function savedSetting(config: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), config);
}

/**
 * The settings under `section` of a run's config ('train', 'model') that the options give, by their keys:
 * { steps: 500, lr: 0.002 } for `--steps 500 --lr 2e-3`. An option neither given nor defaulted is left out.
 */
export function settingsFrom(options: OptionSpec, values: Record<string, unknown>, section: string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(options)) {
    if (def.key?.startsWith(`${section}.`) && values[name] !== undefined) settings[def.key.slice(section.length + 1)] = values[name];
  }
  return settings;
}
