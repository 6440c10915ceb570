// Lesson 7: a GPT from scratch on Tiny Shakespeare.
import { Embedding, Generator, cat, crossEntropy, manualSeed, multinomial, tensor } from '../src/index.js';
import { getBatch } from '../src/data/textDataset.js';
import { CharTokenizer } from '../src/data/charTokenizer.js';
import { splitTokens } from '../src/data/textDataset.js';
import { generate } from '../src/models/gpt/generate.js';
import { lectureGPTConfig } from '../src/models/gpt/gpt.js';
import { GPT_PRESETS, gptTrainConfig, startGPTRun } from '../src/models/gpt/recipe.js';
import { trainGPT } from '../src/models/gpt/train.js';
import { fast, lesson, shakespeare } from './common.js';

const text = shakespeare();
const tokenizer = CharTokenizer.forText(text);
const splits = splitTokens(tokenizer.encode(text));
console.log(`${text.length} characters, vocabulary ${tokenizer.vocabSize}: ${JSON.stringify(tokenizer.itos.join(''))}`);
// The lecture's first steps, after torch.manual_seed(1337): a batch of 4 windows of 8 characters, and a bigram model
// (one row of logits per character) with its loss before training and a sample from it. The 'torch' stream draws
// what PyTorch draws for this code.
manualSeed(1337, { stream: 'torch' });
const { x: xb, y: yb } = getBatch(splits.train, 8, 4);
console.log(`first batch: ${JSON.stringify(xb.tolist())}`);
const table = new Embedding(tokenizer.vocabSize, tokenizer.vocabSize);
console.log(`bigram model before training: loss ${crossEntropy(table.forward(xb).view(32, -1), yb.view(32)).item().toFixed(4)} (ln ${tokenizer.vocabSize} = ${Math.log(tokenizer.vocabSize).toFixed(4)})`);
let idx = tensor(Int32Array.from([0]), { shape: [1, 1] });
for (let i = 0; i < 100; i++) idx = cat([idx, multinomial(table.forward(idx).slice(1, -1).squeeze(1).softmax(-1), 1)], 1);
console.log(`its sample: ${JSON.stringify(tokenizer.decode(idx.toFlatArray()))}`);
manualSeed(0, { stream: 'xoshiro' });

const steps = fast ? 60 : 3000;
// The lecture's settings: batch 32, a constant learning rate.
const train = gptTrainConfig(GPT_PRESETS.tiny, { steps, lr: fast ? 1e-2 : 1e-3, warmupSteps: 10, evalEvery: steps / 3, evalIters: 10 });
const run = startGPTRun(lectureGPTConfig({ vocabSize: tokenizer.vocabSize, blockSize: 8, nEmbd: 32, nHead: 4, nLayer: 3, dropout: 0 }), train);
console.log(`GPT with ${run.model.numParameters()} parameters`);
trainGPT(run, splits, train, {
  onEval: (step, l) => console.log(`step ${step}: train ${l.train.toFixed(4)}, val ${l.val.toFixed(4)}`),
});
const out = generate(run.model, tensor(Int32Array.from(tokenizer.encode('\n')), { shape: [1, 1] }), fast ? 40 : 300, { generator: new Generator(1) });
console.log(tokenizer.decode(out.toFlatArray()));
lesson.done();
