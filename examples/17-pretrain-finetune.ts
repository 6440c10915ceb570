// Lesson 17: pre-training, then fine-tuning (the MIT lecture). An encoder first learns the language from unlabelled
// requests by restoring masked words (BERT); a slot tagger then starts from it and learns from only a few labelled
// sentences. The same tagger from random weights, on the same few sentences, is the comparison.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mlmPretrain } from '../src/cli/mlm.js';
import { tagTrain } from '../src/cli/tag.js';
import { formatConll } from '../src/data/labelled.js';
import { slotFillingCorpus } from '../src/data/slotFilling.js';
import { fast } from './common.js';

const quiet = { log: () => {}, progress: null };
const dir = mkdtempSync(join(tmpdir(), 'zerograd-lesson-17-'));
const sentences = slotFillingCorpus(fast ? 800 : 4000, 11);
const [unlabelled, val, test] = [sentences.slice(400), sentences.slice(0, 200), sentences.slice(200, 400)];
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const requests = write('requests.txt', `${unlabelled.map((s) => s.tokens.join(' ')).join('\n')}\n`);
const shape = ['--n-embd', '32', '--n-head', '4', '--n-layer', '2', '--max-length', '32'];
const accuracy = mlmPretrain(['--data', requests, ...shape, '--steps', fast ? '60' : '3000', '--lr', '3e-3', '--out', join(dir, 'mlm')], quiet);
console.log(`pre-trained on ${unlabelled.length} unlabelled requests: ${(100 * accuracy).toFixed(1)}% of masked words restored`);
const [valFile, testFile] = [write('val.conll', formatConll(val)), write('test.conll', formatConll(test))];
for (const labelled of fast ? [50] : [50, 200, 1000]) {
  const trainFile = write(`train-${labelled}.conll`, formatConll(unlabelled.slice(0, labelled)));
  const common = ['--data', trainFile, '--val', valFile, '--test', testFile, '--steps', fast ? '40' : '1000'];
  const scratch = tagTrain([...common, ...shape, '--out', join(dir, `scratch-${labelled}`)], quiet);
  const tuned = tagTrain([...common, '--init', join(dir, 'mlm'), '--out', join(dir, `tuned-${labelled}`)], quiet);
  console.log(`${labelled} labelled sentences: slot tokens right ${(100 * scratch.entities).toFixed(1)}% from scratch, ${(100 * tuned.entities).toFixed(1)}% from the pre-trained encoder`);
}
