// Exact resume in every recipe that the other CLI tests do not crash already (gpt, charrnn and finetune do): each run
// is killed outright after its first checkpoint, with dropout on where the recipe has it, and resumed; and resume
// notices a data file that changed since the checkpoint.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLASSIFY_TRAIN, classifyTrain } from '../../src/cli/classify.js';
import { gptTrain } from '../../src/cli/gpt.js';
import { MAKEMORE_TRAIN, makemoreEval, makemoreTrain } from '../../src/cli/makemore.js';
import { MLM_PRETRAIN, mlmPretrain } from '../../src/cli/mlm.js';
import { TAG_TRAIN, tagCorpus, tagTrain } from '../../src/cli/tag.js';
import { VISION_TRAIN, visionTrain } from '../../src/cli/vision.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { corpusPath } from '../helpers.js';
import { assertSameRun, crashResumeAndReference } from './crash.js';

const quiet = { log: () => {}, progress: null };
const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `zerograd-resume-${name}-`));

/** Sentences whose words say their label, one `text,label` row each. */
function writeReviews(dir: string, rows = 120): string {
  const words = { pos: ['great', 'lovely', 'superb', 'fine'], neg: ['awful', 'dull', 'boring', 'poor'] };
  const filler = ['the', 'film', 'was', 'plot', 'and', 'it'];
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const label = i % 2 === 0 ? 'pos' : 'neg';
    lines.push(`"${filler[i % 6]} ${words[label][i % 4]} ${filler[(i + 2) % 6]} ${words[label][(i + 1) % 4]} ${filler[(i + 4) % 6]}",${label}`);
  }
  const path = join(dir, 'reviews.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const encoder = ['--n-embd', '16', '--n-head', '2', '--n-layer', '1', '--max-length', '12', '--batch-size', '8', '--dropout', '0.2', '--min-count', '1'];

describe('every recipe resumes exactly after a crash', () => {
  test('makemore: the resumed run ends with the weights, losses and samples of an uninterrupted one', async () => {
    const dir = tempDir('makemore');
    const names = join(dir, 'names.txt');
    writeFileSync(names, `${readFileSync(corpusPath('names.txt'), 'utf8').split('\n').slice(0, 400).join('\n')}\n`);
    const common = ['--model', 'mlp', '--data', names, '--n-embd', '4', '--n-hidden', '16', '--batch-size', '16', '--steps', '600',
      '--checkpoint-every', '50', '--samples', '5'];
    const run = await crashResumeAndReference(MAKEMORE_TRAIN, common, dir, (argv) => makemoreTrain(argv, quiet));
    assert.ok(run.killedAt < 600, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
    assert.deepEqual(run.resumed.samples, run.straight.samples);
  });

  test('vision: the MLP with dropout resumes from an epoch checkpoint to the weights of an uninterrupted run', async () => {
    const dir = tempDir('vision');
    const common = ['--model', 'mlp', '--hidden', '32', '--epochs', '5', '--batch-size', '64'];
    const run = await crashResumeAndReference(VISION_TRAIN, common, dir, (argv) => visionTrain(argv, quiet));
    assert.equal((run.crashed.config.model as { dropout: number }).dropout, 0.2);
    assert.ok(run.killedAt < run.crashed.trainer.step, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
    assert.equal(run.resumed.testAccuracy, run.straight.testAccuracy);
  });

  test('classify: an encoder with dropout resumes to the weights of an uninterrupted run', async () => {
    const dir = tempDir('classify');
    const common = ['--data', writeReviews(dir), '--model', 'encoder', ...encoder, '--steps', '150', '--eval-every', '15'];
    const run = await crashResumeAndReference(CLASSIFY_TRAIN, common, dir, (argv) => classifyTrain(argv, quiet));
    assert.ok(run.killedAt < 150, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
    assert.ok(run.crashed.trainer.streams?.dropout, 'the dropout generator is saved');
  });

  test('tag: a tagger with dropout resumes to the weights of an uninterrupted run', async () => {
    const dir = tempDir('tag');
    const data = join(dir, 'slots.conll');
    tagCorpus(['--out', data, '--sentences', '100'], quiet);
    const common = ['--data', data, ...encoder, '--max-length', '24', '--steps', '150', '--eval-every', '15'];
    const run = await crashResumeAndReference(TAG_TRAIN, common, dir, (argv) => tagTrain(argv, quiet));
    assert.ok(run.killedAt < 150, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
  });

  test('mlm: pre-training with dropout resumes to the weights of an uninterrupted run', async () => {
    const dir = tempDir('mlm');
    const data = join(dir, 'text.txt');
    writeFileSync(data, `${Array.from({ length: 120 }, (_, i) => `the cat ${['sat', 'ran', 'slept'][i % 3]} on the ${['mat', 'rug', 'bed', 'sofa'][i % 4]} today`).join('\n')}\n`);
    const common = ['--data', data, ...encoder, '--steps', '150', '--eval-every', '15'];
    const run = await crashResumeAndReference(MLM_PRETRAIN, common, dir, (argv) => mlmPretrain(argv, quiet));
    assert.ok(run.killedAt < 150, `the run was interrupted at step ${run.killedAt}`);
    assertSameRun(run.reference, run.crashed);
  });
});

describe('resume checks the data file against the checkpoint', () => {
  test('config.json fingerprints --data; a changed file is a one-line warning naming it, or under --strict an error', () => {
    const dir = tempDir('data');
    const data = join(dir, 'text.txt');
    writeFileSync(data, 'to be or not to be, that is the question\n'.repeat(30));
    const out = join(dir, 'run');
    gptTrain(['--data', data, '--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', out], quiet);
    const bytes = readFileSync(data);
    assert.deepEqual(loadCheckpoint(out).config.dataFile, { path: data, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    const warnings: string[] = [];
    const io = { ...quiet, warn: (line: string) => warnings.push(line) };
    gptTrain(['--out', out, '--resume', '--extend', '1'], io);
    assert.deepEqual(warnings, [], 'the same file resumes silently');
    appendFileSync(data, 'to be or not\n');
    assert.throws(() => gptTrain(['--out', out, '--resume', '--extend', '1', '--strict'], io),
      new RegExp(`^Error: gpt train: ${data} changed since the checkpoint in ${out} was written \\(${bytes.length} bytes then, ${bytes.length + 13} now\\); --strict refuses`));
    assert.equal(loadCheckpoint(out).trainer.step, 3, 'nothing trained');
    gptTrain(['--out', out, '--resume', '--extend', '1'], io);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`^gpt train: ${data} changed since the checkpoint in ${out} was written \\(${bytes.length} bytes then, ${bytes.length + 13} now\\)`));
    // The same size with other bytes is a change too; classify had no --strict before and has one now.
    const reviews = writeReviews(dir, 40);
    const classify = join(dir, 'classify');
    classifyTrain(['--data', reviews, '--steps', '2', '--out', classify], quiet);
    writeFileSync(reviews, readFileSync(reviews, 'utf8').replace('great', 'tepid'));
    assert.throws(() => classifyTrain(['--out', classify, '--resume', '--extend', '1', '--strict'], quiet),
      /classify train: .*reviews\.csv changed since the checkpoint in .* was written \(the same \d+ bytes, other contents \(sha256 [0-9a-f]{12}\.\.\. then, [0-9a-f]{12}\.\.\. now\)\); --strict refuses/);
  });

  test('makemore eval reads the data the model was trained on, and warns on another file', () => {
    const dir = tempDir('eval');
    const names = join(dir, 'names.txt');
    writeFileSync(names, `${readFileSync(corpusPath('names.txt'), 'utf8').split('\n').slice(0, 300).join('\n')}\n`);
    const out = join(dir, 'run');
    const { val } = makemoreTrain(['--model', 'mlp', '--data', names, '--steps', '20', '--samples', '0', '--out', out], quiet);
    const warnings: string[] = [];
    const io = { ...quiet, warn: (line: string) => warnings.push(line) };
    assert.ok(Math.abs(makemoreEval(['--checkpoint', out], io).val - val) < 1e-6, 'without --data: the training file, split as in training');
    assert.deepEqual(warnings, []);
    const other = join(dir, 'other.txt');
    writeFileSync(other, `${readFileSync(corpusPath('names.txt'), 'utf8').split('\n').slice(300, 400).join('\n')}\n`);
    makemoreEval(['--checkpoint', out, '--data', other], io);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^makemore eval: .*other\.txt is not the data the model in .* was trained on \(.*names\.txt\); its train\/val\/test splits are not the training run's$/);
  });
});
