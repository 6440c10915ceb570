// Labelled grey images as the vision lessons read them: the UCI handwritten digits (8x8, CSV) that ship in
// data/, and MNIST-format IDX files (MNIST, Fashion-MNIST) as they are distributed, gzipped or not.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { type ImageSet, parseDigitsCsv } from './digitsCsv.js';

export type { ImageSet };

/** A file's bytes, gunzipped when it starts with gzip's magic number; errors name the file. */
function readMaybeGzip(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${path}: not a valid gzip file (${(error as Error).message})`);
  }
}

/**
 * The UCI "optical recognition of handwritten digits" CSV (see parseDigitsCsv), gzipped or not.
 */
export function readDigitsCsv(path: string): ImageSet {
  return parseDigitsCsv(new TextDecoder().decode(readMaybeGzip(path)), path);
}

/** IDX's magic number: two zero bytes, the element type (0x08: unsigned byte), the number of dims. */
function readIdx(path: string, expectedDims: number): { dims: number[]; data: Uint8Array } {
  const bytes = readMaybeGzip(path);
  if (bytes.length < 4) throw new Error(`${path}: ${bytes.length} bytes is too short for an IDX file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const expected = 0x0800 + expectedDims;
  if (magic !== expected) {
    throw new Error(`${path}: magic number 0x${magic.toString(16).padStart(8, '0')} is not that of an IDX file of unsigned bytes with ${expectedDims} dims (0x${expected.toString(16).padStart(8, '0')})`);
  }
  const headerBytes = 4 + 4 * expectedDims;
  if (bytes.length < headerBytes) throw new Error(`${path}: truncated in its header (${bytes.length} bytes)`);
  const dims = Array.from({ length: expectedDims }, (_, i) => view.getUint32(4 + 4 * i));
  if (dims.some((d) => d === 0)) throw new Error(`${path}: a dimension is zero (${dims.join(' x ')})`);
  const size = dims.reduce((p, d) => p * d, 1);
  if (bytes.length - headerBytes !== size) {
    throw new Error(`${path}: its header declares ${dims.join(' x ')} = ${size} bytes of data, but ${bytes.length - headerBytes} follow${bytes.length - headerBytes < size ? ' (truncated)' : ''}`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** An MNIST-format pair: `*-images-idx3-ubyte[.gz]` (pixels 0..255, divided by 255) and `*-labels-idx1-ubyte[.gz]`. */
export function readIdxImages(imagesPath: string, labelsPath: string): ImageSet {
  const { dims: [count, height, width], data } = readIdx(imagesPath, 3);
  const { dims: [labelCount], data: labelBytes } = readIdx(labelsPath, 1);
  if (labelCount !== count) throw new Error(`${labelsPath}: ${labelCount} labels for the ${count} images of ${imagesPath}`);
  const images = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) images[i] = data[i] / 255;
  return { images, labels: Int32Array.from(labelBytes), count, height, width, source: imagesPath };
}

/** MNIST's file names: `train` or `t10k` images and labels, gzipped or not. */
function findIdx(dir: string, split: 'train' | 't10k', kind: 'images-idx3' | 'labels-idx1'): string {
  const names = [`${split}-${kind}-ubyte`, `${split}-${kind}-ubyte.gz`, `${split}-${kind.replace('-', '.')}-ubyte`];
  const found = names.map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!found) throw new Error(`${dir}: no ${names[0]}[.gz]; expected MNIST-format files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-...)`);
  return found;
}

/** A folder of MNIST-format files as distributed (MNIST, Fashion-MNIST): its training and test sets. */
export function readIdxDir(dir: string): { train: ImageSet; test: ImageSet } {
  return {
    train: readIdxImages(findIdx(dir, 'train', 'images-idx3'), findIdx(dir, 'train', 'labels-idx1')),
    test: readIdxImages(findIdx(dir, 't10k', 'images-idx3'), findIdx(dir, 't10k', 'labels-idx1')),
  };
}
