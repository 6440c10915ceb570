
export interface LabelledText {
  text: string;
  label: string;
}

export interface TaggedSentence {
  tokens: string[];
  tags: string[];
}

/**
 * `text,label` rows of a .csv, .tsv or .jsonl file's content (the format chosen by the name's extension),
 * with errors naming the file and line. Reading is apart (labelledFiles.ts) so a browser can parse too.
 */
export function parseLabelled(content: string, path: string): LabelledText[] {
  const ext = /\.[^./\\]*$/.exec(path)?.[0].toLowerCase() ?? '';
  const rows = ext === '.jsonl' ? parseJsonl(content, path)
    : ext === '.csv' || ext === '.tsv' ? parseDelimited(content, path, ext === '.csv' ? ',' : '\t')
      : fail(path, 0, `unsupported extension '${ext}': use .csv, .tsv or .jsonl`);
  if (rows.length === 0) fail(path, 0, 'no rows');
  return rows;
}

function fail(path: string, line: number, message: string): never {
  throw new Error(line > 0 ? `${path}:${line}: ${message}` : `${path}: ${message}`);
}

function parseJsonl(content: string, path: string): LabelledText[] {
  const rows: LabelledText[] = [];
  content.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      fail(path, i + 1, `invalid JSON (${(error as Error).message})`);
    }
    const { text, label } = (value ?? {}) as { text?: unknown; label?: unknown };
    if (typeof text !== 'string') fail(path, i + 1, 'expected an object with a string "text"');
    if (typeof label !== 'string' && typeof label !== 'number') fail(path, i + 1, 'expected a string or number "label"');
    rows.push({ text, label: String(label) });
  });
  return rows;
}

/** Splits delimited text into records, honouring RFC 4180 quotes (for CSV), each with its starting line. */
function records(content: string, path: string, delimiter: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < content.length; i++) {
    const c = content[i];
    if (quoted) {
      if (c === '"' && content[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && delimiter === ',' && field === '') {
      quoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && content[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '') out.push({ fields, line: recordLine });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) fail(path, recordLine, 'unterminated quoted field');
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '') out.push({ fields, line: recordLine });
  return out;
}

function parseDelimited(content: string, path: string, delimiter: string): LabelledText[] {
  const [header, ...body] = records(content, path, delimiter);
  if (!header) return [];
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const textAt = names.indexOf('text');
  const labelAt = names.indexOf('label');
  if (textAt < 0 || labelAt < 0) fail(path, header.line, `the header must name "text" and "label" columns, got ${JSON.stringify(header.fields)}`);
  return body.map(({ fields, line }) => {
    if (fields.length !== header.fields.length) fail(path, line, `expected ${header.fields.length} fields, got ${fields.length}`);
    return { text: fields[textAt], label: fields[labelAt].trim() };
  });
}

/**
 * CoNLL-style tagging data: one `token tag` pair per line (extra middle columns ignored, tag last),
 * sentences separated by blank lines, `-DOCSTART-` lines skipped.
 */
export function parseConll(content: string, path: string): TaggedSentence[] {
  const sentences: TaggedSentence[] = [];
  let current: TaggedSentence = { tokens: [], tags: [] };
  const flush = () => {
    if (current.tokens.length) sentences.push(current);
    current = { tokens: [], tags: [] };
  };
  content.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return flush();
    if (line.startsWith('-DOCSTART-')) return undefined;
    const columns = line.split(/\s+/);
    if (columns.length < 2) fail(path, i + 1, `expected "token tag", got ${JSON.stringify(line)}`);
    current.tokens.push(columns[0]);
    current.tags.push(columns[columns.length - 1]);
    return undefined;
  });
  flush();
  if (sentences.length === 0) fail(path, 0, 'no sentences');
  return sentences;
}

/** The CoNLL text readConll reads back: `token tag` lines, a blank line after each sentence. */
export function formatConll(sentences: readonly TaggedSentence[]): string {
  return sentences.map((s) => s.tokens.map((token, i) => `${token} ${s.tags[i]}\n`).join('')).join('\n');
}
