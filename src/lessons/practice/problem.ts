// What a practice problem is, and how the judge compares a learner's answer with the expected one: values rounded
// as the course rounds them, shapes first, and a hint when the answer looks like a known mistake.
import { tensor } from '../../tensor/creation.js';
import { Tensor } from '../../tensor/tensor.js';

/** A tensor as the case file stores it. */
export interface TensorJson {
  shape: number[];
  data: number[];
  dtype: 'float32' | 'float64' | 'int32';
}

/** One test case from data/practice/cases.json (its fields depend on the problem). */
export type CaseData = Record<string, unknown> & { args?: unknown[]; fn?: string; expected?: unknown; course?: boolean };

/** What a practice file exports, by name. */
export type Exports = Record<string, unknown>;

/** One case, ready to run on the learner's code. */
export interface Trial {
  /** The call, as the learner would write it. */
  input: string;
  expected: unknown;
  /** Runs the learner's code (the judge catches what it throws). */
  answer(): unknown;
  /** Decimals the course rounds this answer to (none: exact, or strings). */
  decimals?: number;
  /** A problem's own verdict, where comparing with `expected` is not the whole check. */
  check?(got: unknown): { passed: boolean; hint?: string };
  /** Wrong answers that common mistakes give, each with its hint, tried when the answer is wrong. */
  mistakes?(): { hint: string; output: unknown }[];
  /** Hints for errors the learner's code throws, by their message. */
  errorHints?: [RegExp, string][];
}

export interface Problem {
  id: number;
  slug: string;
  title: string;
  /** The statement: what to implement, the course's maths, and one worked example. */
  statement: string;
  /** The starter file after the statement: imports, signatures with types, bodies that throw. */
  starter: string;
  /** Names the learner's file must export. */
  exports: string[];
  /** One case on the learner's exports; `reference` is the reference solution's, for cases it decides. */
  trial(learner: Exports, data: CaseData, reference: Exports): Trial;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  input: string;
  expected: string;
  got: string;
  hint?: string;
}

/** Whether `value` is a tensor as the case file stores it. */
const isTensorJson = (value: unknown): value is TensorJson =>
  !!value && typeof value === 'object' && 'shape' in value && Array.isArray((value as TensorJson).data);

export const fromJson = (t: TensorJson): Tensor => tensor(t.dtype === 'int32' ? Int32Array.from(t.data) : t.dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data), { shape: t.shape, dtype: t.dtype });

