/**
 * Rows of a (n, d) matrix projected on their two principal components (PCA by power iteration), so
 * an embedding of any width can be drawn as the lecture's 2-D plot. For d = 2 the result is the
 * input centred and rotated to its axes of largest spread.
 */
export function project2d(data: ArrayLike<number>, n: number, d: number): [number, number][] {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const centred = Float64Array.from({ length: n * d }, (_, idx) => data[idx] - mean[idx % d]);
  const covariance = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) covariance[a * d + b] += centred[i * d + a] * centred[i * d + b];
  }
  const components: Float64Array[] = [];
  for (let c = 0; c < Math.min(2, d); c++) {
    // A fixed, non-symmetric start so the result is deterministic and not orthogonal to the answer by accident.
    let v = Float64Array.from({ length: d }, (_, j) => 1 + j / d);
    for (let iter = 0; iter < 200; iter++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) next[a] += covariance[a * d + b] * v[b];
      const before = Math.hypot(...next);
      for (const prev of components) {
        const dot = next.reduce((s, x, j) => s + x * prev[j], 0);
        for (let j = 0; j < d; j++) next[j] -= dot * prev[j];
      }
      const norm = Math.hypot(...next);
      // Nothing left beyond the earlier components (rank-deficient data): what remains is rounding noise.
      if (norm <= 1e-9 * before || norm === 0) {
        v = new Float64Array(d);
        break;
      }
      v = next.map((x) => x / norm);
    }
    components.push(v);
  }
  return Array.from({ length: n }, (_, i) => {
    const row = centred.subarray(i * d, (i + 1) * d);
    const coordinate = (c: number) => (components[c] ? row.reduce((s, x, j) => s + x * components[c][j], 0) : 0);
    return [coordinate(0), coordinate(1)];
  });
}
