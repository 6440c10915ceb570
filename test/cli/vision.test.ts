import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { kmeansCommand, visionEval, visionPredict, visionTrain } from '../../src/cli/vision.js';
import { readDigitsCsv } from '../../src/data/images.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { corpusPath, projectRoot } from '../helpers.js';
import '../cliBackend.js';

const dir = mkdtempSync(join(tmpdir(), 'zerograd-vision-'));
const quiet = { log: () => {}, progress: null };
const bin = join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');

/** A digit of the data set drawn large, dark on light, as a person would draw it: a PNG of 80x80 pixels. */
function drawnPng(pixels: ArrayLike<number>, path: string): void {
  const png = new PNG({ width: 80, height: 80 });
  for (let y = 0; y < 80; y++) {
    for (let x = 0; x < 80; x++) {
      const v = Math.round(255 * (1 - pixels[Math.floor(y / 10) * 8 + Math.floor(x / 10)]));
      png.data.set([v, v, v, 255], 4 * (y * 80 + x));
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

describe('zerograd vision and kmeans', () => {
  test('train the course MLP and a CNN on the embedded digits; eval and predict from the checkpoints', () => {
    const lines: string[] = [];
    const mlp = join(dir, 'mlp');
    const { testAccuracy } = visionTrain(['--model', 'mlp-logits', '--epochs', '8', '--out', mlp], { log: (l) => lines.push(l), progress: null });
    assert.ok(testAccuracy > 0.9, `test accuracy ${testAccuracy}`);
    assert.ok(lines.includes('data: 1797 images of 8x8 from embedded UCI digits (data/digits.csv.gz, 1,797 images of 8x8); split 1438/179/180 (stratified)'), lines.join('\n'));
    assert.ok(lines.some((l) => /^epoch 8: train loss \d\.\d{4}, val accuracy \d\.\d{4}/.test(l)));
    assert.match(readFileSync(join(mlp, 'confusion.svg'), 'utf8'), /^<svg/);
    const split = JSON.parse(readFileSync(join(mlp, 'split.json'), 'utf8')) as { train: number[]; val: number[]; test: number[] };
    assert.equal(new Set([...split.train, ...split.val, ...split.test]).size, 1797, 'the split covers every image once');
    assert.equal(visionEval(['--checkpoint', mlp], quiet), testAccuracy, 'eval reproduces the test accuracy');

    const cnn = join(dir, 'cnn');
    assert.ok(visionTrain(['--model', 'cnn', '--epochs', '15', '--out', cnn], quiet).testAccuracy > 0.9);
    // Test images drawn as PNG and PGM at other sizes, dark on light: the model reads them as it reads the data.
    const digits = readDigitsCsv(corpusPath('digits.csv.gz'));
    const picks = split.test.slice(0, 6);
    const files = picks.map((i, k) => {
      const path = join(dir, `digit${k}.png`);
      drawnPng(digits.images.subarray(i * 64, (i + 1) * 64), path);
      return path;
    });
    const pgm = join(dir, 'digit.pgm');
    const first = digits.images.subarray(picks[0] * 64, picks[0] * 64 + 64);
    writeFileSync(pgm, `P2\n# a test digit\n8 8\n16\n${Array.from(first, (v) => Math.round(16 * v)).join(' ')}\n`);
    const printed = visionPredict(['--checkpoint', cnn, ...files, pgm], quiet);
    assert.equal(printed.length, 7);
    const predicted = printed.map((l) => Number(l.split('\t')[1]));
    const correct = predicted.slice(0, 6).filter((p, k) => p === digits.labels[picks[k]]).length;
    assert.ok(correct >= 5, `${correct} of 6 drawn digits recognised: ${printed.join(' | ')}`);
    assert.equal(predicted[6], predicted[0], 'the PGM and the PNG of one digit give one answer');
    assert.match(printed[0], /^.*digit0\.png\t\d\t(0\.\d{4}|1\.0000)$/);
    assert.equal(loadCheckpoint(cnn).config.recipe, 'vision');
  });

  test('--resume --extend N trains a finished run N more epochs, to exactly the weights of a straight run', () => {
    const extended = join(dir, 'extended');
    const straight = join(dir, 'straight');
    visionTrain(['--model', 'cnn', '--epochs', '2', '--out', extended], quiet);
    assert.throws(() => visionTrain(['--out', extended, '--resume', '--epochs', '3'], quiet), /--epochs 3 contradicts the checkpoint in .*extended, which has 2/);
    assert.throws(() => visionTrain(['--out', extended, '--resume'], quiet), /finished all 2 epochs; --extend N trains N more/);
    visionTrain(['--out', extended, '--resume', '--extend', '1'], quiet);
    visionTrain(['--model', 'cnn', '--epochs', '3', '--out', straight], quiet);
    const [a, b] = [loadCheckpoint(extended), loadCheckpoint(straight)];
    assert.equal(a.trainer.step, b.trainer.step);
    assert.deepEqual(a.trainer.losses, b.trainer.losses);
    for (const [name, t] of b.model) assert.deepEqual(a.model.get(name)!.toFlatArray(), t.toFlatArray(), name);
    assert.deepEqual(a.config.evals, b.config.evals);
  });

  test('kmeans on raw pixels and on the CNN\'s learned embeddings; purity and the cluster images', () => {
    const cnn = join(dir, 'cnn-km');
    visionTrain(['--model', 'cnn', '--epochs', '10', '--out', cnn], quiet);
    const raw = kmeansCommand(['--restarts', '2', '--out', join(dir, 'km-raw')], quiet);
    const learned = kmeansCommand(['--restarts', '2', '--checkpoint', cnn, '--out', join(dir, 'km-cnn')], quiet);
    assert.ok(raw.purity > 0.6, `raw purity ${raw.purity}`);
    assert.ok(learned.purity > raw.purity, `learned ${learned.purity} vs raw ${raw.purity}`);
    const svg = readFileSync(join(dir, 'km-raw', 'centroids.svg'), 'utf8');
    assert.equal((svg.match(/<text/g) ?? []).length, 11, 'a title and ten captions');
    assert.throws(() => kmeansCommand(['--checkpoint', join(dir, 'mlp')], quiet), /holds a 'mlp-logits' model; --checkpoint takes a cnn/);
  });

  test('bad input: one line naming the file and what is wrong', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    writeFileSync(join(dir, 'empty.pgm'), 'P2\n0 5\n255\n');
    writeFileSync(join(dir, 'bad.csv'), `${'0,'.repeat(64)}3\n${'0,'.repeat(10)}99,${'0,'.repeat(53)}1\n`);
    const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
    const cases: [string[], RegExp][] = [
      [['vision', 'predict', '--checkpoint', join(dir, 'mlp'), join(dir, 'notes.txt')], /notes\.txt: not a PNG or PGM image/],
      [['vision', 'predict', '--checkpoint', join(dir, 'mlp'), join(dir, 'empty.pgm')], /empty\.pgm: the image is 0x5; it has no pixels/],
      [['vision', 'predict', '--checkpoint', join(dir, 'mlp'), join(dir, 'missing.png')], /missing\.png: cannot read the file \(ENOENT\)/],
      [['vision', 'train', '--data', join(dir, 'bad.csv'), '--out', join(dir, 'bad')], /bad\.csv:2: pixel 11 is '99', expected an integer from 0 to 16/],
      [['vision', 'train', '--data', join(dir, 'nowhere'), '--out', join(dir, 'bad2')], /nowhere: no such file or folder/],
      [['vision', 'predict', '--checkpoint', join(dir, 'mlp')], /vision predict: name one or more PNG or PGM files/],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
    assert.ok(!existsSync(join(dir, 'bad', 'latest.json')));
  });
});
