import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { COURSE } from '../../examples/course.js';
import { closingLines, helpText, parseLessonArgs } from '../../examples/lessonArgs.js';
import { projectRoot } from '../helpers.js';

const lesson = (script: string) => COURSE.find((l) => l.script === script)!;
const examplesDir = join(projectRoot(), 'dist', 'examples');

describe('lesson arguments (examples/lessonArgs.ts)', () => {
  test('the course lists every lesson script once, in order', () => {
    const scripts = readdirSync(examplesDir).filter((f) => /^\d\d-.*\.js$/.test(f)).map((f) => f.replace(/\.js$/, '')).sort();
    assert.deepEqual(COURSE.map((l) => l.script), scripts);
  });

  test('--fast and a lesson\'s own flags are read; --help wins', () => {
    assert.deepEqual(parseLessonArgs(lesson('17-pretrain-finetune'), ['--only', 'spam', '--fast']), { fast: true, values: { only: 'spam' } });
    assert.deepEqual(parseLessonArgs(lesson('15-rag'), []), { fast: false, values: {} });
    assert.equal(parseLessonArgs(lesson('15-rag'), ['--fast', '--help']), 'help');
  });

  test('an unknown flag is refused, naming the close one', () => {
    assert.throws(() => parseLessonArgs(lesson('15-rag'), ['--fsat']), /^Error: node dist\/examples\/15-rag\.js takes no flag '--fsat' \(did you mean --fast\?\)/);
    assert.throws(() => parseLessonArgs(lesson('15-rag'), ['--verbose']), (e: Error) => !e.message.includes('did you mean'));
    assert.throws(() => parseLessonArgs(lesson('15-rag'), ['--only', 'spam']), /takes no flag '--only'/);
    assert.throws(() => parseLessonArgs(lesson('17-pretrain-finetune'), ['--onyl', 'spam']), /did you mean --only\?/);
    assert.throws(() => parseLessonArgs(lesson('17-pretrain-finetune'), ['--only', 'spma']), /^Error: --only takes slots or spam, got 'spma'$/);
    assert.throws(() => parseLessonArgs(lesson('17-pretrain-finetune'), ['--only']), /got nothing/);
  });

  test('--help says what the lesson shows, its flags and how long it takes', () => {
    const help = helpText(lesson('17-pretrain-finetune'));
    assert.match(help, /^Lesson 17: BERT-style masked pre-training/);
    assert.match(help, /^ {2}--only slots\|spam +run one of the two tasks$/m);
    assert.match(help, /^ {2}--fast +a smaller run in about 2 minutes: /m);
    assert.match(help, /^The full run takes about 44 minutes/m);
    assert.match(helpText(lesson('05-backprop-ninja')), /--fast +accepted; changes nothing/);
  });

  test('every lesson ends naming the next one; a --fast run first shows the full run\'s result where it cannot show its own', () => {
    COURSE.slice(0, -1).forEach((l, i) => assert.deepEqual(closingLines(l, false), [`next: lesson ${COURSE[i + 1].script.slice(0, 2)} (node dist/examples/${COURSE[i + 1].script}.js): ${COURSE[i + 1].shows}`]));
    assert.match(closingLines(COURSE.at(-1)!, false)[0], /^next: none, this is the last lesson/);
    for (const script of ['14-chat', '15-rag', '17-pretrain-finetune']) {
      assert.match(closingLines(lesson(script), true)[0], new RegExp(`^full run of node dist/examples/${script}\\.js, about \\d+ minutes .*: `));
    }
  });

  test('the scripts refuse an unknown flag and print --help before doing any work', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [join(examplesDir, '15-rag.js'), ...args], { encoding: 'utf8' });
    const refused = run(['--fsat']);
    assert.equal(refused.status, 2);
    assert.equal(refused.stdout, '');
    assert.equal(refused.stderr, "error: node dist/examples/15-rag.js takes no flag '--fsat' (did you mean --fast?); --help lists its flags\n");
    const help = run(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.equal(help.stdout, `${helpText(lesson('15-rag'))}\n`);
  });
});
