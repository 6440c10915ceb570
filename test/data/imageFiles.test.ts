// Pictures whose headers claim more pixels than the limit are refused from the header, before anything is decoded.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { commandHelp } from '../../src/cli/args.js';
import { VISION_PREDICT } from '../../src/cli/vision.js';
import { MAX_IMAGE_PIXELS, readImageFile } from '../../src/data/imageFiles.js';

const dir = mkdtempSync(join(tmpdir(), 'zerograd-image-files-'));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** A well-formed 8-bit grey PNG (checksums right) of the size given, over the pixel data given (by default, too little). */
function greyPng(width: number, height: number, { interlaced = false, data = Buffer.alloc(1001) } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, interlaced ? 1 : 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(data)), chunk('IEND', Buffer.alloc(0))]);
}

function refused(name: string, content: Buffer | string, message: RegExp): void {
  const path = join(dir, name);
  writeFileSync(path, content);
  const started = performance.now();
  assert.throws(() => readImageFile(path), (error: Error) => {
    assert.match(error.message, message);
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
  assert.ok(performance.now() - started < 500, `${name} took ${performance.now() - started} ms`);
}

describe('image files past the pixel limit', () => {
  test('a small PNG whose IHDR claims 30000 x 30000 is refused from its header, before pngjs decodes it', () => {
    assert.equal(MAX_IMAGE_PIXELS, 64_000_000);
    refused('huge.png', greyPng(30000, 30000), /huge\.png: its PNG header \(IHDR\) gives 30000x30000 = 900000000 pixels, more than the limit of 64000000 \(64 megapixels\)/);
    refused('just-over.png', greyPng(8001, 8000), /gives 8001x8000 = 64008000 pixels, more than the limit/);
    const small = new PNG({ width: 3, height: 2 });
    small.data.fill(255);
    writeFileSync(join(dir, 'small.png'), PNG.sync.write(small));
    assert.deepEqual([...readImageFile(join(dir, 'small.png')).pixels], [1, 1, 1, 1, 1, 1], 'a picture under the limit still reads');
    assert.match(commandHelp(VISION_PREDICT), /at most 64 megapixels/, 'vision predict --help states the limit');
  });

  test('an interlaced PNG, which pngjs inflates without a bound, may not unpack to more than its header implies', () => {
    // 8 MiB of zeros deflate to 8 KB; pngjs would inflate all of them for a 10 x 10 picture.
    refused('bomb.png', greyPng(10, 10, { interlaced: true, data: Buffer.alloc(8 << 20) }),
      /bomb\.png: its pixel data \(IDAT\) inflates to more than the 204 bytes its header's 10x10 interlaced pixels take/);
    // One pixel: Adam7's first pass holds it alone, a filter byte then the grey value.
    writeFileSync(join(dir, 'interlaced.png'), greyPng(1, 1, { interlaced: true, data: Buffer.from([0, 51]) }));
    assert.deepEqual([...readImageFile(join(dir, 'interlaced.png')).pixels], [Math.fround(0.2)], 'a sound interlaced picture still reads');
  });

  test('a PGM claiming 100000 x 100000 or -5 pixels names the file and the header field', () => {
    refused('huge.pgm', 'P5\n100000 100000\n255\n\x00\x00', /huge\.pgm: its PGM header gives 100000x100000 = 10000000000 pixels, more than the limit of 64000000/);
    refused('negative.pgm', 'P2\n-5 5\n255\n0 0 0\n', /negative\.pgm: PGM header: width is '-5', expected a whole number/);
    refused('exponent.pgm', 'P2\n4 1e5\n255\n0\n', /exponent\.pgm: PGM header: height is '1e5', expected a whole number/);
    refused('maxval.pgm', 'P5\n2 2\n70000\n', /maxval\.pgm: PGM header: maxval is 70000, expected 1 to 65535/);
    refused('short.pgm', 'P5\n10 10\n255\nabc', /short\.pgm: PGM data is truncated \(3 bytes for 10x10 pixels\)/);
    writeFileSync(join(dir, 'ok.pgm'), 'P2\n# a comment\n2 1\n4\n0 4\n');
    assert.deepEqual([...readImageFile(join(dir, 'ok.pgm')).pixels], [0, 1]);
  });
});
