// Labelled grey images as the vision lessons read them: the UCI handwritten digits (8x8, CSV) that ship in
// data/, and MNIST-format IDX files (MNIST, Fashion-MNIST) as they are distributed, gzipped or not.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

import { type ImageSet, parseDigitsCsv } from './digitsCsv.js';

export type { ImageSet };

/** A file's bytes, gunzipped when it starts with gzip's magic number; errors name the file. */
/** A gzipped digits CSV inflates to at most this (the UCI set is 0.5 MB): a small gzip bomb stops here. */
const MAX_CSV_BYTES = 256 * 1024 * 1024;

function readMaybeGzip(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_CSV_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${path}: inflates to more than ${MAX_CSV_BYTES} bytes, beyond any digits CSV this reads`);
    }
    throw new Error(`${path}: not a valid gzip file (${(error as Error).message})`);
  }
}

/**
 * The UCI "optical recognition of handwritten digits" CSV (see parseDigitsCsv), gzipped or not.
 */
export function readDigitsCsv(path: string): ImageSet {
  return parseDigitsCsv(new TextDecoder().decode(readMaybeGzip(path)), path);
}

/**
 * The most data an IDX file may declare: 1 GiB of bytes, which become 4 GiB of float32 pixels, what the WebAssembly
 * kernels address (EMNIST's largest set, 698k images of 28x28, is half of it).
 */
export const MAX_IDX_BYTES = 2 ** 30;

/** How much of a gzipped IDX file's compressed data is inflated to read its header: at most about 1 MB comes out. */
const IDX_HEADER_PREFIX = 1024;

/**
 * An IDX file, gzipped or not, read only after its header's dimensions are checked: a plain file's size must match
 * them, and a gzipped one is inflated to exactly what they declare, so a lying header costs nothing.
 */
function readIdx(path: string, expectedDims: number): { dims: number[]; data: Uint8Array } {
  const headerBytes = 4 + 4 * expectedDims;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const fileSize = fstatSync(fd).size;
    const magic = readAt(fd, path, 0, Math.min(fileSize, 2));
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      const compressed = readAt(fd, path, 0, fileSize);
      const { dims, size } = idxHeader(gunzipPrefix(compressed, path), path, expectedDims);
      let bytes: Uint8Array;
      try {
        bytes = gunzipSync(compressed, { maxOutputLength: headerBytes + size });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new Error(`${path}: its header declares ${dims.join(' x ')} = ${size} bytes of data, but more follow once gunzipped`);
        }
        throw new Error(`${path}: not a valid gzip file (${(error as Error).message})`);
      }
      checkDataLength(path, dims, size, bytes.length - headerBytes);
      return { dims, data: bytes.subarray(headerBytes) };
    }
    const { dims, size } = idxHeader(readAt(fd, path, 0, Math.min(fileSize, headerBytes)), path, expectedDims);
    checkDataLength(path, dims, size, fileSize - headerBytes);
    return { dims, data: readAt(fd, path, headerBytes, size) };
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, path: string, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  try {
    while (done < length) {
      const n = readSync(fd, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return out.subarray(0, done);
}

/** The first bytes a gzip file inflates to, from its first KiB of compressed data (past gzip's own header). */
function gunzipPrefix(compressed: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(compressed.subarray(0, gzipHeaderLength(compressed) + IDX_HEADER_PREFIX), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (error) {
    throw new Error(`${path}: not a valid gzip file (${(error as Error).message})`);
  }
}

/** The length of a gzip member's header (RFC 1952), whose optional name and comment may be of any length. */
function gzipHeaderLength(b: Uint8Array): number {
  const flags = b[3] ?? 0;
  let at = 10;
  if (flags & 4) at += 2 + ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8));
  for (const flag of [8, 16]) {
    if (!(flags & flag)) continue;
    while (at < b.length && b[at] !== 0) at++;
    at++;
  }
  if (flags & 2) at += 2;
  return Math.min(at, b.length);
}

/** IDX's magic number: two zero bytes, the element type (0x08: unsigned byte), the number of dims; then the dims. */
function idxHeader(bytes: Uint8Array, path: string, expectedDims: number): { dims: number[]; size: number } {
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
  if (size > MAX_IDX_BYTES) {
    throw new Error(`${path}: its header declares ${dims.join(' x ')} = ${size} bytes of data, more than the limit of ${MAX_IDX_BYTES} (1 GiB)`);
  }
  return { dims, size };
}

function checkDataLength(path: string, dims: number[], size: number, length: number): void {
  if (length !== size) {
    throw new Error(`${path}: its header declares ${dims.join(' x ')} = ${size} bytes of data, but ${length} follow${length < size ? ' (truncated)' : ''}`);
  }
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
