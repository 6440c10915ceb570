export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface LineChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Horizontal reference lines, e.g. the -3 guide on update:data ratio plots. */
  guides?: readonly number[];
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained SVG line chart with axes, ticks and a legend: no plotting library needed. */
export function lineChart(series: readonly Series[], options: LineChartOptions = {}): string {
  const { title = '', xLabel = '', yLabel = '', guides = [], width = 720, height = 400 } = options;
  const margin = { left: 64, right: 150, top: 36, bottom: 48 };
  const finite = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xs = finite.map(([x]) => x);
  const ys = [...finite.map(([, y]) => y), ...guides];
  const [x0, x1] = padRange(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = padRange(Math.min(...ys), Math.max(...ys));
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * plotW;
  const sy = (y: number) => margin.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (const t of ticks(x0, x1)) parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#eee"/>`, `<text x="${sx(t)}" y="${margin.top + plotH + 16}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ticks(y0, y1)) parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`, `<text x="${margin.left - 6}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  for (const g of guides) parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${sy(g)}" y2="${sy(g)}" stroke="black" stroke-dasharray="6 4"/>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const path = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    const ly = margin.top + 12 + i * 18;
    parts.push(`<line x1="${width - margin.right + 12}" x2="${width - margin.right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`, `<text x="${width - margin.right + 38}" y="${ly + 4}">${escapeXml(s.name)}</text>`);
  });
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

function padRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

/** About five round-numbered ticks between lo and hi. */
function ticks(lo: number, hi: number): number[] {
  const rough = (hi - lo) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 ? `${(v / 1e3).toFixed(0)}k` : String(Number(v.toPrecision(4))));

/** Mean of each consecutive window of `size` values: the lectures' loss curve averaged per 1000 steps. */
export function windowMeans(values: readonly number[], size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let at = 0; at + size <= values.length; at += size) {
    const window = values.slice(at, at + size);
    out.push([at + size, window.reduce((a, b) => a + b, 0) / size]);
  }
  if (out.length === 0 && values.length) out.push([values.length, values.reduce((a, b) => a + b, 0) / values.length]);
  return out;
}
