/**
 * An SVG heatmap of one attention head: row t (a query position) shows how much it attends to each key
 * position, darker for more; tokens label both axes.
 */
export function attentionHeatmap(tokens: readonly string[], weights: readonly (readonly number[])[], { title = '', cell = 22 } = {}): string {
  const margin = 28;
  const size = margin + tokens.length * cell;
  const escape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const cells = weights.flatMap((row, q) => row.map((w, k) => {
    const shade = Math.round(255 * (1 - Math.min(1, Math.max(0, w))));
    return `<rect x="${margin + k * cell}" y="${margin + q * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)"><title>${escape(tokens[q])} → ${escape(tokens[k])}: ${w.toFixed(3)}</title></rect>`;
  }));
  const labels = tokens.flatMap((t, i) => [
    `<text x="${margin + i * cell + cell / 2}" y="${margin - 6}" text-anchor="middle">${escape(t)}</text>`,
    `<text x="${margin - 6}" y="${margin + i * cell + cell / 2 + 4}" text-anchor="end">${escape(t)}</text>`,
  ]);
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${size + 4}" height="${size + 18}" font-family="monospace" font-size="11">`,
    `<text x="${margin}" y="${size + 14}">${escape(title)}</text>`, ...cells, ...labels, '</svg>'].join('\n');
}
