const escape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * An SVG heatmap: cell (r, c) is darker the closer values[r][c] is to `max`; labels name the rows (left) and
 * the columns (top), and hovering a cell shows its value.
 */
export function heatmap(rows: readonly string[], columns: readonly string[], values: readonly (readonly number[])[],
  { title = '', cell = 22, max = 1, digits = 3, margin = 28 } = {}): string {
  const width = margin + columns.length * cell;
  const height = margin + rows.length * cell;
  const cells = values.flatMap((row, r) => row.map((v, c) => {
    const shade = Math.round(255 * (1 - Math.min(1, Math.max(0, max > 0 ? v / max : 0))));
    return `<rect x="${margin + c * cell}" y="${margin + r * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)"><title>${escape(rows[r])} → ${escape(columns[c])}: ${v.toFixed(digits)}</title></rect>`;
  }));
  const labels = [
    ...columns.map((t, i) => `<text x="${margin + i * cell + cell / 2}" y="${margin - 6}" text-anchor="middle">${escape(t)}</text>`),
    ...rows.map((t, i) => `<text x="${margin - 6}" y="${margin + i * cell + cell / 2 + 4}" text-anchor="end">${escape(t)}</text>`),
  ];
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${width + 4}" height="${height + 18}" font-family="monospace" font-size="11">`,
    `<text x="${margin}" y="${height + 14}">${escape(title)}</text>`, ...cells, ...labels, '</svg>'].join('\n');
}

/**
 * An SVG heatmap of one attention head: row t (a query position) shows how much it attends to each key
 * position, darker for more; tokens label both axes.
 */
export const attentionHeatmap = (tokens: readonly string[], weights: readonly (readonly number[])[], { title = '', cell = 22 } = {}): string =>
  heatmap(tokens, tokens, weights, { title, cell });