/** A value as numbers: a shape and flat data, or null when it is not numeric. */
function numeric(value: unknown): { shape: number[]; data: number[] } | null {
  if (value instanceof Tensor) return { shape: [...value.shape], data: Array.from(value.hostData()) };
  if (typeof value === 'number') return { shape: [], data: [value] };
  if (isTensorJson(value)) return { shape: value.shape, data: value.data };
  if (Array.isArray(value) && value.flat(Infinity).every((v) => typeof v === 'number')) {
    const shape: number[] = [];
    for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
    return { shape, data: value.flat(Infinity) as number[] };
  }
  return null;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((s, i) => s === b[i]);
const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Whether `got` matches `expected` rounded to `decimals`: the same shape, each value within one unit of the last
 * place (float32 sums may round the other way), and itself rounded. Without decimals, equal within 1e-9.
 */
export function compareValues(expected: unknown, got: unknown, decimals?: number): { passed: boolean; hint?: string } {
  if (typeof expected === 'string' || (Array.isArray(expected) && expected.some((v) => typeof v === 'string'))) {
    return { passed: JSON.stringify(expected) === JSON.stringify(got) };
  }
  const e = numeric(expected);
  const g = numeric(got);
  if (!e) throw new Error('compareValues: the expected value is not numeric');
  if (!g) return { passed: false, hint: `expected ${e.shape.length ? 'a tensor' : 'a number'}, got ${describe(got)}` };
  if (!sameShape(e.shape, g.shape)) {
    const scalarLike = e.data.length === 1 && g.data.length === 1;
    if (!scalarLike) return { passed: false, hint: `expected shape ${fmtShape(e.shape)}, got ${fmtShape(g.shape)}` };
  }
  const scale = decimals === undefined ? 1 : 10 ** decimals;
  const unit = decimals === undefined ? 1e-9 : 1.01;
  const close = e.data.every((v, i) => Math.abs(v - g.data[i]) * scale <= unit + Math.abs(v * scale) * 1e-6);
  if (!close) return { passed: false };
  if (decimals !== undefined && g.data.some((v) => Math.abs(v * scale - Math.round(v * scale)) > 1e-3 + Math.abs(v * scale) * 2e-7)) {
    return { passed: false, hint: `round to ${decimals} decimals, as the course's checker compares rounded answers` };
  }
  return { passed: true };
}

/** True when `got` is the output `mistake` gives (loosely: rounding aside). */
export function looksLike(mistake: unknown, got: unknown): boolean {
  const m = numeric(mistake);
  const g = numeric(got);
  if (!m || !g) return JSON.stringify(mistake) === JSON.stringify(got);
  return sameShape(m.shape, g.shape) && m.data.every((v, i) => Math.abs(v - g.data[i]) <= 2e-4 + Math.abs(v) * 1e-4);
}

/** A short, one-line rendering of a case's value for the report. */
export function describe(value: unknown, limit = 160): string {
  let text: string;
  if (value instanceof Tensor) text = `tensor(${JSON.stringify(roundAll(value.tolist()))}) shape ${fmtShape(value.shape)}`;
  else if (isTensorJson(value)) text = describe(fromJson(value), Infinity);
  else if (typeof value === 'function') text = 'a function';
  else if (value === undefined) text = 'undefined';
  else text = JSON.stringify(roundAll(value));
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Floats shown with at most 6 decimals, so float32 noise does not fill the report. */
function roundAll(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(7));
  if (Array.isArray(value)) return value.map(roundAll);
  return value;
}

/** The learner's export `name` as a function, or an error saying what is missing. */
export function exported<T>(learner: Exports, name: string, kind: 'function' | 'class' = 'function'): T {
  const value = learner[name];
  if (typeof value !== 'function') throw new Error(`your file does not export ${kind === 'class' ? 'a class' : 'a function'} named ${name}`);
  return value as T;
}

/** `name(arg, arg)` with each argument described, for a case's input line. */
export const callText = (name: string, args: readonly unknown[]) => `${name}(${args.map((a) => describe(a, 80)).join(', ')})`;

/** A new instance of the learner's exported class `name`. */
export function construct<T>(learner: Exports, name: string, args: readonly unknown[]): T {
  const Class = exported<new (...a: unknown[]) => T>(learner, name, 'class');
  return new Class(...args);
}

/** The value of a case's argument: stored tensors become tensors, the rest stays as it is. */
export const argValue = (value: unknown): unknown => (isTensorJson(value) ? fromJson(value) : value);

/** The hint for a module that computes the right thing from PyTorch's weights but starts from other weights. */
export const SEED_HINT = "the computation is right but the initial weights are not PyTorch's: begin each constructor that the course seeds with manualSeed(0, { stream: 'torch' }) (its torch.manual_seed(0)), and create the layers in the course's order";

/**
 * A model case's verdict: the learner's module as its constructor seeded it must give the expected output. When
 * it does not, `withCourseWeights` (the same module given PyTorch's weights) tells the two causes apart.
 */
export function seededVerdict(expected: unknown, got: unknown, withCourseWeights: () => unknown): { passed: boolean; hint?: string } {
  const verdict = compareValues(expected, got, 4);
  if (verdict.passed || verdict.hint) return verdict;
  try {
    return compareValues(expected, withCourseWeights(), 4).passed ? { passed: false, hint: SEED_HINT } : verdict;
  } catch {
    return verdict;
  }
}
