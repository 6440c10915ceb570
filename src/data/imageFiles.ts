// Pictures a user hands to `vision predict`: PNG (decoded by pngjs) or PGM, any size, colour or grey, turned into
// the grey, bright-on-dark, model-sized input the digit models were trained on.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

import type { GreyImage } from './modelInput.js';

export { type GreyImage, toModelInput } from './modelInput.js';

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
  const [width, height, maxval] = fields.map(Number);
  if (fields.length < 3 || ![width, height, maxval].every(Number.isInteger) || maxval < 1 || maxval > 65535) {
    throw new Error(`${path}: not a valid PGM header (width, height and maxval, got ${JSON.stringify(fields)})`);
  }
  const count = width * height;
  const pixels = new Float32Array(count);
  if (binary) {
    at++;
    const size = maxval > 255 ? 2 : 1;
    if (bytes.length - at < count * size) throw new Error(`${path}: PGM data is truncated (${bytes.length - at} bytes for ${width}x${height} pixels)`);
    for (let i = 0; i < count; i++) pixels[i] = (size === 2 ? bytes.readUInt16BE(at + 2 * i) : bytes[at + i]) / maxval;
  } else {
    const values = bytes.subarray(at).toString('latin1').replace(/#[^\n]*/g, '').trim().split(/\s+/).filter(Boolean).map(Number);
    if (values.length < count) throw new Error(`${path}: PGM data is truncated (${values.length} values for ${width}x${height} pixels)`);
    for (let i = 0; i < count; i++) pixels[i] = values[i] / maxval;
  }
  return { width, height, pixels };
}
