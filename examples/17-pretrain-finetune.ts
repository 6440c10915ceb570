// Lesson 17: pre-training, then fine-tuning (the MIT lecture). An encoder first learns the language from unlabelled
// text by restoring masked words (BERT); a model then starts from it and learns its task from only a few labelled
// examples. The same model from random weights, on the same few examples, is the comparison. Two tasks: slot
// tagging on generated requests, and spam filtering on the SpamAssassin emails (`--only slots|spam` runs one).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyTrain } from '../src/cli/classify.js';
import { mlmPretrain } from '../src/cli/mlm.js';
import { heldOutSplits } from '../src/cli/supervised.js';
import { tagTrain } from '../src/cli/tag.js';
import { formatConll } from '../src/data/labelled.js';
import { slotFillingCorpus } from '../src/data/slotFilling.js';
import { spamAssassinCorpus } from '../src/data/spamAssassin.js';
import { fast, lesson } from './common.js';

const quiet = { log: () => {}, progress: null };
const only = lesson.values.only;
const dir = mkdtempSync(join(tmpdir(), 'zerograd-lesson-17-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const shape = ['--n-embd', '32', '--n-head', '4', '--n-layer', '2'];
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

if (only !== 'spam') {
  // Slot tagging: the unlabelled requests' words pre-train; the first few of them, with their tags, fine-tune.
  const sentences = slotFillingCorpus(fast ? 800 : 4000, 11);
  const [unlabelled, val, test] = [sentences.slice(400), sentences.slice(0, 200), sentences.slice(200, 400)];
  const slotShape = [...shape, '--max-length', '32'];
  const requests = write('requests.txt', `${unlabelled.map((s) => s.tokens.join(' ')).join('\n')}\n`);
  const accuracy = mlmPretrain(['--data', requests, ...slotShape, '--steps', fast ? '60' : '3000', '--lr', '3e-3', '--out', join(dir, 'mlm')], quiet);
  console.log(`pre-trained on ${unlabelled.length} unlabelled requests: ${percent(accuracy)} of masked words restored`);
  const [valFile, testFile] = [write('val.conll', formatConll(val)), write('test.conll', formatConll(test))];
  for (const labelled of fast ? [50] : [50, 200, 1000]) {
    const trainFile = write(`train-${labelled}.conll`, formatConll(unlabelled.slice(0, labelled)));
    const common = ['--data', trainFile, '--val', valFile, '--test', testFile, '--steps', fast ? '40' : '1000'];
    const scratch = tagTrain([...common, ...slotShape, '--out', join(dir, `scratch-${labelled}`)], quiet);
    const tuned = tagTrain([...common, '--init', join(dir, 'mlm'), '--out', join(dir, `tuned-${labelled}`)], quiet);
    console.log(`${labelled} labelled sentences: slot tokens right ${percent(scratch.entities)} from scratch, ${percent(tuned.entities)} from the pre-trained encoder`);
  }
}

if (only !== 'slots') {
  // Spam: the training emails' bodies pre-train (their labels unread); the first few emails, labelled, fine-tune.
  // Validation and test emails are the same 10% + 10% cut that `classify train` holds out.
  const splits = heldOutSplits(spamAssassinCorpus());
  const [train, val, test] = fast ? [splits.train.slice(0, 400), splits.val.slice(0, 100), splits.test.slice(0, 100)] : [splits.train, splits.val, splits.test];
  const jsonl = (name: string, rows: typeof train) => write(name, rows.map((r) => `${JSON.stringify({ text: r.text, label: r.label })}\n`).join(''));
  const spamShape = [...shape, '--max-length', '64'];
  const bodies = jsonl('emails.jsonl', train);
  const accuracy = mlmPretrain(['--data', bodies, ...spamShape, '--steps', fast ? '40' : '3000', '--lr', '3e-3', '--out', join(dir, 'mlm-spam')], quiet);
  console.log(`pre-trained on ${train.length} unlabelled emails: ${percent(accuracy)} of masked words restored`);
  const [valFile, testFile] = [jsonl('val.jsonl', val), jsonl('test.jsonl', test)];
  for (const labelled of fast ? [50] : [50, 200, 1000, train.length]) {
    const trainFile = jsonl(`train-${labelled}.jsonl`, train.slice(0, labelled));
    const common = ['--data', trainFile, '--val', valFile, '--test', testFile, '--steps', fast ? '30' : '1000'];
    const scratch = classifyTrain([...common, '--model', 'encoder', ...spamShape, '--out', join(dir, `spam-scratch-${labelled}`)], quiet);
    const tuned = classifyTrain([...common, '--init', join(dir, 'mlm-spam'), '--out', join(dir, `spam-tuned-${labelled}`)], quiet);
    console.log(`${labelled} labelled emails: test accuracy ${percent(scratch.accuracy)} (macro F1 ${scratch.macroF1.toFixed(3)}) from scratch, ${percent(tuned.accuracy)} (macro F1 ${tuned.macroF1.toFixed(3)}) from the pre-trained encoder`);
  }
}
lesson.done();
