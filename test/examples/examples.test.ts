import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../helpers.js';

/** What each lesson must print, checked on its --fast run. */
const expectations: Record<string, RegExp[]> = {
  '01-micrograd': [/neuron: o=0\.7071 \| grads x1=-1\.5000 w1=1\.0000 x2=0\.5000 w2=0\.0000/, /MLP\(3, \[4, 4, 1\]\): 41 parameters/],
  // The lectures' own numbers, from torch.Generator().manual_seed(2147483647) reproduced by the 'torch' stream.
  '02-bigram': [/vocabulary of 27/, /^torch\.rand\(3\) normalised: \[0\.6064, 0\.3033, 0\.0903\]; 20 draws: 1 1 2 0 0 2 1 1 0 0 0 1 1 0 0 1 1 0 0 1$/m,
    /counting model: average negative log-likelihood 2\.4546/, /^samples: mor, axx, minaymoryles, kondlaisah, anchshizarie$/m,
    /^neural bigram on 228146 bigrams: loss 3\.7686 -> /m],
  '03-mlp': [/^the lecture's first MLP: 32 contexts, 3481 parameters, loss 17\.7697 -> 0\.256\d after 1000 full-batch steps$/m,
    /learning-rate sweep: lowest batch loss/, /after 500 steps: train \d\.\d+, val \d\.\d+/],
  '04-batchnorm-diagnostics': [/layers\.4 \(Tanh\): mean .* saturated/, /update-ratio\.svg/],
  '05-backprop-ninja': [/logprobs\s+\| exact: true/, /^C\s+\| exact: \w+\s*\| approximate: true/m],
  '06-wavenet': [/76579 parameters/, /layers\.3\.running_mean|layers\.2\.weight/],
  '07-gpt': [/^first batch: \[\[24,43,58,5,57,1,46,43\],\[44,53,56,1,58,46,39,58\],\[52,58,1,58,46,39,58,1\],\[25,17,27,10,0,21,1,54\]\]$/m,
    /^bigram model before training: loss 5\.0364 /m, /^its sample: "\\nlfJeukRuaRJKXAYtXzfJ:HEPiu--sDioi;ILCo3pHNTmDwJsfheKRxZCFs\\nlZJ XQc\?:s:HEzEnXalEPklcPU cL'DpdLCafBheH"$/m, /GPT with \d+ parameters/, /step 60: train \d\.\d+, val \d\.\d+/],
  '08-devg-problems': [/gradient descent on x\^2: 4\.08536/, /multivariate gradient descent: 0\.00002, 0\.00002/,
    /linear regression: predictions 2\.2, 0\.9; weights after 10 steps 0\.50678, 0\.59057, 1\.27435/, /column means: 0\.4016, 0\.5282, -1\.0786/,
    /dataset: \[\[1,7,6,4,0\],\[2,9,5,3,8\]\]/, /^talk-back: hello.{20}$/m,
    ...Array.from({ length: 13 }, (_, i) => new RegExp(`^problem ${String(i + 1).padStart(2)} .*: (\\d+) of \\1 cases pass$`, 'm'))],
  '09-digit-classifier': [/^1438 training, 179 validation, 180 test images of 8x8/m,
    /^sigmoid outputs \(the course\): 38410 parameters, after 3 epochs train loss 1\.\d{4} \(it cannot go below ln\(1 \+ 9\/e\) = 1\.4612\), test accuracy 0\.\d{4}$/m,
    /^plain logits: 38410 parameters, after 3 epochs train loss 0\.\d{4}, test accuracy 0\.\d{4}$/m],
  '10-cnn': [/^conv1\.weight +\[6, 1, 3, 3\]$/m, /^9950 parameters/m, /^epoch 3: train loss \d\.\d{4}, val accuracy 0\.\d{4}$/m, /^test accuracy 0\.\d{4}$/m],
  '11-vit': [/^8x8 images in 4 patches of 4x4, \+ CLS = 5 tokens of width 64/m, /^test accuracy 0\.\d{4}$/m],
  '13-rnn-lstm': [/^one RNN step by hand equals RNN\.forward: true$/m, /^over \d+ steps the LSTM keeps [1-9]\d*x and the GRU [1-9]\d*x the RNN's gradient to the first input$/m,
    /^makemore GRU, 8027 parameters, \d+ AdamW steps: val loss 2\.\d{4}$/m, /^char-rnn LSTM, 93409 parameters, \d+ steps: train \d\.\d{4}, val \d\.\d{4}$/m, /^ROMEO:/m],
  '14-chat': [/^pre-trained a \d+-parameter GPT on Tiny Shakespeare for \d+ steps$/m, /^before fine-tuning: Q: what is .*\?  A: ".*"$/m,
    /^fine-tuned on 241 question-and-answer pairs for \d+ steps$/m, /^questions it was trained on: \d+ of \d+ answered exactly$/m, /^held-out questions: \d+ of \d+ answered exactly$/m],
  '15-rag': [/^200 passages indexed \(TF-IDF, 413 words\); held-out questions: recall@1 1\.000, recall@5 1\.000$/m,
    /^reader: a \d+-parameter GPT, \d+ steps on 192 facts$/m,
    /^exact-match on 8 held-out questions: retrieved passage \d\.\d{3}, no context \d\.\d{3}, gold passage \d\.\d{3}$/m,
    /^full run of node dist\/examples\/15-rag\.js, about 38 minutes .*: exact-match on 200 held-out questions: retrieved passage 0\.875, no context 0\.000, gold passage 0\.875/m],
  '16-lora': [/^Linear\(64, 64\): 4160 weights; LoRA rank 4 trains 512 \(A 4x64, B 64x4\), scale alpha\/r = 2$/m,
    /^full fine-tune: 30144 trainable parameters; names val \d\.\d{4}, Shakespeare val \d\.\d{4}$/m,
    /^LoRA rank 4: 1024 trainable parameters; names val \d\.\d{4}, Shakespeare val \d\.\d{4}$/m, /^merged 2 layers: largest logit change \d\.\de-[5-9]$/m],
  '17-pretrain-finetune': [/^pre-trained on 400 unlabelled requests: \d+\.\d% of masked words restored$/m,
    /^50 labelled sentences: slot tokens right \d+\.\d% from scratch, \d+\.\d% from the pre-trained encoder$/m,
    /^pre-trained on 400 unlabelled emails: \d+\.\d% of masked words restored$/m,
    /^50 labelled emails: test accuracy \d+\.\d% \(macro F1 0\.\d{3}\) from scratch, \d+\.\d% \(macro F1 0\.\d{3}\) from the pre-trained encoder$/m],
  '12-kmeans': [/^k-means on 1438 digits' raw pixels \(64 dims\): purity 0\.\d{4}/m, /^k-means on the CNN's 120-unit penultimate layer: purity 0\.\d{4}/m],
};

const examplesDir = join(projectRoot(), 'dist', 'examples');

describe('lesson scripts (examples/) run in fast mode', () => {
  test('every example has expectations and every expectation an example', () => {
    const scripts = readdirSync(examplesDir).filter((f) => /^\d\d-.*\.js$/.test(f)).map((f) => f.replace(/\.js$/, ''));
    assert.deepEqual(scripts.sort(), Object.keys(expectations).sort());
  });

  for (const [name, patterns] of Object.entries(expectations)) {
    test(name, () => {
      const result = spawnSync(process.execPath, [join(examplesDir, `${name}.js`), '--fast'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      for (const pattern of patterns) assert.match(result.stdout, pattern);
      // A --fast run first says what it leaves out and how long the full run takes; every lesson ends naming the next.
      const lines = result.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^--fast(: .*; the full run takes about \d+| changes nothing)/);
      assert.match(lines.at(-1)!, name === '17-pretrain-finetune' ? /^next: none, this is the last lesson/ : /^next: lesson \d\d \(node dist\/examples\/\d\d-[a-z-]+\.js\): /);
    });
  }
});
