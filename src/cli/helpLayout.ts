/** Help text laid out at the terminal's width: each term with its description beside it, wrapped under itself. */

/** The width help is wrapped at: the terminal's, or 100 columns when stdout is a pipe or a file. */
export const terminalWidth = (): number => (process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 100);

/** A description is never squeezed narrower than this; below it, the layout lets lines run past the width. */
const MIN_TEXT_WIDTH = 24;

/** The words of `text` in lines of at most `width` columns; a longer word (a path, a list of choices) keeps a line to itself. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/**
 * One entry of a help list, indented by two: `term` padded to `column`, its description beside it wrapped with a
 * hanging indent to the same column. A term longer than `column` has the line to itself, its description below.
 */
export function helpItem(term: string, description: string, column: number, width: number): string {
  const indent = 2 + column + 2;
  if (!description) return `  ${term}`;
  const text = wrapText(description, Math.max(MIN_TEXT_WIDTH, width - indent));
  const first = term.length <= column ? [`  ${term.padEnd(column)}  ${text.shift()}`] : [`  ${term}`];
  return [...first, ...text.map((line) => `${' '.repeat(indent)}${line}`)].join('\n');
}

/** The term column for terms up to `longest` wide: no more than a third of the width, so descriptions keep the rest. */
export const termColumn = (longest: number, width: number): number => Math.min(longest, Math.floor(width / 3));
