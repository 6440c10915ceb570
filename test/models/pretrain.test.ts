import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyTrain } from '../../src/cli/classify.js';
import { mlmPretrain } from '../../src/cli/mlm.js';
import { tagTrain } from '../../src/cli/tag.js';
import { formatConll } from '../../src/data/labelled.js';
import { slotFillingCorpus } from '../../src/data/slotFilling.js';
import { MASK_ID } from '../../src/data/vocabulary.js';
import { loadCheckpoint } from '../../src/io/checkpoint.js';
import { Generator, maskTokens, randint } from '../../src/index.js';
import type { SequenceClassifier } from '../../src/models/classify/encoder.js';
import { initEncoder } from '../../src/models/classify/pretrain.js';
import { buildTextClassifier } from '../../src/models/classify/textClassifier.js';

const quiet = { log: () => {}, progress: null };

describe("BERT's masked pre-training, then fine-tuning from its encoder", () => {
  test("maskTokens with BERT's split: 15% chosen, of those 80% masked, 10% random, 10% kept; padding never chosen", () => {
    const ids = randint(4, 1000, [200, 100], { generator: new Generator(1) });
    const padded = ids.maskedFill(ids.lt(104), 0); // about 10% padding
    const { inputs, targets } = maskTokens(padded, MASK_ID, { p: 0.15, randomize: 0.1, keep: 0.1, vocabSize: 1000, firstWord: 4, generator: new Generator(2) });
    const [x, y, orig] = [inputs.toFlatArray(), targets.toFlatArray(), padded.toFlatArray()];
    const real = orig.filter((v) => v !== 0).length;
    const chosen = y.flatMap((t, i) => (t === -100 ? [] : [i]));
    assert.ok(chosen.every((i) => orig[i] !== 0 && y[i] === orig[i]), 'targets are the original words, never padding');
    assert.ok(Math.abs(chosen.length / real - 0.15) < 0.01, `chosen ${chosen.length / real}`);
    const masked = chosen.filter((i) => x[i] === MASK_ID).length / chosen.length;
    const kept = chosen.filter((i) => x[i] === orig[i]).length / chosen.length;
    const random = 1 - masked - kept;
    assert.ok(Math.abs(masked - 0.8) < 0.02 && Math.abs(kept - 0.1) < 0.02 && Math.abs(random - 0.1) < 0.02, `masked ${masked}, kept ${kept}, random ${random}`);
    assert.ok(x.every((v, i) => y[i] !== -100 || v === orig[i]), 'unchosen words pass through');
  });

  test('mlm pretrain learns to restore words; classify and tag train --init start from exactly its encoder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zerograd-mlm-'));
    const sentences = slotFillingCorpus(600, 3);
    const conll = join(dir, 'slots.conll');
    writeFileSync(conll, formatConll(sentences));
    const texts = join(dir, 'requests.txt');
    writeFileSync(texts, `${sentences.map((s) => s.tokens.join(' ')).join('\n')}\n`);
    const pre = join(dir, 'pre');
    const shape = ['--n-embd', '16', '--n-head', '2', '--n-layer', '1', '--max-length', '24'];
    const accuracy = mlmPretrain(['--data', texts, ...shape, '--steps', '150', '--lr', '3e-3', '--out', pre], quiet);
    assert.ok(accuracy > 0.1, `masked-word accuracy ${accuracy} (a uniform guess: about 1/${loadCheckpoint(pre).model.get('lm_head.weight')!.shape[0]})`);
    const pretrained = loadCheckpoint(pre);
    const classifier = buildTextClassifier({ kind: 'encoder', vocab: (pretrained.config.model as { vocab: string[] }).vocab, labels: ['a', 'b'], maxLength: 24, nEmbd: 16, nHead: 2, nLayer: 1, dropout: 0 }, new Generator(9)) as SequenceClassifier;
    initEncoder(classifier, pretrained, pre);
    for (const [name, t] of classifier.encoder.stateDict()) assert.deepEqual(t.toFlatArray(), pretrained.model.get(`encoder.${name}`)!.toFlatArray(), name);

    const labelled = join(dir, 'labelled.csv');
    writeFileSync(labelled, `text,label\n${sentences.map((s) => `${s.tokens.join(' ')},${s.tags.includes('B-airline') ? 'airline' : 'other'}`).join('\n')}\n`);
    const report = classifyTrain(['--data', labelled, '--init', pre, '--steps', '30', '--out', join(dir, 'cls')], quiet);
    assert.ok(report.accuracy >= 0, 'classify trains from the pre-trained encoder');
    assert.equal(loadCheckpoint(join(dir, 'cls')).config.init, pre);
    const tagged = tagTrain(['--data', conll, '--init', pre, '--steps', '30', '--out', join(dir, 'tag')], quiet);
    assert.ok(tagged.all > 0);

    assert.throws(() => classifyTrain(['--data', labelled, '--init', pre, '--model', 'bag', '--out', join(dir, 'x')], quiet), /--init starts a transformer encoder; --model bag has none/);
    assert.throws(() => classifyTrain(['--data', labelled, '--init', pre, '--n-layer', '3', '--out', join(dir, 'y')], quiet), /--n-layer 3 contradicts --init .*, whose encoder has 1; leave it out/);
    assert.throws(() => tagTrain(['--data', conll, '--init', join(dir, 'cls'), '--out', join(dir, 'z')], quiet), /tag train --init: .*cls holds a 'classify' checkpoint, not a masked-LM pre-training \('mlm'\) one/);
  });
});
