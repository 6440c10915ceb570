import { ZerogradError, fmtShape } from '../../core/errors.js';
import { tensor } from '../../tensor/creation.js';
import { Generator } from '../../core/random.js';
import type { Tensor } from '../../tensor/tensor.js';

export interface KMeansOptions {
  /** Lloyd iterations at most per restart; a restart also stops when no assignment changes. */
  maxIter?: number;
  /** Restarts from different k-means++ seeds; the one with the lowest inertia is kept. */
  nInit?: number;
  generator?: Generator;
}

/**
 * K-means clustering of the rows of an (N, D) tensor: k-means++ seeding (each new centre drawn with probability
 * proportional to its squared distance from the nearest chosen one), then Lloyd's iterations (assign each point
 * to its nearest centre, move each centre to the mean of its points) until the assignments stop changing.
 */
export class KMeans {
  /** (k, D) cluster centres after fit(). */
  centroids: Tensor | null = null;
  /** Sum of squared distances of the points to their centres. */
  inertia = Infinity;
  /** Lloyd iterations the kept restart ran. */
  iterations = 0;

  constructor(readonly k: number, readonly options: KMeansOptions = {}) {
    if (!Number.isInteger(k) || k < 1) throw new ZerogradError('KMeans', `k must be a positive integer, got ${k}`);
  }

  /** Clusters the rows of x (N, D); returns each row's cluster (N,). */
  fit(x: Tensor): Tensor {
    const { n, d, data } = rows('KMeans.fit', x);
    if (n < this.k) throw new ZerogradError('KMeans.fit', `${n} points cannot make ${this.k} clusters`);
    const { maxIter = 300, nInit = 10, generator = new Generator(0) } = this.options;
    let best: { centres: Float64Array; assignment: Int32Array; inertia: number; iterations: number } | null = null;
    for (let restart = 0; restart < nInit; restart++) {
      const centres = seedPlusPlus(data, n, d, this.k, generator);
      let assignment: Int32Array = new Int32Array(n).fill(-1);
      let iterations = 0;
      for (; iterations < maxIter; iterations++) {
        const next = assign(data, n, d, centres, this.k).assignment;
        const changed = next.some((c, i) => c !== assignment[i]);
        assignment = next;
        if (!changed) break;
        moveCentres(data, n, d, centres, this.k, assignment);
      }
      const { inertia } = assign(data, n, d, centres, this.k);
      if (!best || inertia < best.inertia) best = { centres, assignment, inertia, iterations };
    }
    this.centroids = tensor(Float32Array.from(best!.centres), { shape: [this.k, d] });
    this.inertia = best!.inertia;
    this.iterations = best!.iterations;
    return tensor(best!.assignment, { shape: [n] });
  }

  /** The nearest centre of each row of x (N, D). */
  predict(x: Tensor): Tensor {
    if (!this.centroids) throw new ZerogradError('KMeans.predict', 'call fit() first');
    const { n, d, data } = rows('KMeans.predict', x);
    if (d !== this.centroids.shape[1]) throw new ZerogradError('KMeans.predict', `points have ${d} features, the centres ${this.centroids.shape[1]}`);
    return tensor(assign(data, n, d, Float64Array.from(this.centroids.toFlatArray()), this.k).assignment, { shape: [n] });
  }
}

function rows(op: string, x: Tensor): { n: number; d: number; data: Float64Array } {
  if (x.ndim !== 2) throw new ZerogradError(op, `expected an (N, D) tensor, got shape ${fmtShape(x.shape)}`);
  return { n: x.shape[0], d: x.shape[1], data: Float64Array.from(x.toFlatArray()) };
}

const squaredDistance = (a: Float64Array, i: number, b: Float64Array, j: number, d: number): number => {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = a[i * d + t] - b[j * d + t];
    s += diff * diff;
  }
  return s;
};

function seedPlusPlus(data: Float64Array, n: number, d: number, k: number, generator: Generator): Float64Array {
  const centres = new Float64Array(k * d);
  const first = generator.randint(0, n);
  centres.set(data.subarray(first * d, first * d + d), 0);
  const nearest = Float64Array.from({ length: n }, (_, i) => squaredDistance(data, i, centres, 0, d));
  for (let c = 1; c < k; c++) {
    const total = nearest.reduce((s, v) => s + v, 0);
    let target = generator.random() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) { pick = i; break; }
    }
    centres.set(data.subarray(pick * d, pick * d + d), c * d);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], squaredDistance(data, i, centres, c, d));
  }
  return centres;
}

function assign(data: Float64Array, n: number, d: number, centres: Float64Array, k: number): { assignment: Int32Array; inertia: number } {
  const assignment = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(data, i, centres, c, d);
      if (dist < best) { best = dist; assignment[i] = c; }
    }
    inertia += best;
  }
  return { assignment, inertia };
}

/** Each centre to the mean of its points; a centre that lost all its points stays where it was. */
function moveCentres(data: Float64Array, n: number, d: number, centres: Float64Array, k: number, assignment: Int32Array): void {
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = assignment[i];
    counts[c]++;
    for (let t = 0; t < d; t++) sums[c * d + t] += data[i * d + t];
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    for (let t = 0; t < d; t++) centres[c * d + t] = sums[c * d + t] / counts[c];
  }
}

/** How pure the clusters are: the fraction of points whose label is their cluster's most common label. */
export function clusterPurity(assignment: ArrayLike<number>, labels: ArrayLike<number>): number {
  const counts = new Map<number, Map<number, number>>();
  for (let i = 0; i < assignment.length; i++) {
    const byLabel = counts.get(assignment[i]) ?? new Map<number, number>();
    byLabel.set(labels[i], (byLabel.get(labels[i]) ?? 0) + 1);
    counts.set(assignment[i], byLabel);
  }
  let majority = 0;
  for (const byLabel of counts.values()) majority += Math.max(...byLabel.values());
  return assignment.length ? majority / assignment.length : 0;
}
