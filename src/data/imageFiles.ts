// Pictures a user hands to `vision predict`: PNG (decoded by pngjs) or PGM, up to 64 megapixels, colour or grey,
// turned into the grey, bright-on-dark, model-sized input the digit models were trained on.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

import type { GreyImage } from './modelInput.js';

export { type GreyImage, toModelInput } from './modelInput.js';

/**
 * The most pixels a picture may have (64 megapixels, 8000 x 8000). Decoding one costs about 16 bytes a pixel at the
 * peak (pngjs's inflated rows and RGBA bitmap, then our grey floats), so this keeps a picture near 1 GB, where a
 * small file whose header claims 30000 x 30000 would otherwise ask for 4 GB before a pixel is read.
 */
export const MAX_IMAGE_PIXELS = 64_000_000;

function checkPixelCount(path: string, header: string, width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new Error(`${path}: its ${header} gives ${width}x${height} = ${width * height} pixels, more than the limit of ${MAX_IMAGE_PIXELS} (64 megapixels)`);
  }
}

/** PNG or PGM (P2 text or P5 binary) by content, not by name; anything else is an error naming the file. */
export function readImageFile(path: string): GreyImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const image = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? readPng(bytes, path)
    : /^P[25]\s/.test(bytes.subarray(0, 3).toString('latin1')) ? readPgm(bytes, path)
      : null;
  if (!image) throw new Error(`${path}: not a PNG or PGM image`);
  if (image.width === 0 || image.height === 0) throw new Error(`${path}: the image is ${image.width}x${image.height}; it has no pixels`);
  return image;
}

function readPng(bytes: Buffer, path: string): GreyImage {
  // IHDR must come first (length 13, type, then width and height, big-endian), so the size is known before pngjs
  // allocates anything.
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${path}: not a valid PNG image (its first chunk is not IHDR)`);
  const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  checkPixelCount(path, 'PNG header (IHDR)', width, height);
  // pngjs stops inflating at the size the header implies, except for an interlaced (Adam7) image, whose data it
  // inflates whole: a few kilobytes could then unpack to gigabytes, so that case is bounded here first.
  if (bytes[28] === 1) checkInterlacedData(bytes, path, width, height);
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new Error(`${path}: not a valid PNG image (${(error as Error).message})`);
  }
  const pixels = new Float32Array(png.width * png.height);
  for (let i = 0; i < pixels.length; i++) {
    const [r, g, b, a] = png.data.subarray(4 * i, 4 * i + 4);
    // Luma (ITU-R BT.601), composited over white so a transparent background reads as paper.
    const grey = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    pixels[i] = grey * (a / 255) + (1 - a / 255);
  }
  return { width: png.width, height: png.height, pixels };
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function checkInterlacedData(bytes: Buffer, path: string, width: number, height: number): void {
  const bitsPerPixel = (PNG_CHANNELS[bytes[25]] ?? 4) * bytes[24];
  // Adam7's seven passes have at most 2 * height + 7 rows between them, each a filter byte and a part-filled byte more.
  const limit = Math.ceil((width * height * bitsPerPixel) / 8) + 4 * height + 64;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${path}: its pixel data (IDAT) inflates to more than the ${limit} bytes its header's ${width}x${height} interlaced pixels take`);
    }
    // Anything else wrong with the data is for pngjs to report.
  }
}

function readPgm(bytes: Buffer, path: string): GreyImage {
  const binary = bytes[1] === 0x35;
  // Header: magic, width, height, maxval, separated by whitespace, with # comments.
  const fields: string[] = [];
  let at = 2;
  while (fields.length < 3 && at < bytes.length) {
    while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at]))) at++;
    if (bytes[at] === 0x23) { while (at < bytes.length && bytes[at] !== 0x0a) at++; continue; }
    let end = at;
    while (end < bytes.length && !/\s/.test(String.fromCharCode(bytes[end]))) end++;
    fields.push(bytes.subarray(at, end).toString('latin1'));
    at = end;
  }
  if (fields.length < 3) throw new Error(`${path}: not a valid PGM header (width, height and maxval, got ${JSON.stringify(fields)})`);
  // Digits only: Number() would also take '-5', '1e5' or '0x10', none of which a PGM writer produces.
  fields.forEach((field, i) => {
    if (!/^\d{1,10}$/.test(field)) throw new Error(`${path}: PGM header: ${['width', 'height', 'maxval'][i]} is '${field.slice(0, 20)}', expected a whole number`);
  });
  const [width, height, maxval] = fields.map(Number);
  if (maxval < 1 || maxval > 65535) throw new Error(`${path}: PGM header: maxval is ${maxval}, expected 1 to 65535`);
  checkPixelCount(path, 'PGM header', width, height);
  const count = width * height;
  let pixels: Float32Array;
  if (binary) {
    at++;
    const size = maxval > 255 ? 2 : 1;
    if (bytes.length - at < count * size) throw new Error(`${path}: PGM data is truncated (${bytes.length - at} bytes for ${width}x${height} pixels)`);
    pixels = new Float32Array(count);
    for (let i = 0; i < count; i++) pixels[i] = (size === 2 ? bytes.readUInt16BE(at + 2 * i) : bytes[at + i]) / maxval;
  } else {
    const values = bytes.subarray(at).toString('latin1').replace(/#[^\n]*/g, '').trim().split(/\s+/).filter(Boolean).map(Number);
    if (values.length < count) throw new Error(`${path}: PGM data is truncated (${values.length} values for ${width}x${height} pixels)`);
    pixels = new Float32Array(count);
    for (let i = 0; i < count; i++) pixels[i] = values[i] / maxval;
  }
  return { width, height, pixels };
}
