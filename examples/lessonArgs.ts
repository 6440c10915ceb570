// One argument parser for every lesson script: --fast, --help and a lesson's own flags; anything else is refused.
import { basename } from 'node:path';
import { COURSE, type Lesson, lessonCommand } from './course.js';

/** What a lesson's command line asked for: the fast form, and the values of its own flags (`--only spam`). */
export interface LessonArgs {
  fast: boolean;
  values: Record<string, string>;
}

/** Reads a lesson's arguments; 'help' for --help, and a one-line Error for a flag or value it does not take. */
export function parseLessonArgs(lesson: Lesson, args: string[]): LessonArgs | 'help' {
  const known = ['--fast', '--help', ...(lesson.flags ?? []).map((f) => f.name)];
  const parsed: LessonArgs = { fast: false, values: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--fast') {
      parsed.fast = true;
      continue;
    }
    const flag = lesson.flags?.find((f) => f.name === arg);
    if (!flag) {
      const near = closest(arg, known);
      throw new Error(`${lessonCommand(lesson)} takes no ${arg.startsWith('-') ? 'flag' : 'argument'} '${arg}'${near ? ` (did you mean ${near}?)` : ''}; --help lists its flags`);
    }
    const value = args[++i];
    if (value === undefined || !flag.choices.includes(value)) {
      throw new Error(`${flag.name} takes ${flag.choices.join(' or ')}, got ${value === undefined ? 'nothing' : `'${value}'`}`);
    }
    parsed.values[flag.name.slice(2)] = value;
  }
  return parsed;
}

/** --help: what the lesson shows, its flags, and how long it takes in full and with --fast. */
export function helpText(lesson: Lesson): string {
  const flags = [...(lesson.flags ?? []).map((f) => [`${f.name} ${f.choices.join('|')}`, f.help]),
    ['--fast', lesson.fastGivesUp ? `a smaller run in ${lesson.fastRun}: ${lesson.fastGivesUp}` : `accepted; changes nothing (the lesson takes ${lesson.fastRun})`],
    ['--help', 'this text']];
  const width = Math.max(...flags.map(([name]) => name.length));
  return [`Lesson ${lesson.script.slice(0, 2)}: ${lesson.shows}.`, '',
    `usage: ${lessonCommand(lesson)} ${flags.map(([name]) => `[${name}]`).join(' ')}`,
    ...flags.map(([name, help]) => `  ${name.padEnd(width)}  ${help}`), '',
    `The full run takes ${lesson.fullRun}.`].join('\n');
}

/** The line a --fast run starts with: what it leaves out, and what the full run costs. */
export function fastNotice(lesson: Lesson): string {
  return lesson.fastGivesUp
    ? `--fast: ${lesson.fastGivesUp}; the full run takes ${lesson.fullRun}${lesson.fullResult ? ', and its result is printed at the end' : ''}`
    : `--fast changes nothing in this lesson; it takes ${lesson.fastRun}`;
}

/** The lines a lesson ends with: on --fast the full run's result where one is recorded, then the next lesson. */
export function closingLines(lesson: Lesson, fast: boolean): string[] {
  const next = COURSE[COURSE.indexOf(lesson) + 1];
  const result = fast && lesson.fullResult ? [`full run of ${lessonCommand(lesson)}, ${lesson.fullRun}: ${lesson.fullResult}`] : [];
  return [...result, next
    ? `next: lesson ${next.script.slice(0, 2)} (${lessonCommand(next)}): ${next.shows}`
    : 'next: none, this is the last lesson; `npx zerograd --help` lists the commands that train these models on your own data'];
}

/** The running lesson's arguments; --help, and a refused flag, end the process here, before any work. */
export function startLesson(argv = process.argv): LessonArgs & { done: () => void } {
  const script = basename(argv[1] ?? '').replace(/\.[jt]s$/, '');
  const lesson = COURSE.find((l) => l.script === script);
  if (!lesson) throw new Error(`${script} is not a lesson listed in examples/course.ts`);
  let parsed: LessonArgs | 'help';
  try {
    parsed = parseLessonArgs(lesson, argv.slice(2));
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    console.log(helpText(lesson));
    process.exit(0);
  }
  if (parsed.fast) console.log(fastNotice(lesson));
  const { fast } = parsed;
  return { ...parsed, done: () => closingLines(lesson, fast).forEach((line) => console.log(line)) };
}

/** The known flag a mistyped one most likely meant: at most two edits away (`--fsat` is one swap from `--fast`). */
function closest(arg: string, known: string[]): string | undefined {
  const distance = (a: string, b: string) => {
    // Optimal string alignment: insertions, deletions, substitutions and swaps of neighbours each cost one.
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  };
  const bare = (s: string) => s.replace(/^-+/, '');
  const ranked = known.map((k) => ({ k, d: distance(bare(arg), bare(k)) })).sort((x, y) => x.d - y.d);
  return ranked[0] && ranked[0].d <= 2 ? ranked[0].k : undefined;
}
