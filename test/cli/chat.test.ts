import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chatCorpus, gptChat } from '../../src/cli/chat.js';
import { gptFinetune } from '../../src/cli/finetune.js';
import { gptTrain } from '../../src/cli/gpt.js';
import { forEachInputLine } from '../../src/cli/inputLines.js';
import { formatQA, qaCorpus, readQA } from '../../src/data/qaCorpus.js';
import { corpusPath } from '../helpers.js';
import '../cliBackend.js';

const quiet = { log: () => {}, progress: null };
const feed = (lines: string[]) => (onLine: (line: string) => void) => lines.forEach(onLine);

describe('talking back: a Q&A fine-tune and gpt chat', () => {
  test('chat corpus writes the template pairs in Q: / A: lines, which read back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-qa-'));
    const pairs = chatCorpus(['--out', join(dir, 'qa.txt')], quiet);
    assert.ok(pairs.length > 200);
    assert.deepEqual(readQA(join(dir, 'qa.txt')), pairs);
    assert.ok(pairs.some((p) => p.question === 'what is three plus four?' && p.answer === 'seven.'));
    // Every character is one Tiny Shakespeare has, so its GPT can be fine-tuned on the set.
    const shakespeare = new Set(readFileSync(corpusPath('tinyshakespeare.txt'), 'utf8'));
    assert.ok([...formatQA(pairs)].every((c) => shakespeare.has(c)));
    assert.notDeepEqual(qaCorpus(1).slice(0, 5), qaCorpus(42).slice(0, 5), 'the seed orders the pairs');
  });

  test('a malformed Q&A file is an error naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-qa-bad-'));
    const cases: [string, RegExp][] = [
      ['Q: hi?\nA: hello.\nhello there\n', /bad\.txt line 3: expected a line starting "Q: " or "A: ", got "hello there"/],
      ['A: hello.\n', /bad\.txt line 1: an answer with no question before it/],
      ['Q: one?\nQ: two?\nA: x.\n', /bad\.txt line 2: a second question before the answer to line 1/],
      ['Q: one?\n\nA: x.\n', /bad\.txt line 2: a blank line between the question on line 1 and its answer/],
      ['Q: one?\nA: x.\nQ: two?\n', /bad\.txt: the question on line 3 has no answer/],
      ['Q: one?\nA:  \n', /bad\.txt line 2: the answer is empty/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(join(dir, 'bad.txt'), text);
      assert.throws(() => readQA(join(dir, 'bad.txt')), message);
    }
  });

  test('fine-tuned on the pairs, the GPT answers in their format; gpt finetune --qa checks the file first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-chat-'));
    const pre = join(dir, 'pre');
    gptTrain(['--data', corpusPath('tinyshakespeare.txt'), '--config', 'tiny', '--block-size', '40', '--steps', '100', '--eval-iters', '2', '--sample-tokens', '1', '--lr', '1e-2', '--out', pre], quiet);
    const qa = join(dir, 'qa.txt');
    chatCorpus(['--out', qa], quiet);
    const questions = readQA(qa).slice(0, 8).map((p) => p.question);
    const before = gptChat(['--checkpoint', pre], quiet, feed(questions));
    gptFinetune(['--checkpoint', pre, '--data', qa, '--qa', '--steps', '300', '--lr', '1e-2', '--eval-iters', '2', '--sample-tokens', '1', '--out', join(dir, 'chat')], quiet);
    const warnings: string[] = [];
    const after = gptChat(['--checkpoint', join(dir, 'chat')], { ...quiet, warn: (w) => warnings.push(w) }, feed([...questions, '', 'what is 7 plus 4?']));
    assert.equal(after.length, questions.length, 'one answer a question; the blank line is skipped');
    assert.deepEqual(warnings, ['stdin line 10: character "7" is not in the model\'s vocabulary; skipped']);
    // Every answer in the set is a few words and a full stop: the fine-tuned model has learned that shape.
    assert.ok(after.every((a) => /^[a-z]+\.$/.test(a)), `answers after fine-tuning: ${JSON.stringify(after)}`);
    assert.ok(!before.every((a) => /^[a-z]+\.$/.test(a)), `answers before: ${JSON.stringify(before)}`);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'Q: one?\nA: x.\nQ: two?\n');
    assert.throws(() => gptFinetune(['--checkpoint', pre, '--data', bad, '--qa', '--out', join(dir, 'bad')], quiet), /bad\.txt: the question on line 3 has no answer/);
  });

  test('stdin lines reach the callback one by one, the last without a newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-lines-'));
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'first\r\nsecond\n\nthird');
    const fd = openSync(file, 'r');
    const lines: string[] = [];
    try {
      forEachInputLine((l) => lines.push(l), fd);
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(lines, ['first', 'second', '', 'third']);
  });
});
