import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gptTrain } from '../../src/cli/gpt.js';
import { ragAsk, ragIndex } from '../../src/cli/rag.js';
import { factCorpus, ragPrompt } from '../../src/data/factCorpus.js';

const quiet = { log: () => {}, progress: null };
const feed = (lines: string[]) => (onLine: (line: string) => void) => lines.forEach(onLine);

describe('zerograd rag index and rag ask', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zerograd-rag-'));
  const facts = factCorpus(60);
  const docs = join(dir, 'facts.txt');
  writeFileSync(docs, `${facts.map((f) => f.passage).join('\n')}\n`);

  test('retrieve-only prints the nearest passages with their scores; a reader GPT answers one line a question', () => {
    ragIndex(['--docs', docs, '--out', join(dir, 'tfidf')], quiet);
    const printed = ragAsk(['--index', join(dir, 'tfidf'), '--retrieve-only', '--k', '2'], quiet, feed([facts[3].question, '', facts[7].question]));
    assert.equal(printed.length, 6);
    assert.match(printed[0], new RegExp(`^0\\.\\d{4}\\t${facts[3].passage.replace(/\./g, '\\.')}$`));
    assert.match(printed[3], new RegExp(`\\t${facts[7].passage.replace(/\./g, '\\.')}$`));
    // A reader trained briefly on the prompt format: the plumbing answers each question with one line.
    const train = join(dir, 'train.txt');
    writeFileSync(train, facts.map((f) => `${ragPrompt(f.passage, f.question)} ${f.answer}\n`).join('').repeat(3));
    const reader = join(dir, 'reader');
    gptTrain(['--data', train, '--config', 'tiny', '--block-size', '32', '--steps', '30', '--eval-iters', '1', '--sample-tokens', '1', '--out', reader], quiet);
    const answers = ragAsk(['--index', join(dir, 'tfidf'), '--checkpoint', reader, '--max-answer', '8'], quiet, feed([facts[0].question, facts[1].question]));
    assert.equal(answers.length, 2);
    assert.ok(answers.every((a) => !a.includes('\n')));
  });

  test('an index built with one embedding refuses queries embedded another way', () => {
    const textFile = join(dir, 'text.txt');
    writeFileSync(textFile, `${facts.map((f) => f.passage).join('\n')}\n`.repeat(4));
    const [a, b] = [join(dir, 'gpt-a'), join(dir, 'gpt-b')];
    gptTrain(['--data', textFile, '--config', 'tiny', '--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', a], quiet);
    gptTrain(['--data', textFile, '--config', 'tiny', '--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--seed', '5', '--out', b], quiet);
    ragIndex(['--docs', docs, '--out', join(dir, 'by-gpt'), '--embed', 'gpt', '--embed-checkpoint', a], quiet);
    assert.equal(ragAsk(['--index', join(dir, 'by-gpt'), '--retrieve-only', '--k', '1'], quiet, feed([facts[0].question])).length, 2);
    assert.throws(() => ragAsk(['--index', join(dir, 'by-gpt'), '--retrieve-only', '--embed-checkpoint', b], quiet, feed([])),
      /was built with the gpt embedding of .*gpt-a \(weights [0-9a-f]{8}\); .*gpt-b has weights [0-9a-f]{8}: rebuild the index/);
    assert.throws(() => ragAsk(['--index', join(dir, 'tfidf'), '--retrieve-only', '--embed-checkpoint', a], quiet, feed([])), /was built with TF-IDF vectors, not a model's/);
    assert.throws(() => ragIndex(['--docs', docs, '--out', join(dir, 'x'), '--embed', 'gpt'], quiet), /--embed gpt needs --embed-checkpoint DIR/);
    assert.throws(() => ragAsk(['--index', join(dir, 'missing'), '--retrieve-only'], quiet, feed([])), /index\.json does not exist; build the index with 'zerograd rag index'/);
  });
});
