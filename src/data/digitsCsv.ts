// The digits CSV parser on its own, without file access, so the playground's worker can use it too.

/** N images of height x width pixels scaled to [0, 1], row by row, and their class labels. */
export interface ImageSet {
  images: Float32Array;
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  /** Where they came from, for messages. */
  source: string;
}

/** The 8x8 digits' pixels run 0..16 (counts of set pixels in 4x4 blocks). */
const DIGIT_LEVELS = 16;

/**
 * The UCI "optical recognition of handwritten digits" CSV: 65 integers a line, 64 pixels (0..16) row by row
 * and the label (0..9). Pixels are divided by 16. A malformed line is an error naming file and line.
 */
export function parseDigitsCsv(text: string, path: string): ImageSet {
  const lines = text.split(/\r?\n/);
  const rows = lines.map((line, i) => [line, i + 1] as const).filter(([line]) => line.trim() !== '');
  if (rows.length === 0) throw new Error(`${path}: the file is empty; expected 65 comma-separated integers a line`);
  const images = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach(([line, lineNumber], r) => {
    const fields = line.split(',');
    if (fields.length !== 65) throw new Error(`${path}:${lineNumber}: expected 65 fields (64 pixels and a label), got ${fields.length}`);
    fields.forEach((field, k) => {
      const value = /^\s*\d+\s*$/.test(field) ? Number(field) : NaN;
      const max = k < 64 ? DIGIT_LEVELS : 9;
      if (!(value >= 0 && value <= max)) {
        throw new Error(`${path}:${lineNumber}: ${k < 64 ? `pixel ${k + 1}` : 'the label'} is '${field.trim()}', expected an integer from 0 to ${max}`);
      }
      if (k < 64) images[r * 64 + k] = value / DIGIT_LEVELS;
      else labels[r] = value;
    });
  });
  return { images, labels, count: rows.length, height: 8, width: 8, source: path };
}
