import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gptTrain } from '../../src/cli/gpt.js';
import { ragAsk, ragIndex } from '../../src/cli/rag.js';
import { RAG_TRAIN, ragCorpus, ragTrain, readerText } from '../../src/cli/ragReader.js';
import { factCorpus, ragPrompt } from '../../src/data/factCorpus.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { full, tensor } from '../../src/tensor/creation.js';
import '../cliBackend.js';

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
    const reader = join(dir, 'reader');
    ragTrain(['--facts', '60', '--held-out', '10', '--steps', '3', '--batch-size', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', reader], quiet);
    const answers = ragAsk(['--index', join(dir, 'tfidf'), '--checkpoint', reader, '--max-answer', '8'], quiet, feed([facts[0].question, facts[1].question]));
    assert.equal(answers.length, 2);
    assert.ok(answers.every((a) => !a.includes('\n')));
  });

  test('rag corpus writes the passages rag train reads: its reader is marked, trained on all but the held-out facts', () => {
    const file = join(dir, 'corpus.txt');
    const written = ragCorpus(['--out', file, '--facts', '60'], quiet);
    assert.deepEqual(readFileSync(file, 'utf8').split('\n').slice(0, -1), facts.map((f) => f.passage));
    assert.deepEqual(written, facts);
    assert.equal(readerText(facts.slice(0, 1)), `${ragPrompt(facts[0].passage, facts[0].question)} ${facts[0].answer}\n`);
    const config = JSON.parse(readFileSync(join(dir, 'reader', 'step-00000003', 'config.json'), 'utf8'));
    assert.equal(config.task, 'reader');
    assert.deepEqual(config.reader, { facts: 60, heldOut: 10, corpusSeed: 7 });
    assert.equal(config.model.blockSize, 128, 'a prompt and its answer fit the context');
    assert.match(RAG_TRAIN.options.out.default ?? '', /runs\/reader/);
    assert.throws(() => ragTrain(['--facts', '10', '--held-out', '10', '--out', join(dir, 'none')], quiet), /--held-out 10 leaves none of the 10 facts to train on/);
  });

  test('rag ask refuses a GPT never trained as a reader, saying why, instead of printing empty answers', () => {
    const text = join(dir, 'plain.txt');
    writeFileSync(text, `${facts.map((f) => f.passage).join('\n')}\n`.repeat(4));
    const plain = join(dir, 'plain-gpt');
    gptTrain(['--data', text, '--config', 'tiny', '--steps', '2', '--eval-iters', '1', '--sample-tokens', '1', '--out', plain], quiet);
    ragIndex(['--docs', docs, '--out', join(dir, 'tfidf-2')], quiet);
    assert.throws(() => ragAsk(['--index', join(dir, 'tfidf-2'), '--checkpoint', plain], quiet, feed([facts[0].question])),
      /rag ask: .*plain-gpt is a GPT trained on .*plain\.txt, not a reader: it never learnt to answer 'context: \.\.\. question: \.\.\. answer:' prompts, so its answers would be empty or made up; train one with 'zerograd rag train'/);
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
    // An index whose "dim" and vectors were widened together no longer fits the model's hidden size.
    const wide = join(dir, 'by-gpt-wide');
    cpSync(join(dir, 'by-gpt'), wide, { recursive: true });
    const meta = JSON.parse(readFileSync(join(wide, 'index.json'), 'utf8'));
    writeFileSync(join(wide, 'index.json'), JSON.stringify({ ...meta, dim: meta.dim + 1 }));
    writeFileSync(join(wide, 'vectors.safetensors'), serializeSafetensors(new Map([['vectors', full([meta.passages.length, meta.dim + 1], 1)]])));
    assert.throws(() => ragAsk(['--index', wide, '--retrieve-only'], quiet, feed([facts[0].question])),
      new RegExp(`by-gpt-wide/index\\.json: "dim" is ${meta.dim + 1}, but its gpt embedding gives ${meta.dim} dimensions`));
  });

  test('an edited or cut index is refused on loading, naming the file and what disagrees', () => {
    const good = join(dir, 'tfidf-edit');
    ragIndex(['--docs', docs, '--out', good], quiet);
    const meta = JSON.parse(readFileSync(join(good, 'index.json'), 'utf8'));
    const { vocabulary, idf } = meta.embedder as { vocabulary: string[]; idf: number[] };
    const dim = vocabulary.length;
    const edits: [string, (m: typeof meta) => void, RegExp][] = [
      ['idf-null', (m) => { m.embedder.idf[2] = null; }, /"embedder": "idf" entry 2 is null, expected a finite number/],
      ['idf-string', (m) => { m.embedder.idf[0] = '1.5'; }, /"embedder": "idf" entry 0 is "1\.5", expected a finite number/],
      ['vocabulary-cut', (m) => { m.embedder.vocabulary = vocabulary.slice(0, 5); },
        new RegExp(`"embedder": "vocabulary" has 5 words and "idf" ${dim} weights, but "dim" is ${dim}; all three must agree`)],
      ['idf-cut', (m) => { m.embedder.idf = idf.slice(1); }, new RegExp(`"vocabulary" has ${dim} words and "idf" ${dim - 1} weights`)],
      ['vocabulary-repeated', (m) => { m.embedder.vocabulary[1] = vocabulary[0]; }, new RegExp(`"vocabulary" lists '${vocabulary[0]}' twice`)],
      ['dim-string', (m) => { m.dim = 'wide'; }, /"dim" must be a positive integer, got "wide"/],
      ['kind', (m) => { m.embedder.kind = 'bm25'; }, /"embedder": "kind" must be tfidf, gpt or encoder, got "bm25"/],
    ];
    for (const [name, edit, message] of edits) {
      const edited = join(dir, name);
      cpSync(good, edited, { recursive: true });
      const copy = JSON.parse(JSON.stringify(meta));
      edit(copy);
      writeFileSync(join(edited, 'index.json'), JSON.stringify(copy));
      assert.throws(() => ragAsk(['--index', edited, '--retrieve-only'], quiet, feed([facts[0].question])), (error: Error) => {
        assert.match(error.message, message);
        assert.ok(error.message.startsWith(`${join(edited, 'index.json')}: `), error.message);
        return true;
      }, name);
    }
    const nan = join(dir, 'vectors-nan');
    cpSync(good, nan, { recursive: true });
    const values = new Float32Array(meta.passages.length * dim).fill(0.5);
    values[3 * dim + 7] = Number.NaN;
    writeFileSync(join(nan, 'vectors.safetensors'), serializeSafetensors(new Map([['vectors', tensor(values, { shape: [meta.passages.length, dim] })]])));
    assert.throws(() => ragAsk(['--index', nan, '--retrieve-only'], quiet, feed([facts[0].question])),
      /vectors-nan\/vectors\.safetensors: 'vectors' row 3 holds NaN; every value must be a finite number/);
    assert.equal(ragAsk(['--index', good, '--retrieve-only', '--k', '1'], quiet, feed([facts[0].question])).length, 2, 'the unedited index still answers');
  });
});
