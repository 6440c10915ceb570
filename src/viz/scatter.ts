export interface LabelledPoint {
  label: string;
  x: number;
  y: number;
}

/** An SVG scatter plot with a text label at each point (the lecture's 2-D character embedding plot). */
export function labelledScatter(points: readonly LabelledPoint[], { title = '', size = 480 } = {}): string {
  const pad = 40;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const span = (v: number[]) => [Math.min(...v), Math.max(...v) + 1e-9] as const;
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0)) * (size - 2 * pad);
  const sy = (y: number) => size - pad - ((y - y0) / (y1 - y0)) * (size - 2 * pad);
  const escape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const marks = points.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="11" fill="#6baed6"/>`
    + `<text x="${sx(p.x).toFixed(1)}" y="${(sy(p.y) + 4).toFixed(1)}" text-anchor="middle" fill="white">${escape(p.label)}</text>`);
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${size / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`, ...marks, '</svg>'].join('\n');
}
