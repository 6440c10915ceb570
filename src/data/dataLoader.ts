// torch.utils.data in small: a Dataset is anything indexable with a length; a DataLoader walks it in batches,
// shuffled per epoch, and collates each batch. With a Generator on the 'torch' stream the order is PyTorch's
// DataLoader's for the same seed, random draws included: the iterator's base seed (two words), the sampler's
// permutation, and the extra permutation PyTorch's RandomSampler draws and discards at the end of every epoch.
import { randperm, tensor } from '../tensor/creation.js';
import { ZerogradError } from '../core/errors.js';
import { stack } from '../tensor/ops/join.js';
import { Generator, defaultGenerator } from '../core/random.js';
import { Tensor } from '../tensor/tensor.js';

/** Items by position, as torch.utils.data.Dataset: `length` and `get(i)`. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** Tensors sharing their first dim; item i is [t0[i], t1[i], ...] (torch.utils.data.TensorDataset). */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ZerogradError('TensorDataset', 'needs at least one tensor');
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) throw new ZerogradError('TensorDataset', `tensor ${i} has ${t.shape[0]} rows but tensor 0 has ${n}`);
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    return this.tensors.map((t) => t.slice(0, index, index + 1).squeeze(0));
  }
}

/** PyTorch's default_collate for the common cases: tensors stack, numbers become a tensor, arrays and objects recurse. */
export function defaultCollate(items: readonly unknown[]): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[]);
  if (typeof first === 'number') return Number.isInteger(first) && items.every((v) => Number.isInteger(v)) ? tensor(Int32Array.from(items as number[])) : tensor(items as number[]);
  if (Array.isArray(first)) return first.map((_, k) => defaultCollate(items.map((item) => (item as unknown[])[k])));
  if (first && typeof first === 'object') return Object.fromEntries(Object.keys(first).map((k) => [k, defaultCollate(items.map((item) => (item as Record<string, unknown>)[k]))]));
  return [...items];
}

/** What defaultCollate makes of a batch of T: tensors and numbers become one tensor, arrays and objects keep their shape. */
export type Collated<T> = T extends Tensor ? Tensor : T extends number ? Tensor : T extends readonly (infer U)[] ? Collated<U>[]
  : T extends object ? { [K in keyof T]: Collated<T[K]> } : T[];

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  shuffle?: boolean;
  /** The shuffling generator; without one, each epoch seeds a fresh one from the default generator, as PyTorch. */
  generator?: Generator;
  /** Drop the last batch when it is short. */
  dropLast?: boolean;
  collate?: (items: T[]) => B;
}

/** Batches of a Dataset, one epoch per iteration (for (const batch of loader) ...). */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly batchSize: number;

  constructor(readonly dataset: Dataset<T>, readonly options: DataLoaderOptions<T, B> = {}) {
    this.batchSize = options.batchSize ?? 1;
    if (!(Number.isInteger(this.batchSize) && this.batchSize >= 1)) throw new ZerogradError('DataLoader', `batchSize must be a positive integer, got ${this.batchSize}`);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.options.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const { shuffle = false, dropLast = false, collate = defaultCollate as (items: T[]) => B } = this.options;
    const n = this.dataset.length;
    const loaderGenerator = this.options.generator ?? defaultGenerator;
    // _BaseDataLoaderIter's base seed: unused here (no worker processes), but drawn, so the stream stays PyTorch's.
    loaderGenerator.nextUint32();
    loaderGenerator.nextUint32();
    const batch: number[] = [];
    for (const i of this.indices(n, shuffle)) {
      batch.push(i);
      if (batch.length === this.batchSize) yield collate(batch.splice(0).map((j) => this.dataset.get(j)));
    }
    if (batch.length && !dropLast) yield collate(batch.map((j) => this.dataset.get(j)));
  }

  /** RandomSampler's order, or SequentialSampler's. */
  private *indices(n: number, shuffle: boolean): IterableIterator<number> {
    if (!shuffle) {
      for (let i = 0; i < n; i++) yield i;
      return;
    }
    let generator = this.options.generator;
    if (!generator) {
      // A 63-bit seed from the default generator (random_() on an int64: two words, the second low) for this
      // epoch's own generator, which mt19937 seeds from the low 32 bits.
      defaultGenerator.nextUint32();
      generator = new Generator(defaultGenerator.nextUint32(), { stream: defaultGenerator.stream });
    }
    yield* randperm(n, { generator }).toFlatArray();
    randperm(n, { generator });
  }
}
