import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readDigitsCsv, readIdxDir, readIdxImages } from '../../src/data/images.js';
import { corpusPath } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'zerograd-images-'));
const FASHION = '/usr/share/datasets/fashion-mnist';

/** An IDX file: the magic number, the dims, then the bytes given. */
function idx(dims: number[], data: number[], magic = 0x0800 + dims.length): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

describe('image data sets', () => {
  test('the 8x8 digits ship in data/: 1,797 images, 10 classes, pixels scaled from 0..16 to 0..1', () => {
    const digits = readDigitsCsv(corpusPath('digits.csv.gz'));
    assert.deepEqual([digits.count, digits.height, digits.width, digits.images.length], [1797, 8, 8, 1797 * 64]);
    const perClass = Array.from({ length: 10 }, (_, c) => digits.labels.filter((l) => l === c).length);
    assert.deepEqual(perClass, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    assert.equal(Math.max(...digits.images), 1);
    assert.equal(Math.min(...digits.images), 0);
    assert.equal(digits.images[2], 5 / 16, 'the first image, row by row');
  });

  test('a malformed digits CSV names the file, the line and the field', () => {
    const cases: [string, RegExp][] = [
      [`${'0,'.repeat(64)}3\n${'0,'.repeat(63)}3\n`, /bad\.csv:2: expected 65 fields \(64 pixels and a label\), got 64/],
      [`${'0,'.repeat(10)}17,${'0,'.repeat(53)}3\n`, /bad\.csv:1: pixel 11 is '17', expected an integer from 0 to 16/],
      [`${'0,'.repeat(64)}12\n`, /bad\.csv:1: the label is '12', expected an integer from 0 to 9/],
      [`${'0,'.repeat(5)}x,${'0,'.repeat(58)}1\n`, /bad\.csv:1: pixel 6 is 'x'/],
      ['', /bad\.csv: the file is empty/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(join(dir, 'bad.csv'), content);
      assert.throws(() => readDigitsCsv(join(dir, 'bad.csv')), message);
    }
  });

  test('IDX files, gzipped or not, read as MNIST distributes them', () => {
    writeFileSync(join(dir, 'images'), idx([2, 2, 3], [0, 255, 51, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    writeFileSync(join(dir, 'labels.gz'), gzipSync(idx([2], [7, 1])));
    const set = readIdxImages(join(dir, 'images'), join(dir, 'labels.gz'));
    assert.deepEqual([set.count, set.height, set.width], [2, 2, 3]);
    assert.deepEqual([...set.labels], [7, 1]);
    assert.deepEqual([...set.images.slice(0, 3)], [0, 1, Math.fround(0.2)]);
  });

  test('a bad IDX file is a one-line error naming the file and what is wrong', () => {
    const labels = join(dir, 'ok-labels');
    writeFileSync(labels, idx([2], [0, 1]));
    const cases: [Buffer, RegExp][] = [
      [idx([2, 2, 2], [0, 0, 0, 0, 0, 0, 0, 0], 0x00000801), /magic number 0x00000801 is not that of an IDX file of unsigned bytes with 3 dims \(0x00000803\)/],
      [idx([2, 2, 2], [0, 0, 0]), /declares 2 x 2 x 2 = 8 bytes of data, but 3 follow \(truncated\)/],
      [idx([2, 2, 2], new Array(9).fill(0)), /declares 2 x 2 x 2 = 8 bytes of data, but 9 follow/],
      [idx([2, 0, 2], []), /a dimension is zero \(2 x 0 x 2\)/],
      [Buffer.from([0, 0]), /2 bytes is too short for an IDX file/],
      [Buffer.from([0x1f, 0x8b, 1, 2, 3]), /not a valid gzip file/],
      [idx([3, 1, 1], [0, 0, 0]), /ok-labels: 2 labels for the 3 images of/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(join(dir, 'bad-images'), content);
      assert.throws(() => readIdxImages(join(dir, 'bad-images'), labels), (error: Error) => message.test(error.message) && !error.message.includes('\n'), String(message));
    }
    assert.throws(() => readIdxDir(dir), /no train-images-idx3-ubyte\[\.gz\]/);
  });

  test('an IDX header is checked before the file is inflated or read: limits, and data longer or shorter than declared', () => {
    const labels = join(dir, 'ok-labels-2');
    writeFileSync(labels, idx([2], [0, 1]));
    const header = (dims: number[]) => idx(dims, []);
    // A million zeros gzip to about a kilobyte; gzip members concatenate, so 8 MiB of zeros cost 8 KB here.
    const zeros = gzipSync(Buffer.alloc(1 << 20));
    const cases: [string, Buffer, RegExp][] = [
      ['claims-7e9.gz', gzipSync(header([7000, 1000, 1000])), /claims-7e9\.gz: its header declares 7000 x 1000 x 1000 = 7000000000 bytes of data, more than the limit of 1073741824 \(1 GiB\)/],
      ['claims-7e9', header([7000, 1000, 1000]), /claims-7e9: its header declares 7000 x 1000 x 1000 = 7000000000 bytes of data, more than the limit/],
      ['longer.gz', Buffer.concat([gzipSync(idx([2, 2, 2], new Array(8).fill(0))), ...new Array(8).fill(zeros)]),
        /longer\.gz: its header declares 2 x 2 x 2 = 8 bytes of data, but more follow once gunzipped/],
      ['shorter.gz', gzipSync(idx([2, 2, 2], [1, 2, 3])), /shorter\.gz: its header declares 2 x 2 x 2 = 8 bytes of data, but 3 follow \(truncated\)/],
    ];
    for (const [name, content, message] of cases) {
      writeFileSync(join(dir, name), content);
      const started = performance.now();
      assert.throws(() => readIdxImages(join(dir, name), labels), (error: Error) => message.test(error.message) && !error.message.includes('\n'), String(message));
      assert.ok(performance.now() - started < 500, `${name} took ${performance.now() - started} ms`);
    }
    // gzip's header may carry the original name and a comment of any length before the compressed data.
    const plain = gzipSync(idx([2, 1, 2], [0, 51, 102, 255]));
    const named = Buffer.concat([plain.subarray(0, 3), Buffer.from([0x08 | 0x10]), plain.subarray(4, 10), Buffer.from('images-idx3-ubyte\0'),
      Buffer.alloc(3000, 'c'), Buffer.from([0]), plain.subarray(10)]);
    writeFileSync(join(dir, 'named.gz'), named);
    assert.deepEqual([...readIdxImages(join(dir, 'named.gz'), labels).images], [0, 0.2, 0.4, 1].map(Math.fround));
  });

  // .ci/run installs Debian's dataset-fashion-mnist; with it installed this test runs, as it must there.
  test('Fashion-MNIST as Debian distributes it: 60,000 + 10,000 images of 28x28', { skip: !existsSync(FASHION) && !process.env.ZEROGRAD_REQUIRE_FASHION_MNIST && `${FASHION} is absent (apt-get install dataset-fashion-mnist)` }, () => {
    const { train, test: held } = readIdxDir(FASHION);
    assert.deepEqual([train.count, train.height, train.width], [60_000, 28, 28]);
    assert.equal(held.count, 10_000);
    const perClass = Array.from({ length: 10 }, (_, c) => held.labels.filter((l) => l === c).length);
    assert.deepEqual(perClass, new Array(10).fill(1000));
    assert.ok(train.images.every((v) => v >= 0 && v <= 1));
  });
});
