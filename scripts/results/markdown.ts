/** The tables `npm run results` writes: rendering rows as markdown, and replacing what lies between a table's markers. */

/** A markdown table, one line per row, cells as given (a `|` inside a cell is escaped). */
export function renderTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

export const beginMarker = (name: string) => `<!-- results:begin ${name} (written by npm run results) -->`;
export const endMarker = (name: string) => `<!-- results:end ${name} -->`;

/** The names of the tables marked in a markdown text, in order. */
export function markedTables(text: string): string[] {
  return [...text.matchAll(/^<!-- results:begin (\S+) /gm)].map((m) => m[1]);
}

/** The text with the lines between a table's markers replaced by the body; an error naming the file when a marker is missing. */
export function replaceBlock(text: string, file: string, name: string, body: string): string {
  const begin = text.indexOf(beginMarker(name));
  if (begin < 0) throw new Error(`${file}: no '${beginMarker(name)}' line`);
  const from = begin + beginMarker(name).length;
  const end = text.indexOf(endMarker(name), from);
  if (end < 0) throw new Error(`${file}:${text.slice(0, begin).split('\n').length}: table ${name} has no '${endMarker(name)}' line after it`);
  return `${text.slice(0, from)}\n${body}\n${text.slice(end)}`;
}
