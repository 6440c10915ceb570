const escape = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Grey images side by side in one SVG, each with a caption: pixel values in [0, 1] drawn white (0) to black (1),
 * as digits are drawn on paper. For K-means centroids, CNN filters and input digits.
 */
export function imageGrid(images: readonly ArrayLike<number>[], height: number, width: number,
  { captions = [] as readonly string[], cell = 6, columns = 10, title = '' } = {}): string {
  const tileW = width * cell + 8;
  const tileH = height * cell + 18;
  const rows = Math.ceil(images.length / columns);
  const parts = images.map((pixels, k) => {
    const x0 = (k % columns) * tileW;
    const y0 = 16 + Math.floor(k / columns) * tileH;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < height * width; i++) { lo = Math.min(lo, pixels[i]); hi = Math.max(hi, pixels[i]); }
    const scale = hi > lo ? 1 / (hi - lo) : 0;
    const cells: string[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const shade = Math.round(255 * (1 - (pixels[y * width + x] - lo) * scale));
        cells.push(`<rect x="${x0 + x * cell}" y="${y0 + y * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},${shade})"/>`);
      }
    }
    return [...cells, `<text x="${x0}" y="${y0 + height * cell + 12}">${escape(captions[k] ?? String(k))}</text>`].join('');
  });
  return [`<svg xmlns="http://www.w3.org/2000/svg" width="${Math.min(images.length, columns) * tileW}" height="${16 + rows * tileH}" font-family="monospace" font-size="10">`,
    `<text x="0" y="11">${escape(title)}</text>`, ...parts, '</svg>'].join('\n');
}
